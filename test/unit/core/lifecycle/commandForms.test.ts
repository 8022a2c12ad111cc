import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmptyCommand, toInvocations } from '../../../../src/core/lifecycle/commandForms';

describe('toInvocations', () => {
  it('string → shell, array → argv as is, object → named invocations in key order', () => {
    assert.deepEqual(toInvocations('npm ci && echo "$HOME"'), [{ name: undefined, argv: ['/bin/sh', '-c', 'npm ci && echo "$HOME"'] }]);
    assert.deepEqual(toInvocations(['npm', 'ci', '$HOME']), [{ name: undefined, argv: ['npm', 'ci', '$HOME'] }]);
    assert.deepEqual(toInvocations({ web: 'npm start', db: ['pg_ctl', 'start'] }), [
      { name: 'web', argv: ['/bin/sh', '-c', 'npm start'] },
      { name: 'db', argv: ['pg_ctl', 'start'] },
    ]);
  });
  it('takes another shell (cmd /c on Windows hosts)', () => {
    assert.deepEqual(toInvocations('dir', ['cmd.exe', '/c']), [{ name: undefined, argv: ['cmd.exe', '/c', 'dir'] }]);
  });
  it('does not share the caller\'s array', () => {
    const argv = ['a'];
    toInvocations(argv)[0].argv.push('b');
    assert.deepEqual(argv, ['a']);
  });
});

describe('isEmptyCommand', () => {
  it('treats blank strings, empty arrays and objects of empties as absent', () => {
    assert.equal(isEmptyCommand(''), true);
    assert.equal(isEmptyCommand('  '), true);
    assert.equal(isEmptyCommand([]), true);
    assert.equal(isEmptyCommand({}), true);
    assert.equal(isEmptyCommand({ a: '', b: [] }), true);
    assert.equal(isEmptyCommand('true'), false);
    assert.equal(isEmptyCommand(['true']), false);
    assert.equal(isEmptyCommand({ a: '', b: 'x' }), false);
  });
});
