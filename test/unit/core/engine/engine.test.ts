import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerEngine, engineInfoFromVersion, pullQuery } from '../../../../src/core/engine/engine';

describe('engineInfoFromVersion', () => {
  it('recognises Podman from its components', () => {
    const podman = engineInfoFromVersion({
      Version: '4.3.1',
      ApiVersion: '1.41',
      Os: 'linux',
      Arch: 'amd64',
      Components: [{ Name: 'Podman Engine', Version: '4.3.1' }, { Name: 'Conmon' }],
    });
    assert.deepEqual(podman, { version: '4.3.1', apiVersion: '1.41', os: 'linux', arch: 'amd64', isPodman: true, rootless: false });
  });
  it("reads rootless from /info: Podman 4.3's Rootless field, or name=rootless in SecurityOptions (Docker, later Podmans)", () => {
    const v = { Version: '4.3.1', Components: [{ Name: 'Podman Engine' }] };
    // As rootless Podman 4.3.1 answers (measured).
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: ['name=seccomp,profile=default'], Rootless: true }).rootless, true);
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: ['name=seccomp,profile=default'], Rootless: false }).rootless, false);
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'] }).rootless, true);
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: ['name=seccomp,profile=default'] }).rootless, false);
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: null }).rootless, false);
    assert.equal(engineInfoFromVersion(v, { SecurityOptions: ['name=seccomp,profile=rootless'] }).rootless, false);
  });
  it('Docker is not Podman', () => {
    const docker = engineInfoFromVersion({ Version: '20.10.24', ApiVersion: '1.41', Components: [{ Name: 'Engine' }, { Name: 'containerd' }, { Name: 'runc' }] });
    assert.equal(docker.isPodman, false);
    assert.equal(docker.version, '20.10.24');
  });
});

describe('pullQuery', () => {
  it('splits the tag, defaulting to latest so one tag is pulled, not all', () => {
    assert.deepEqual(pullQuery('debian:bookworm-slim'), { fromImage: 'debian', tag: 'bookworm-slim' });
    assert.deepEqual(pullQuery('ubuntu'), { fromImage: 'ubuntu', tag: 'latest' });
    assert.deepEqual(pullQuery('localhost:5000/team/img'), { fromImage: 'localhost:5000/team/img', tag: 'latest' });
    assert.deepEqual(pullQuery('localhost:5000/img:1.2'), { fromImage: 'localhost:5000/img', tag: '1.2' });
    assert.deepEqual(pullQuery('img@sha256:abc'), { fromImage: 'img@sha256:abc' });
  });
});

describe('lazy loading', () => {
  it('importing the engine module and constructing an engine does not load dockerode', () => {
    new DockerEngine({ connect: { env: {} } });
    assert.equal(Object.keys(require.cache).some((k) => /[\\/]node_modules[\\/](dockerode|docker-modem|tar-fs)[\\/]/.test(k)), false);
  });
});
