import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConfig, type ReadConfigResult } from '../../../src/core/config';
import { assessSpecRisk, specHash } from '../../../src/core/trust';
import { tempWorkspace } from '../../support/configFixtures';

async function load(spec: Record<string, unknown>, extra: Record<string, string> = {}): Promise<{ loaded: ReadConfigResult; dir: string; cleanup: () => void }> {
  const ws = tempWorkspace({ '.devcontainer/devcontainer.json': JSON.stringify(spec), '.devcontainer/Dockerfile': 'FROM scratch\n', ...extra });
  try {
    const loaded = await readConfig({ workspaceFolder: ws.dir, env: { HOME: '/home/me' }, platform: 'linux' });
    return { loaded, ...ws };
  } catch (e) {
    ws.cleanup();
    throw e;
  }
}

describe('assessSpecRisk', () => {
  it('finds nothing in a spec that stays in its workspace', async () => {
    const { loaded, cleanup } = await load({
      image: 'berth-test/busybox',
      mounts: ['type=volume,source=cache,target=/cache', 'type=bind,source=${localWorkspaceFolder}/data,target=/data', 'type=tmpfs,target=/t'],
      runArgs: ['--init', '-e', 'A=B', '-v', 'named:/x', '-p', '8080:80', '--cap-add=SYS_NICE'],
      postCreateCommand: 'rm -rf /',
    });
    try {
      assert.deepEqual(assessSpecRisk(loaded), []);
    } finally {
      cleanup();
    }
  });

  it('flags host commands, outside mounts, the Docker socket, privileges and host namespaces, with their places', async () => {
    const { loaded, cleanup } = await load({
      build: { dockerfile: 'Dockerfile', context: '../..' },
      initializeCommand: ['curl', 'https://example.invalid/x.sh'],
      workspaceMount: 'source=/,target=/workspace,type=bind',
      mounts: [
        'source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind',
        { type: 'bind', source: '${localEnv:HOME}/.ssh', target: '/root/.ssh', readonly: true },
        'type=bind,source=${localEnv:HOME},target=/h',
        'type=bind,source=/opt/tools,target=/tools,readonly',
      ],
      privileged: true,
      capAdd: ['SYS_PTRACE', 'NET_BIND_SERVICE'],
      securityOpt: ['seccomp=unconfined'],
      runArgs: ['--privileged', '-v', '/:/host', '--pid=host', '--network', 'host', '--cap-add=SYS_ADMIN', '--device', '/dev/fuse',
        '--mount', 'type=bind,source=/etc,target=/e', '--ipc=container:db', '-v/srv:/srv:ro'],
    });
    try {
      const risks = assessSpecRisk(loaded);
      const at = (path: string) => risks.filter((r) => r.path === path).map((r) => `${r.kind}/${r.severity}`);
      assert.deepEqual(at('initializeCommand'), ['host-command/high']);
      assert.deepEqual(at('build.context'), ['build-context/medium']);
      assert.deepEqual(at('workspaceMount'), ['host-mount/high']);
      assert.deepEqual(at('mounts[0]'), ['docker-socket/high']);
      assert.deepEqual(at('mounts[1]'), ['host-mount/high']);
      assert.match(risks.find((r) => r.path === 'mounts[1]')!.message, /\.ssh credentials/);
      assert.match(risks.find((r) => r.path === 'mounts[2]')!.message, /home folder/);
      assert.deepEqual(at('mounts[3]'), ['host-mount/medium']);
      assert.deepEqual(at('privileged'), ['privileged/high']);
      assert.deepEqual(at('capAdd[0]'), ['capability/medium']);
      assert.deepEqual(at('capAdd[1]'), []);
      assert.deepEqual(at('securityOpt[0]'), ['security-opt/medium']);
      assert.deepEqual(at('runArgs[0]'), ['privileged/high']);
      assert.deepEqual(at('runArgs[1]'), ['host-mount/high']);
      assert.deepEqual(at('runArgs[3]'), ['host-namespace/high']);
      assert.deepEqual(at('runArgs[4]'), ['host-namespace/high']);
      assert.deepEqual(at('runArgs[6]'), ['capability/high']);
      assert.deepEqual(at('runArgs[7]'), ['device/medium']);
      assert.deepEqual(at('runArgs[9]'), ['host-mount/high']);
      assert.deepEqual(at('runArgs[11]'), ['host-namespace/medium']);
      assert.deepEqual(at('runArgs[12]'), ['host-mount/medium']);
      for (const r of risks) assert.ok(r.message.length > 20 && r.detail.length > 0, JSON.stringify(r));
    } finally {
      cleanup();
    }
  });

  it('flags Compose specs, whose services Berth does not inspect', async () => {
    const { loaded, cleanup } = await load({ dockerComposeFile: 'docker-compose.yml', service: 'app' }, { '.devcontainer/docker-compose.yml': 'services: {}\n' });
    try {
      assert.deepEqual(assessSpecRisk(loaded).map((r) => r.kind), ['compose']);
    } finally {
      cleanup();
    }
  });
});

describe('specHash', () => {
  it('is stable across formatting and changes with the spec or with what it reaches', async () => {
    const spec = { image: 'berth-test/busybox', mounts: ['type=bind,source=${localEnv:HOME}/.ssh,target=/s'] };
    const a = await load(spec);
    const b = await load(spec);
    try {
      const h = specHash(a.loaded);
      assert.match(h, /^[0-9a-f]{64}$/);
      // Another workspace with the same spec: same hash (the spec, not its path, is what was approved).
      assert.equal(specHash(b.loaded), h);
      const other = await readConfig({ workspaceFolder: a.dir, env: { HOME: '/home/other' }, platform: 'linux' });
      assert.notEqual(specHash(other), h, 'the mount now reaches another folder');
      const reformatted = await load({ mounts: spec.mounts, image: spec.image });
      assert.equal(specHash(reformatted.loaded), h);
      reformatted.cleanup();
      const changed = await load({ ...spec, postCreateCommand: 'echo' });
      assert.notEqual(specHash(changed.loaded), h);
      changed.cleanup();
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
});

describe('assessSpecRisk with merged metadata', () => {
  it('assesses mounts and privileges an image or Feature added, naming where they came from', async () => {
    const ws = tempWorkspace({ '.devcontainer/devcontainer.json': JSON.stringify({ image: 'x', mounts: ['type=volume,source=v,target=/v'] }) });
    try {
      const loaded = await readConfig({
        workspaceFolder: ws.dir, env: { HOME: '/home/me' }, platform: 'linux',
        imageMetadata: [{ id: 'docker-in-docker', privileged: true, mounts: ['type=bind,source=/var/run/docker.sock,target=/var/run/docker-host.sock'] }],
      });
      const risks = assessSpecRisk(loaded);
      assert.deepEqual(risks.map((r) => `${r.kind}@${r.path}`).sort(), ['docker-socket@mounts (from image or Feature metadata)', 'privileged@privileged']);
    } finally {
      ws.cleanup();
    }
  });
});
