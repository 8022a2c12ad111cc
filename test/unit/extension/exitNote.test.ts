import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../src/core/errors';
import { mapEngineError } from '../../../src/core/engine/mapEngineError';
import { exitNote } from '../../../src/extension/exitNote';

describe('exitNote', () => {
  it('shows the exit code of a process that ended by itself', () => {
    assert.equal(exitNote(0), '[process exited with code 0]');
    assert.equal(exitNote(130), '[process exited with code 130]');
    assert.equal(exitNote(undefined), '[process exited with code unknown]');
  });

  it('says the connection to Docker was lost, why, and what to do, instead of an unknown exit code', () => {
    // What TtySession passes when the exit code cannot be read because the daemon stopped.
    const refused = mapEngineError(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }), {
      action: 'inspect exec',
      endpoint: '/var/run/docker.sock',
    });
    assert.equal(refused.code, 'docker-unavailable');
    const note = exitNote(undefined, refused);
    assert.equal(
      note,
      '[Berth: the connection to Docker was lost: Docker is not running (no engine at /var/run/docker.sock: ECONNREFUSED). Start Docker, then run Berth: Start Container.]',
    );
    assert.doesNotMatch(note, /exited with code/);
  });

  it('keeps the note on one line and reads errors by shape (another copy of the core)', () => {
    const note = exitNote(undefined, { name: 'BerthError', code: 'docker-unavailable', message: 'Docker is not running\n(no engine).' });
    assert.equal(note, '[Berth: the connection to Docker was lost: Docker is not running (no engine). Start Docker, then run Berth: Start Container.]');
    assert.match(exitNote(undefined, new BerthError('docker-unavailable', '')), /^\[Berth: the connection to Docker was lost\. Start Docker/);
  });
});
