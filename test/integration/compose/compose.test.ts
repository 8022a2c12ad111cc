/**
 * Compose dev containers end to end on the real engine and the host's Compose tool (docker-compose
 * 1.29 here and in CI): up, reuse, hooks, workspace mount, services reaching each other, status,
 * terminals in another service, stop/down with volumes kept unless asked, two clones side by side,
 * and the errors for a broken compose file and an unknown service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { isBerthError } from '../../../src/core/errors';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { composeProjectsOf, removeComposeProjects } from '../../support/compose';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();
const REFERENCE = resolve(__dirname, '..', '..', '..', 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');
const FIXTURES_ROOT = resolve(__dirname, '..', '..', 'fixtures');

function context(events: BerthEvent[] = []): UseCaseContext {
  return { events: (e) => events.push(e), env: { ...process.env, COMPOSE_PROJECT_NAME: undefined } };
}

async function run(service: BerthService, folder: string, script: string) {
  const out: Buffer[] = [];
  const r = await service.exec({ workspaceFolder: folder }, { cmd: ['sh', '-c', script], onStdout: (c) => out.push(c), onStderr: (c) => out.push(c) }, context());
  return { exitCode: r.exitCode, output: Buffer.concat(out).toString() };
}

async function projectStates(project: string): Promise<Record<string, string>> {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  return Object.fromEntries(list.map((c) => [c.Labels['com.docker.compose.service'], c.State]));
}

async function volumeExists(name: string): Promise<boolean> {
  return docker
    .getVolume(name)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

/**
 * For a describe on its own copy of a fixture workspace with its own state folder: registers the
 * before and after that make and remove them (with the Compose projects made for it, and whatever
 * `cleanup` removes of them). Read the fields in tests.
 */
function useComposeWorkspace(
  fixture: string,
  options: { prepare?: (folder: string) => Promise<void>; cleanup?: (projects: string[]) => Promise<void> } = {},
): { ws: TempWorkspace; stateDir: string } {
  const suite = {} as { ws: TempWorkspace; stateDir: string };
  before(async () => {
    suite.ws = await tempWorkspace(fixture);
    await options.prepare?.(suite.ws.folder);
    suite.stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
  });
  after(async () => {
    const projects = suite.ws ? await composeProjectsOf(suite.ws.folder) : [];
    await removeComposeProjects(projects);
    await options.cleanup?.(projects);
    await suite.ws?.cleanup();
    if (suite.stateDir) await rm(suite.stateDir, { recursive: true, force: true });
  });
  return suite;
}

const useComposeBasic = () => useComposeWorkspace('compose-basic');

describe('Compose dev container: app + web (compose-basic)', () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let service: BerthService;
  const projects = new Set<string>();

  before(async () => {
    ws = await tempWorkspace('compose-basic');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    if (ws) for (const p of await composeProjectsOf(ws.folder)) projects.add(p);
    await removeComposeProjects([...projects]);
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  let containerId = '';
  let project = '';

  it('brings up runServices + service with the spec labels, the workspace mount and the hooks in the service', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const result = await service.up({ workspaceFolder: ws.folder }, context(events));
    assert.equal(result.action, 'created');
    assert.equal(result.composeProjectName, 'compose-basic_devcontainer');
    assert.equal(result.remoteWorkspaceFolder, '/workspaces/compose-basic');
    containerId = result.containerId;
    project = result.composeProjectName ?? '';
    projects.add(project);

    const details = await docker.getContainer(containerId).inspect();
    assert.equal(details.Config.Labels['devcontainer.local_folder'], ws.folder);
    assert.equal(details.Config.Labels['devcontainer.config_file'], join(ws.folder, '.devcontainer', 'devcontainer.json'));
    assert.equal(details.Config.Labels['com.docker.compose.service'], 'app');
    assert.ok(JSON.parse(details.Config.Labels['devcontainer.metadata']).length >= 1);
    // `extra` is not in runServices: it must not run.
    assert.deepEqual(await projectStates(project), { app: 'running', web: 'running' });
    assert.ok(events.some((e) => e.type === 'log' && e.component === 'compose' && /docker-compose|docker compose/.test(e.message)), 'logs which Compose tool');
    assert.ok(events.some((e) => e.type === 'output' && e.source === 'compose'), 'streams Compose output');

    const r = await run(service, ws.folder, 'pwd; cat README.txt; cat /tmp/hooks.log; echo "$BERTH_TEST_ENV $BERTH_REMOTE"');
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, '/workspaces/compose-basic\nworkspace file\nonCreate\npostCreate\npostAttach\nfrom-spec remote-from-spec\n');
  });

  it('lets the services reach each other by service name', async (t) => {
    if (!(await needDocker(t))) return;
    const fromApp = await run(service, ws.folder, 'wget -qO- http://web:8080/');
    assert.equal(fromApp.output.trim(), 'hello-from-web');
    const [web] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=web'] } });
    assert.ok(web, 'web runs');
    const exec = await docker.getContainer(web.Id).exec({ Cmd: ['wget', '-qO-', 'http://app:8081/'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => {
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve());
    });
    assert.match(Buffer.concat(chunks).toString(), /hello-from-app/);
  });

  it('publishes forwardPorts on 127.0.0.1, including a service:port entry for another service', async (t) => {
    if (!(await needDocker(t))) return;
    const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } });
    const hostPort = (service: string, port: number) =>
      list.find((c) => c.Labels['com.docker.compose.service'] === service)?.Ports.find((p) => p.PrivatePort === port && p.IP === '127.0.0.1')?.PublicPort;
    const app = hostPort('app', 8081);
    const web = hostPort('web', 8080);
    assert.ok(app && web, JSON.stringify(list.map((c) => c.Ports)));
    assert.equal((await (await fetch(`http://127.0.0.1:${app}/`)).text()).trim(), 'hello-from-app');
    assert.equal((await (await fetch(`http://127.0.0.1:${web}/`)).text()).trim(), 'hello-from-web');
  });

  it('reuses the running project on the next up (only postAttach runs again)', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(result.action, 'reused');
    assert.equal(result.containerId, containerId);
    assert.equal(result.composeProjectName, project);
    const r = await run(service, ws.folder, 'cat /tmp/hooks.log');
    assert.equal(r.output, 'onCreate\npostCreate\npostAttach\npostAttach\n');
  });

  it("reports every service's state and the project in status", async (t) => {
    if (!(await needDocker(t))) return;
    const s = await service.status({ workspaceFolder: ws.folder }, context());
    assert.equal(s.state, 'running');
    assert.equal(s.containerId, containerId);
    assert.equal(s.composeProjectName, project);
    assert.deepEqual(s.services?.map((x) => `${x.name}:${x.state}`), ['app:running', 'web:running']);
    assert.equal(s.remoteWorkspaceFolder, '/workspaces/compose-basic');
  });

  it('rebuilds (removeExistingContainer): builds, recreates the dev container and reruns the create hooks', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.up({ workspaceFolder: ws.folder, removeExistingContainer: true }, context());
    assert.equal(result.action, 'created');
    assert.notEqual(result.containerId, containerId);
    assert.equal(result.composeProjectName, project);
    containerId = result.containerId;
    assert.equal((await run(service, ws.folder, 'cat /tmp/hooks.log')).output, 'onCreate\npostCreate\npostAttach\n');
    assert.deepEqual(await projectStates(project), { app: 'running', web: 'running' });
  });

  it('opens a terminal session in another service of the project', async (t) => {
    if (!(await needDocker(t))) return;
    const session = await service.openSession(
      { workspaceFolder: ws.folder },
      { service: 'web', cmd: ['sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; exit 3'], cols: 80, rows: 24 },
      context(),
    );
    const out: Buffer[] = [];
    session.onData((d) => out.push(d));
    const code = await new Promise<number | undefined>((resolve) => session.onExit(resolve));
    assert.equal(code, 3);
    assert.match(Buffer.concat(out).toString(), /httpd -f -p 8080/);
    await assert.rejects(
      service.openSession({ workspaceFolder: ws.folder }, { service: 'extra', cols: 80, rows: 24 }, context()),
      (e: unknown) => isBerthError(e) && e.code === 'container-not-found' && /extra/.test(e.message),
    );
  });

  it('stops the whole project (stopCompose) and starts it again on up, rerunning postStart', async (t) => {
    if (!(await needDocker(t))) return;
    await service.stop({ workspaceFolder: ws.folder }, context());
    assert.deepEqual(await projectStates(project), { app: 'exited', web: 'exited' });
    const result = await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(result.action, 'started');
    assert.equal(result.containerId, containerId);
    assert.deepEqual(await projectStates(project), { app: 'running', web: 'running' });
    const r = await run(service, ws.folder, 'wget -qO- http://127.0.0.1:8081/');
    assert.equal(r.output.trim(), 'hello-from-app', 'postStartCommand ran again');
  });

  it('keeps named volumes on down unless asked, and removes them with removeVolumes', async (t) => {
    if (!(await needDocker(t))) return;
    assert.equal((await run(service, ws.folder, 'echo kept > /shared/keep')).exitCode, 0);
    await service.down({ workspaceFolder: ws.folder }, context());
    assert.deepEqual(await projectStates(project), {});
    assert.ok(await volumeExists(`${project}_shared`), 'the named volume survives down');

    const again = await service.up({ workspaceFolder: ws.folder }, context());
    assert.equal(again.action, 'created');
    assert.notEqual(again.containerId, containerId);
    assert.equal((await run(service, ws.folder, 'cat /shared/keep')).output, 'kept\n');

    await service.down({ workspaceFolder: ws.folder, removeVolumes: true }, context());
    assert.deepEqual(await projectStates(project), {});
    assert.equal(await volumeExists(`${project}_shared`), false);
  });
});

describe('Compose dev container: two clones of one repository side by side', () => {
  let a: TempWorkspace;
  let b: TempWorkspace;
  let stateDir: string;
  let service: BerthService;
  const projects = new Set<string>();

  before(async () => {
    a = await tempWorkspace('compose-basic');
    b = await tempWorkspace('compose-basic');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    for (const w of [a, b]) if (w) for (const p of await composeProjectsOf(w.folder)) projects.add(p);
    await removeComposeProjects([...projects]);
    await a?.cleanup();
    await b?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('gives each clone its own project, containers and workspace', async (t) => {
    if (!(await needDocker(t))) return;
    await writeFile(join(a.folder, 'README.txt'), 'clone a\n');
    await writeFile(join(b.folder, 'README.txt'), 'clone b\n');
    const ra = await service.up({ workspaceFolder: a.folder }, context());
    const rb = await service.up({ workspaceFolder: b.folder }, context());
    projects.add(ra.composeProjectName ?? '');
    projects.add(rb.composeProjectName ?? '');
    assert.equal(ra.composeProjectName, 'compose-basic_devcontainer');
    assert.notEqual(rb.composeProjectName, ra.composeProjectName);
    assert.match(rb.composeProjectName ?? '', /^compose-basic_devcontainer_[0-9a-v]{10}$/);
    assert.notEqual(ra.containerId, rb.containerId);
    assert.equal((await run(service, a.folder, 'cat README.txt')).output, 'clone a\n');
    assert.equal((await run(service, b.folder, 'cat README.txt')).output, 'clone b\n');
    // A's project was not recreated by B's up.
    assert.equal((await docker.getContainer(ra.containerId).inspect()).State.Running, true);

    // The second up of each finds its own project again.
    const rb2 = await service.up({ workspaceFolder: b.folder }, context());
    assert.equal(rb2.containerId, rb.containerId);
    assert.equal(rb2.action, 'reused');

    await service.down({ workspaceFolder: b.folder, removeVolumes: true }, context());
    assert.deepEqual(await projectStates(rb.composeProjectName ?? ''), {});
    assert.deepEqual(await projectStates(ra.composeProjectName ?? ''), { app: 'running', web: 'running' });
    await service.down({ workspaceFolder: a.folder, removeVolumes: true }, context());
  });
});

describe('Compose dev container errors', () => {
  let stateDir: string;
  let service: BerthService;
  const made: TempWorkspace[] = [];

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    for (const w of made) {
      await removeComposeProjects(await composeProjectsOf(w.folder));
      await w.cleanup();
    }
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('names the compose file and line of a YAML error', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('compose-broken');
    made.push(ws);
    await assert.rejects(service.up({ workspaceFolder: ws.folder }, context()), (e: unknown) => {
      assert.ok(isBerthError(e));
      assert.equal(e.code, 'config-invalid');
      assert.equal(e.location?.file, join(ws.folder, '.devcontainer', 'docker-compose.yml'));
      assert.equal(e.location?.line, 4);
      assert.match(e.message, /line 4/);
      return true;
    });
    assert.deepEqual(await composeProjectsOf(ws.folder), []);
  });

  it('names the missing service and the services found', async (t) => {
    if (!(await needDocker(t))) return;
    const ws = await tempWorkspace('compose-missing-service');
    made.push(ws);
    await assert.rejects(service.up({ workspaceFolder: ws.folder }, context()), (e: unknown) => {
      assert.ok(isBerthError(e));
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, /'application'/);
      assert.match(e.message, /services found: app, db/);
      assert.equal(e.location?.file, join(ws.folder, '.devcontainer', 'devcontainer.json'));
      assert.equal(e.location?.path, 'service');
      return true;
    });
  });
});

describe('Compose dev container made by the reference CLI', () => {
  const suite = useComposeBasic();

  it('is found and reused by Berth, with the reference default workspace folder (no mount there)', async (t) => {
    if (!(await needDocker(t))) return;
    const env = { ...process.env };
    delete env.COMPOSE_PROJECT_NAME;
    const { stdout } = await promisify(execFile)(process.execPath, [REFERENCE, 'up', '--workspace-folder', suite.ws.folder], { env });
    const reference = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { containerId: string; composeProjectName: string };
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir: suite.stateDir });
    const result = await service.up({ workspaceFolder: suite.ws.folder }, context());
    assert.equal(result.containerId, reference.containerId);
    assert.equal(result.composeProjectName, reference.composeProjectName);
    assert.equal(result.action, 'reused');
    assert.equal(result.remoteWorkspaceFolder, '/');
    assert.equal((await run(service, suite.ws.folder, 'pwd')).output, '/\n');
  });
});

describe('Compose dev container with shutdownAction none', () => {
  const suite = useComposeBasic();

  it('stop stops only the dev container service; up starts it again', async (t) => {
    if (!(await needDocker(t))) return;
    const file = join(suite.ws.folder, '.devcontainer', 'devcontainer.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"overrideCommand": true,', '"overrideCommand": true, "shutdownAction": "none",'));
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir: suite.stateDir });
    const result = await service.up({ workspaceFolder: suite.ws.folder }, context());
    const project = result.composeProjectName ?? '';
    await service.stop({ workspaceFolder: suite.ws.folder }, context());
    assert.deepEqual(await projectStates(project), { app: 'exited', web: 'running' });
    const again = await service.up({ workspaceFolder: suite.ws.folder }, context());
    assert.equal(again.action, 'started');
    assert.deepEqual(await projectStates(project), { app: 'running', web: 'running' });
  });
});

describe("Compose dev container whose service image has its own devcontainer.metadata", () => {
  const suite = useComposeWorkspace('compose-image-metadata', {
    // The images Compose built for the service (`<project>_app`, v1; `<project>-app`, v2) and their UID images.
    cleanup: async (projects) => {
      for (const p of projects) {
        for (const name of [`${p}_app-uid`, `${p}-app-uid`, `${p}_app`, `${p}-app`]) await docker.getImage(name).remove({ force: true }).catch(() => undefined);
      }
    },
  });

  it("applies the image's remoteUser, containerEnv and hook, and labels the container with its entry first", async (t) => {
    if (!(await needDocker(t))) return;
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir: suite.stateDir });
    const result = await service.up({ workspaceFolder: suite.ws.folder }, context());
    assert.equal(result.remoteUser, 'dev');
    const info = await docker.getContainer(result.containerId).inspect();
    const label = JSON.parse(info.Config.Labels['devcontainer.metadata']) as Record<string, unknown>[];
    assert.equal(label.length, 2);
    assert.equal(label[0].remoteUser, 'dev', 'the image entry comes first');
    assert.equal(label[1].postCreateCommand, 'echo spec-hook >> /tmp/hooks.log', "then devcontainer.json's own");
    assert.ok(info.Config.Env.includes('FROM_IMAGE_METADATA=yes'), info.Config.Env.join(' '));
    // The image's hook runs before the spec's, as the remote user.
    const r = await run(service, suite.ws.folder, 'cat /tmp/hooks.log; stat -c %U /tmp/hooks.log; id -un');
    assert.equal(r.output, 'image-hook\nspec-hook\ndev\ndev\n');
  });

  it("gives the image's remoteUser the host user's ids (updateRemoteUserUID) in a new container", async (t) => {
    if (!(await needDocker(t))) return;
    // This suite runs as root, for whom there is nothing to update: the service is told other host ids.
    const service = createBerthService({ env: process.env, platform: 'linux', stateDir: suite.stateDir, host: { uid: 4321, gid: 4322 } });
    const result = await service.up({ workspaceFolder: suite.ws.folder, removeExistingContainer: true }, context());
    const info = await docker.getContainer(result.containerId).inspect();
    // (Podman reports the name in full: docker.io/library/<name>:latest.)
    assert.match(info.Config.Image, /app-uid(:latest)?$/);
    const r = await run(service, suite.ws.folder, 'id -u; id -g; stat -c %u /home/dev');
    assert.equal(r.output, '4321\n4322\n4321\n');
  });
});

describe('Compose dev container with Features', () => {
  const suite = useComposeWorkspace('compose-features', {
    prepare: (folder) => cp(join(FIXTURES_ROOT, 'features', 'hello'), join(folder, '.devcontainer', 'hello'), { recursive: true }),
    cleanup: () => docker.getVolume('berth-test-hello-feature').remove().catch(() => undefined),
  });

  it("installs them in an image on the service's, with their env, capabilities, mounts, entrypoint and hooks", async (t) => {
    if (!(await needDocker(t))) return;
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir: suite.stateDir });
    const result = await service.up({ workspaceFolder: suite.ws.folder }, context());
    const info = await docker.getContainer(result.containerId).inspect();
    assert.match(info.Config.Image, /(^|\/)vsc-compose-features-.*-features(:latest)?$/);
    assert.ok(info.Config.Env.includes('HELLO_HOME=/usr/local/hello'), info.Config.Env.join(' '));
    assert.ok(info.HostConfig.CapAdd?.includes('SYS_PTRACE'), String(info.HostConfig.CapAdd));
    assert.ok(info.Mounts.some((m) => m.Name === 'berth-test-hello-feature' && m.Destination === '/hello-data'));
    const labels = JSON.parse(info.Config.Labels['devcontainer.metadata']) as { id?: string }[];
    assert.deepEqual(labels.map((e) => e.id).filter(Boolean).sort(), ['./entry', './hello'], 'one label entry per Feature');
    // The Feature's entrypoint ran, then the service's own command (without overrideCommand).
    const r = await run(service, suite.ws.folder, 'grep -c greeting=hi /usr/local/hello/options.txt; cat /tmp/entry.log; tr "\\0" " " < /proc/1/cmdline; echo; cat /tmp/feature-hooks.log');
    assert.equal(r.output, '1\nentry ran before: \nsleep infinity \nhello-feature-postCreate\nspec-postCreate\n');

    // `build` makes the same image `up` runs: the Features on the service's image.
    const built = await service.build({ workspaceFolder: suite.ws.folder }, context());
    assert.equal(built.imageId, info.Image);
  });
});

