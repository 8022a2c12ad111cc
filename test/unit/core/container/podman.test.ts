import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepIdUser, podmanRunOptions, type PodmanRunInput } from '../../../../src/core/container/podman';

const rootless = { isPodman: true, rootless: true };
const rootful = { isPodman: true, rootless: false };
const docker = { isPodman: false, rootless: false };

function opts(over: Partial<PodmanRunInput>): ReturnType<typeof podmanRunOptions> {
  return podmanRunOptions({ engine: rootless, platform: 'linux', runArgs: [], ...over });
}

describe('podmanRunOptions', () => {
  it('rootless Podman on Linux with a non-root remote user: label=disable and keep-id', () => {
    assert.deepEqual(opts({ remoteUser: 'dev' }), { securityOpt: ['label=disable'], usernsMode: 'keep-id' });
  });

  it('Docker, rootless or not, and engines on other hosts get nothing', () => {
    assert.deepEqual(opts({ engine: docker, remoteUser: 'dev' }), { securityOpt: [] });
    assert.deepEqual(opts({ engine: { isPodman: false, rootless: true }, remoteUser: 'dev' }), { securityOpt: [] });
    assert.deepEqual(opts({ engine: undefined, remoteUser: 'dev' }), { securityOpt: [] });
    assert.deepEqual(opts({ platform: 'darwin', remoteUser: 'dev' }), { securityOpt: [] });
    assert.deepEqual(opts({ platform: 'win32', remoteUser: 'dev' }), { securityOpt: [] });
  });

  it('rootful Podman refuses keep-id, so it gets label=disable only', () => {
    assert.deepEqual(opts({ engine: rootful, remoteUser: 'dev' }), { securityOpt: ['label=disable'] });
  });

  it('a root remote user gets no keep-id: root, 0, 0:0, or no user anywhere', () => {
    for (const remoteUser of ['root', '0', '0:0', 'root:staff', undefined]) {
      assert.deepEqual(opts({ remoteUser }), { securityOpt: ['label=disable'] }, String(remoteUser));
    }
  });

  it('--uidmap or --gidmap in runArgs (with or without a value) turns keep-id off', () => {
    for (const runArgs of [['--uidmap', '0:1:1000'], ['--uidmap=0:1:1000'], ['--gidmap=0:1:1000'], ['--gidmap', '0:1:1']]) {
      assert.deepEqual(opts({ remoteUser: 'dev', runArgs }), { securityOpt: ['label=disable'] }, runArgs.join(' '));
    }
    assert.equal(opts({ remoteUser: 'dev', runArgs: ['--userns=keep-id'] }).usernsMode, 'keep-id');
  });
});

describe('keepIdUser', () => {
  it('remoteUser, else the last -u/--user of runArgs, else the image user, else root; containerUser plays no part', () => {
    assert.equal(keepIdUser({ remoteUser: 'dev', runArgs: ['-u', 'other'], imageUser: 'img' }), 'dev');
    assert.equal(keepIdUser({ runArgs: ['-u', 'first', '--user=second'], imageUser: 'img' }), 'second');
    assert.equal(keepIdUser({ runArgs: ['-u1000'], imageUser: 'img' }), '1000');
    assert.equal(keepIdUser({ runArgs: [], imageUser: 'img' }), 'img');
    assert.equal(keepIdUser({ runArgs: [], imageUser: '' }), 'root');
  });

  it('decides keep-id from the runArgs user when there is no remoteUser', () => {
    assert.equal(opts({ runArgs: ['--user', 'node'], imageUser: '' }).usernsMode, 'keep-id');
    assert.equal(opts({ runArgs: ['--user', '0'], imageUser: 'node' }).usernsMode, undefined);
    assert.equal(opts({ runArgs: [], imageUser: 'node' }).usernsMode, 'keep-id');
  });
});
