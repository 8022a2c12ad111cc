import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planUidUpdate, uidImageName, uidUpdateUser, UPDATE_UID_DOCKERFILE, type UidUpdateInput } from '../../../../src/core/container/uid';

const base: UidUpdateInput = { enabled: true, platform: 'linux', isNewContainer: true, hostUid: 1001, hostGid: 1002, remoteUser: 'dev', image: 'vsc-proj-abc' };

describe('planUidUpdate', () => {
  it('plans the UID image for a named user on a Linux host', () => {
    assert.deepEqual(planUidUpdate({ ...base, imageUser: 'node', buildPlatform: 'linux/amd64' }), {
      run: true,
      user: 'dev',
      imageName: 'vsc-proj-abc-uid',
      dockerfile: UPDATE_UID_DOCKERFILE,
      buildArgs: { BASE_IMAGE: 'vsc-proj-abc', REMOTE_USER: 'dev', NEW_UID: '1001', NEW_GID: '1002', IMAGE_USER: 'node' },
      platform: 'linux/amd64',
    });
  });

  it('restores root when the image has no user', () => {
    const plan = planUidUpdate(base);
    assert.ok(plan.run);
    assert.equal(plan.buildArgs.IMAGE_USER, 'root');
  });

  it('skips with a reason', () => {
    const reason = (over: Partial<UidUpdateInput>) => {
      const plan = planUidUpdate({ ...base, ...over });
      assert.equal(plan.run, false);
      return plan.run ? '' : plan.reason;
    };
    assert.match(reason({ enabled: false }), /updateRemoteUserUID is false/);
    assert.match(reason({ platform: 'darwin' }), /not Linux/);
    assert.match(reason({ isNewContainer: false }), /already exists/);
    assert.match(reason({ remoteUser: 'root' }), /root/);
    assert.match(reason({ remoteUser: undefined }), /root/);
    assert.match(reason({ remoteUser: '1000' }), /numeric/);
    assert.match(reason({ remoteUser: undefined, runArgsUser: '1000:1000' }), /numeric/);
    assert.match(reason({ hostUid: 0 }), /host user is root/);
  });

  it('takes the user part of user:group', () => {
    const plan = planUidUpdate({ ...base, remoteUser: undefined, runArgsUser: 'dev:staff' });
    assert.ok(plan.run);
    assert.equal(plan.user, 'dev');
  });
});

describe('uidUpdateUser', () => {
  it('resolves remoteUser, then runArgs -u, then containerUser, then the image user', () => {
    const all = { remoteUser: 'r', runArgsUser: 'a', containerUser: 'c', imageUser: 'i' };
    assert.equal(uidUpdateUser(all), 'r');
    assert.equal(uidUpdateUser({ ...all, remoteUser: undefined }), 'a');
    assert.equal(uidUpdateUser({ ...all, remoteUser: undefined, runArgsUser: undefined }), 'c');
    assert.equal(uidUpdateUser({ imageUser: 'i' }), 'i');
    assert.equal(uidUpdateUser({ imageUser: '' }), 'root');
  });
});

describe('uidImageName', () => {
  it('adds -uid to the tag or name, and turns a digest into a tag', () => {
    assert.equal(uidImageName('vsc-proj-abc'), 'vsc-proj-abc-uid');
    assert.equal(uidImageName('debian:bookworm-slim'), 'debian:bookworm-slim-uid');
    assert.equal(uidImageName('localhost:5000/img'), 'localhost:5000/img-uid');
    assert.equal(uidImageName(`img@sha256:${'a'.repeat(64)}`), 'img-uid:aaaaaaaaaaaa');
  });
});

describe('UPDATE_UID_DOCKERFILE', () => {
  it('takes the documented build args and restores the image user last', () => {
    for (const arg of ['BASE_IMAGE', 'REMOTE_USER', 'NEW_UID', 'NEW_GID', 'IMAGE_USER']) assert.match(UPDATE_UID_DOCKERFILE, new RegExp(`ARG ${arg}`));
    assert.match(UPDATE_UID_DOCKERFILE.trimEnd().split('\n').at(-1) ?? '', /^USER \$IMAGE_USER$/);
    assert.doesNotMatch(UPDATE_UID_DOCKERFILE, /usermod|groupmod/);
  });
});
