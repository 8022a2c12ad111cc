import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../src/cli/args';
import type { CommandSpec } from '../../../src/cli/command';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'demo',
  positionals: true,
  flags: {
    'workspace-folder': { type: 'string', description: '' },
    'remove-existing-container': { type: 'boolean', description: '' },
    'id-label': { type: 'string[]', description: '' },
  },
  run: async () => 0,
};

describe('parseArgs', () => {
  it('reads string, boolean, repeated and inline flags', () => {
    const a = parseArgs(spec, ['--workspace-folder', '/w', '--remove-existing-container', '--id-label=a=1', '--id-label', 'b=2']);
    assert.equal(a.flags['workspace-folder'], '/w');
    assert.equal(a.flags['remove-existing-container'], true);
    assert.deepEqual(a.flags['id-label'], ['a=1', 'b=2']);
    assert.equal(a.flags['log-format'], 'text');
  });

  it('passes everything after the first positional to the command', () => {
    const a = parseArgs(spec, ['--workspace-folder', '/w', 'ls', '-la', '--color']);
    assert.deepEqual(a.positionals, ['ls', '-la', '--color']);
  });

  it('takes --no-<flag> for booleans and -- as the end of flags', () => {
    const a = parseArgs(spec, ['--no-remove-existing-container', '--', '--workspace-folder']);
    assert.equal(a.flags['remove-existing-container'], false);
    assert.deepEqual(a.positionals, ['--workspace-folder']);
  });

  it('rejects unknown flags and missing values with a usage error', () => {
    assert.throws(() => parseArgs(spec, ['--nope']), /unknown flag '--nope'/);
    assert.throws(() => parseArgs(spec, ['--workspace-folder']), /needs a value/);
  });
});
