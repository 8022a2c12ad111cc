import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendHomesCommand, installWrapper, optionEnvName, optionsEnvFile } from '../../../../src/core/features/installScript';
import { shellQuote } from '../../../../src/core/shell';

describe('option variables', () => {
  it('mangles names as the spec says', () => {
    assert.equal(optionEnvName('version'), 'VERSION');
    assert.equal(optionEnvName('installZsh'), 'INSTALLZSH');
    assert.equal(optionEnvName('my-option.name'), 'MY_OPTION_NAME');
    assert.equal(optionEnvName('2nd-word.opt'), '_ND_WORD_OPT');
    assert.equal(optionEnvName('__x'), '_X');
    assert.equal(optionEnvName('9'), '_');
  });

  it('writes NAME="value" lines, values as they are', () => {
    assert.equal(optionsEnvFile({ version: '1.2', loud: true, 'a-b': 'say "hi"' }), 'VERSION="1.2"\nLOUD="true"\nA_B="say "hi""\n');
  });
});

describe('install wrapper', () => {
  it('sources both env files exported and runs install.sh with set -e', () => {
    const w = installWrapper({ userId: './hello', version: '1.0.0', options: {} });
    const lines = w.split('\n');
    assert.equal(lines[0], '#!/bin/sh');
    assert.ok(lines.indexOf('set -e') < lines.indexOf('./install.sh'));
    assert.ok(lines.indexOf('set -a') < lines.indexOf('. ./devcontainer-features.env'));
    assert.ok(lines.indexOf('. ../devcontainer-features.builtin.env') < lines.indexOf('set +a'));
  });

  it('quotes users in the home lookup', () => {
    assert.equal(shellQuote("o'neil"), `'o'\\''neil'`);
    const cmd = appendHomesCommand('/tmp/b.env', 'vscode', 'root');
    assert.match(cmd, /getent passwd 'vscode'/);
    assert.match(cmd, /_REMOTE_USER_HOME=.*getent passwd 'root'/);
  });
});
