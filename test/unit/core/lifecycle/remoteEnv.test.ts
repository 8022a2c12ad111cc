import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineRemoteEnv, envListToRecord } from '../../../../src/core/lifecycle/remoteEnv';

describe('combineRemoteEnv', () => {
  it('overlays remoteEnv on the probed env, null unsets, containerEnv defaults to probed', () => {
    const probed = { PATH: '/usr/bin', KEEP: '1', DROP: 'x' };
    assert.deepEqual(combineRemoteEnv(probed, { PATH: '${containerEnv:PATH}:/extra', DROP: null, NEW: 'n' }), {
      PATH: '/usr/bin:/extra',
      KEEP: '1',
      NEW: 'n',
    });
    assert.deepEqual(probed, { PATH: '/usr/bin', KEEP: '1', DROP: 'x' }, 'input untouched');
  });
  it('resolves set, unset, defaulted and foreign variables in remoteEnv values', () => {
    const containerEnv = { PATH: '/usr/bin:/bin', HOME: '/root', EMPTY: '' };
    assert.deepEqual(
      combineRemoteEnv({}, {
        A: '${containerEnv:PATH}:/opt/bin',
        B: 'x${containerEnv:NOPE}y',
        C: '${containerEnv:NOPE:a:b}',
        D: '${containerEnv:EMPTY:d}',
        E: '${localEnv:HOME} ${foo}',
        F: '${containerEnv:HOME}/${containerEnv:HOME}',
      }, containerEnv),
      { A: '/usr/bin:/bin:/opt/bin', B: 'xy', C: 'a', D: '', E: '${localEnv:HOME} ${foo}', F: '/root//root' },
    );
  });
  it('resolves against an explicit container env', () => {
    assert.deepEqual(combineRemoteEnv({ PATH: '/login/path' }, { P: '${containerEnv:PATH}' }, { PATH: '/image/path' }), {
      PATH: '/login/path',
      P: '/image/path',
    });
  });
});

describe('envListToRecord', () => {
  it('splits at the first =, later entries win, bad entries dropped', () => {
    assert.deepEqual(envListToRecord(['A=1', 'B=x=y', 'A=2', 'junk', '=v']), { A: '2', B: 'x=y' });
    assert.deepEqual(envListToRecord(undefined), {});
  });
});
