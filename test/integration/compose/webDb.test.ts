/**
 * examples/web-db on the real engine and Compose tool: the image builds from Debian's packages, the
 * app's tests reach PostgreSQL by service name, and the visit counter answers on 127.0.0.1. Slow
 * (an apt build of PostgreSQL), so it is one test.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type UseCaseContext } from '../../../src/core/usecases';
import { removeComposeProjects } from '../../support/compose';
import { needDocker } from '../../support/docker';

const EXAMPLE = resolve(__dirname, '..', '..', '..', 'examples', 'web-db');
const IMAGE = 'berth-example-web-db:dev';

function context(events: BerthEvent[] = []): UseCaseContext {
  return { events: (e) => events.push(e), env: { ...process.env, COMPOSE_PROJECT_NAME: undefined } };
}

async function get(url: string): Promise<string> {
  // The server starts in the background from postStartCommand: give it a moment.
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(url);
      return await res.text();
    } catch (e) {
      if (i >= 40) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('examples/web-db', () => {
  let root = '';
  const projects: string[] = [];
  after(async () => {
    await removeComposeProjects(projects);
    await new Docker().getImage(IMAGE).remove({ force: true }).catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('builds, runs the app tests against the db service, and counts visits on a 127.0.0.1 port', async (t) => {
    if (!(await needDocker(t))) return;
    root = await mkdtemp(join(tmpdir(), 'berth-ws-'));
    const folder = join(root, 'web-db');
    await cp(EXAMPLE, folder, { recursive: true });
    const stateDir = join(root, 'state');
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir });

    const events: BerthEvent[] = [];
    const result = await service.up({ workspaceFolder: folder }, context(events));
    projects.push(result.composeProjectName ?? '');
    assert.equal(result.remoteWorkspaceFolder, '/workspaces/web-db');
    assert.ok(events.some((e) => e.type === 'hook' && e.hook === 'postCreateCommand' && e.state === 'succeeded'), 'the app tests passed in postCreateCommand');
    assert.ok(events.some((e) => e.type === 'output' && e.source === 'compose' && /Step \d+\/\d+|STEP \d+\/\d+/.test(e.text)), 'the build streams its steps (Docker: Step n/m, Podman: STEP n/m)');

    const out: Buffer[] = [];
    const tests = await service.exec(
      { workspaceFolder: folder },
      { cmd: ['python3', '-m', 'unittest', '-v'], onStdout: (c) => out.push(c), onStderr: (c) => out.push(c) },
      context(),
    );
    assert.equal(tests.exitCode, 0, Buffer.concat(out).toString());
    assert.match(Buffer.concat(out).toString(), /test_database_is_the_db_service .* ok/);

    const status = await service.status({ workspaceFolder: folder }, context());
    assert.deepEqual(status.services?.map((s) => `${s.name}:${s.state}`), ['app:running', 'db:running']);
    const port = status.ports.find((p) => p.containerPort === 8000);
    assert.ok(port, 'port 8000 is published');
    assert.equal(port.hostIp, '127.0.0.1');
    const first = await get(`http://127.0.0.1:${port.hostPort}/`);
    const second = await get(`http://127.0.0.1:${port.hostPort}/`);
    const n = (text: string) => Number(/visits: (\d+)/.exec(text)?.[1]);
    assert.ok(n(first) >= 1, first);
    assert.equal(n(second), n(first) + 1);

    await service.down({ workspaceFolder: folder, removeVolumes: true }, context());
  });
});
