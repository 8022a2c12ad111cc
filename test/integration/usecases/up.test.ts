/**
 * The use cases end to end on the real engine: up (create, reuse, start, rebuild), exec, status,
 * stop, down, on fixture workspaces copied to temp folders.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { isBerthError } from '../../../src/core/errors';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();

function context(events: BerthEvent[] = []): UseCaseContext {
  return { events: (e) => events.push(e), env: { ...process.env } };
}

async function run(service: BerthService, folder: string, script: string) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const r = await service.exec(
    { workspaceFolder: folder },
    { cmd: ['sh', '-c', script], onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) },
    context(),
  );
  return { exitCode: r.exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('up, exec, status, stop, down (image spec with every hook form)', () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let service: BerthService;

  before(async () => {
    ws = await tempWorkspace('image-hooks');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  let containerId = '';

  it('creates the container with the spec labels, mounts, env and port, and runs the hooks in order', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const result = await service.up({ workspaceFolder: ws.folder }, context(events));
    assert.equal(result.action, 'created');
    assert.equal(result.remoteWorkspaceFolder, '/workspaces/image-hooks');
    containerId = result.containerId;

    const info = await docker.getContainer(containerId).inspect();
    assert.equal(info.Config.Labels['devcontainer.local_folder'], ws.folder);
    assert.equal(info.Config.Labels['devcontainer.config_file'], join(ws.folder, '.devcontainer', 'devcontainer.json'));
    const metadata = JSON.parse(info.Config.Labels['devcontainer.metadata']);
    assert.ok(Array.isArray(metadata) && metadata.some((e: { postStartCommand?: string }) => e.postStartCommand));
    assert.ok(info.Config.Env.includes('FROM_CONTAINER_ENV=yes'));
    assert.ok(info.Config.Env.includes('BASE=image-hooks'));
    const byTarget = Object.fromEntries(info.Mounts.map((m) => [m.Destination, m]));
    assert.equal(byTarget['/workspaces/image-hooks']?.Source, ws.folder);
    assert.equal(byTarget['/data']?.Type, 'volume');
    assert.deepEqual(info.HostConfig.PortBindings?.['18931/tcp'], [{ HostIp: '127.0.0.1', HostPort: '18931' }]);

    const log = await run(service, ws.folder, 'cat /tmp/hooks.log');
    const lines = log.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 3), ['onCreate', 'updateContent', lines[2]]);
    assert.deepEqual(lines.slice(2, 4).sort(), ['postCreate-first', 'postCreate-second']);
    assert.deepEqual(lines.slice(4), ['postStart', 'postAttach']);
    const hookEvents = events.filter((e) => e.type === 'hook' && e.state === 'succeeded' && !e.command).map((e) => e.type === 'hook' && e.hook);
    assert.deepEqual(hookEvents, ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand']);
  });

  it('execs as the remote user in the workspace folder with remoteEnv resolved against the container', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await run(service, ws.folder, 'pwd; echo $FROM_REMOTE_ENV; echo $WORKSPACE_SEEN; cat keep-me.txt; exit 7');
    assert.equal(r.exitCode, 7);
    assert.deepEqual(r.stdout.trim().split('\n'), ['/workspaces/image-hooks', 'yes-remote', '/workspaces/image-hooks', 'workspace file']);
  });

  it('reuses the running container: only postAttachCommand runs again', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(result.action, 'reused');
    assert.equal(result.containerId, containerId);
    const log = (await run(service, ws.folder, 'cat /tmp/hooks.log')).stdout.trim().split('\n');
    assert.deepEqual(log.slice(-2), ['postAttach', 'postAttach']);
    assert.equal(log.filter((l) => l === 'onCreate').length, 1);
  });

  it('reports status: running, ports, hooks that ran, no drift', async (t) => {
    if (!(await needDocker(t))) return;
    const s = await service.status({ workspaceFolder: ws.folder }, context());
    assert.equal(s.state, 'running');
    assert.equal(s.containerId, containerId);
    assert.deepEqual(s.ports, [{ containerPort: 18931, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18931 }]);
    // The named volume, the workspace bind and the tmpfs, by target.
    assert.deepEqual(
      s.mounts.map((m) => `${m.target} ${m.type} ${m.type === 'volume' ? m.source.replace(/-[0-9a-v]{52}$/, '-ID') : m.source}`),
      ['/data volume berth-test-ID', '/scratch tmpfs ', `/workspaces/image-hooks bind ${ws.folder}`],
    );
    assert.ok(s.hooks.find((h) => h.hook === 'postCreateCommand')?.ranAt);
    assert.deepEqual(s.drift, []);
  });

  it('an edited postAttachCommand applies on the next up, without a rebuild', async (t) => {
    if (!(await needDocker(t))) return;
    const file = join(ws.folder, '.devcontainer', 'devcontainer.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('echo postAttach >>', 'echo postAttach-edited >>'));
    try {
      const result = await service.up({ workspaceFolder: ws.folder }, context());
      assert.equal(result.containerId, containerId);
      const log = (await run(service, ws.folder, 'cat /tmp/hooks.log')).stdout.trim().split('\n');
      assert.equal(log.at(-1), 'postAttach-edited');
    } finally {
      await writeFile(file, original);
    }
  });

  it('stop, then up starts the same container and reruns postStartCommand but not the create hooks', async (t) => {
    if (!(await needDocker(t))) return;
    const began = Date.now();
    await service.stop({ workspaceFolder: ws.folder }, context());
    assert.ok(Date.now() - began < 5000, 'stop is quick: the keep-alive command exits on SIGTERM');
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'exited');
    const result = await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(result.action, 'started');
    assert.equal(result.containerId, containerId);
    // /tmp survives a stop/start in Docker: the log shows what ran over the container's life.
    const log = (await run(service, ws.folder, 'cat /tmp/hooks.log')).stdout.trim().split('\n');
    assert.equal(log.filter((l) => l === 'onCreate').length, 1);
    assert.equal(log.filter((l) => l === 'postStart').length, 2);
  });

  it('down removes the container, keeps the workspace files and the named volume', async (t) => {
    if (!(await needDocker(t))) return;
    await service.down({ workspaceFolder: ws.folder }, context());
    await assert.rejects(docker.getContainer(containerId).inspect(), /no such container/i);
    assert.equal(await readFile(join(ws.folder, 'keep-me.txt'), 'utf8'), 'workspace file\n');
    const volumes = (await docker.listVolumes()).Volumes ?? [];
    assert.ok(volumes.some((v) => v.Name.startsWith('berth-test-')), 'the named volume is kept');
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'none');
  });

  it('exec without a running container says how to start one', async (t) => {
    if (!(await needDocker(t))) return;
    await assert.rejects(run(service, ws.folder, 'true'), (e: unknown) => isBerthError(e) && e.code === 'container-not-found' && /berth up/.test(e.hint ?? ''));
  });
});

describe('up with a Dockerfile spec', () => {
  let ws: TempWorkspace;
  let service: BerthService;
  before(async () => {
    ws = await tempWorkspace('dockerfile-user');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  let firstId = '';
  it('builds with args and context, runs hooks as remoteUser', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const result = await service.up({ workspaceFolder: ws.folder }, context(events));
    firstId = result.containerId;
    assert.equal(result.remoteUser, 'dev');
    assert.ok(events.some((e) => e.type === 'build-step'), 'build steps are reported');
    const r = await run(service, ws.folder, 'cat /tmp/created-by /etc/tool-version /opt/app.txt');
    assert.deepEqual(r.stdout.trim().split('\n'), ['dev', '/workspaces/dockerfile-user', '1.2.3', 'app v1']);
  });

  it('names the build input that changed, and ignores files the Dockerfile does not copy', async (t) => {
    if (!(await needDocker(t))) return;
    await writeFile(join(ws.folder, 'notes.txt'), 'edited\n');
    assert.deepEqual((await service.status({ workspaceFolder: ws.folder }, context())).drift, []);
    await writeFile(join(ws.folder, 'app.txt'), 'app v2\n');
    const drift = (await service.status({ workspaceFolder: ws.folder }, context())).drift;
    assert.ok(drift.some((d) => d.needsRebuild && /app\.txt/.test(d.input)), JSON.stringify(drift));
  });

  it('a rebuild whose build fails keeps the working container', async (t) => {
    if (!(await needDocker(t))) return;
    const dockerfile = join(ws.folder, '.devcontainer', 'Dockerfile');
    const good = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, `${good}RUN exit 42\n`);
    await assert.rejects(service.up({ workspaceFolder: ws.folder, removeExistingContainer: true }, context()), (e: unknown) => isBerthError(e) && e.code === 'build-failed');
    assert.equal((await docker.getContainer(firstId).inspect()).State.Running, true);
    await writeFile(dockerfile, good);
  });

  it('a rebuild replaces the container with one from the new image', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.up({ workspaceFolder: ws.folder, removeExistingContainer: true }, context());
    assert.equal(result.action, 'created');
    assert.notEqual(result.containerId, firstId);
    await assert.rejects(docker.getContainer(firstId).inspect(), /no such container/i);
    assert.equal((await run(service, ws.folder, 'cat /opt/app.txt')).stdout, 'app v2\n');
    assert.deepEqual((await service.status({ workspaceFolder: ws.folder }, context())).drift, []);
  });
});

describe('up edge cases', () => {
  const made: TempWorkspace[] = [];
  after(async () => {
    for (const ws of made) await ws.cleanup();
  });

  it('a failing hook stops the later ones, names the hook and exit code, and leaves the container running', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('failing-hook');
    made.push(ws);
    const service = createBerthService({ env: process.env, platform: process.platform });
    const events: BerthEvent[] = [];
    await assert.rejects(service.up({ workspaceFolder: ws.folder }, context(events)), (e: unknown) => {
      assert.ok(isBerthError(e) && e.code === 'hook-failed', String(e));
      assert.match(e.message, /postCreateCommand from devcontainer\.json failed with exit code 3/);
      assert.deepEqual([...e.output].sort(), ['about to fail', 'details on stderr']);
      return true;
    });
    const output = events.filter((e) => e.type === 'output').map((e) => (e.type === 'output' ? e.text : '')).join('');
    assert.match(output, /about to fail/);
    const s = await service.status({ workspaceFolder: ws.folder }, context());
    assert.equal(s.state, 'running');
    const r = await run(service, ws.folder, 'cat /tmp/oncreate; test -e /tmp/poststart && echo ran || echo skipped');
    assert.deepEqual(r.stdout.trim().split('\n'), ['created', 'skipped']);
  });

  it("a new container's /etc/profile keeps its PATH; as root, the rewrite, the env probe and the first hook share one exec", async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('profile-path');
    made.push(ws);
    const service = createBerthService({ env: process.env, platform: process.platform });
    const execs: string[] = [];
    const stream = await docker.getEvents({ filters: { type: ['container'], label: [`devcontainer.local_folder=${ws.folder}`] } });
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const e = JSON.parse(line) as { Action?: string };
        if (e.Action?.startsWith('exec_create')) execs.push(e.Action);
      }
    });
    try {
      await service.up({ workspaceFolder: ws.folder }, context());
      await new Promise((r) => setTimeout(r, 300)); // let the last events arrive
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
    // One exec: the /etc/profile rewrite, then the env probe, then the hook (handed in on stdin once
    // the probe's env is known). Podman's (4.3) event stream has no exec events, so only Docker can count them.
    const podman = ((await docker.version()).Components ?? []).some((c) => /podman/i.test(c.Name));
    if (!podman) {
      assert.equal(execs.length, 1, execs.join('\n'));
      assert.match(execs[0], /f=\/etc\/profile[\s\S]*BERTHDONE[\s\S]*BERTHENV/);
    }
    const r = await run(service, ws.folder, 'cat /tmp/hook-path; stat -c "%a %u %g" /etc/profile; grep -c "PATH:-" /etc/profile');
    const [hookPath, owner, rewritten] = r.stdout.trim().split('\n');
    assert.match(hookPath, /^\/opt\/berth\/bin:/);
    assert.equal(owner, '644 0 0');
    assert.ok(Number(rewritten) >= 1, r.stdout);
  });

  it('a host port that is taken moves to the next free one, with a note', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('image-hooks');
    made.push(ws);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(18931, '127.0.0.1', r));
    try {
      const service = createBerthService({ env: process.env, platform: process.platform });
      const events: BerthEvent[] = [];
      const result = await service.up({ workspaceFolder: ws.folder }, context(events));
      const info = await docker.getContainer(result.containerId).inspect();
      const hostPort = Number(info.HostConfig.PortBindings?.['18931/tcp']?.[0]?.HostPort);
      assert.ok(hostPort > 18931, `published on ${hostPort}`);
      assert.ok(events.some((e) => e.type === 'log' && /18931/.test(e.message) && /in use/.test(e.message)));
    } finally {
      blocker.close();
    }
  });

  it('two ups of one workspace at once make exactly one container', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('failing-hook');
    made.push(ws);
    await writeFile(join(ws.folder, '.devcontainer', 'devcontainer.json'), '{ "image": "berth-test/busybox:latest" }');
    const stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    try {
      const a = createBerthService({ env: process.env, platform: process.platform, stateDir });
      const b = createBerthService({ env: process.env, platform: process.platform, stateDir });
      const [ra, rb] = await Promise.all([a.up({ workspaceFolder: ws.folder }, context()), b.up({ workspaceFolder: ws.folder }, context())]);
      assert.equal(ra.containerId, rb.containerId);
      assert.deepEqual([ra.action, rb.action].sort(), ['created', 'reused']);
      const list = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${ws.folder}`] } });
      assert.equal(list.length, 1);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('shutdown applies shutdownAction: the default stops the container, "none" leaves it running', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('failing-hook');
    made.push(ws);
    const file = join(ws.folder, '.devcontainer', 'devcontainer.json');
    const service = createBerthService({ env: process.env, platform: process.platform });
    await writeFile(file, '{ "image": "berth-test/busybox:latest", "shutdownAction": "none" }');
    await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(await service.shutdown({ workspaceFolder: ws.folder }, context()), false);
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'running');
    await writeFile(file, '{ "image": "berth-test/busybox:latest" }');
    assert.equal(await service.shutdown({ workspaceFolder: ws.folder }, context()), true);
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'exited');
  });

  it('an engine that does not answer is reported as Docker not running', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('failing-hook');
    made.push(ws);
    const service = createBerthService({ dockerHost: 'unix:///tmp/berth-no-such.sock', env: process.env, platform: process.platform });
    await assert.rejects(service.up({ workspaceFolder: ws.folder }, context()), (e: unknown) => isBerthError(e) && e.code === 'docker-unavailable' && /Docker is not running/.test(e.message));
  });
});
