/**
 * `runProduction` / `stopProduction` on the real engine: an HTTP healthcheck that passes (the
 * example app answers on 127.0.0.1) and one that fails (a wrong path), a command healthcheck that
 * passes, and a container whose command exits.
 */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { NODE_APP, PROD_STAGES, productionSection, productionWorkspace, type ProductionWorkspace } from '../../support/productionWorkspace';

const docker = new Docker();
const ctx = (events: BerthEvent[] = []): UseCaseContext => ({ events: (e) => events.push(e), env: { ...process.env } });

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function productionContainers(folder: string) {
  return docker.listContainers({ all: true, filters: { label: [`dev.berth.production.folder=${folder}`] } });
}

describe('runProduction with an HTTP healthcheck (examples/node-app)', () => {
  let ws: ProductionWorkspace;
  let service: BerthService;

  before(async () => {
    ws = await productionWorkspace(NODE_APP, 'nodeapprun');
    // A free host port: the example's 3000 may be taken on a shared machine.
    await ws.editSpec((spec) => Object.assign(productionSection(spec), { ports: ['0:3000'] }));
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  it('serves the app on 127.0.0.1 and reports healthy', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.runProduction({ workspaceFolder: ws.folder }, ctx());
    assert.equal(result.health, 'healthy', `${result.detail}\n${result.logTail}`);
    assert.equal(result.detail, 'HTTP 200');
    assert.equal(result.running, true);
    assert.equal(result.ports.length, 1);
    assert.equal(result.ports[0].hostIp, '127.0.0.1');
    assert.equal(result.url, `http://127.0.0.1:${result.ports[0].hostPort}/health`);
    const page = await fetchText(`http://127.0.0.1:${result.ports[0].hostPort}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from node-app \(production, Node v\d+/);
    assert.match(result.logTail, /listening on port 3000/);
    const inspect = await docker.getContainer(result.containerId).inspect();
    assert.equal(inspect.Config.User, 'app', 'the prod stage runs as its non-root user');
    assert.ok(inspect.Config.Env.includes('GREETING=production'), 'env from the production section');
    assert.equal(inspect.HostConfig.PortBindings?.['3000/tcp']?.[0]?.HostIp, '127.0.0.1');
  });

  it('replaces the previous production container on a second run, and stop removes it', async (t) => {
    if (!(await needDocker(t))) return;
    const first = (await productionContainers(ws.folder)).map((c) => c.Id);
    const second = await service.runProduction({ workspaceFolder: ws.folder, build: false }, ctx());
    const now = (await productionContainers(ws.folder)).map((c) => c.Id);
    assert.deepEqual(now, [second.containerId]);
    assert.ok(!first.includes(second.containerId));
    const stopped = await service.stopProduction({ workspaceFolder: ws.folder }, ctx());
    assert.deepEqual(stopped.removed, [second.containerId]);
    assert.deepEqual(await productionContainers(ws.folder), []);
    // The dev container's lookup must not see the production container (it carries no spec labels).
    assert.equal((await service.status({ workspaceFolder: ws.folder }, ctx())).state, 'none');
  });

  it('reports unhealthy with the log tail when the health path is wrong', async (t) => {
    if (!(await needDocker(t))) return;
    await ws.editSpec((spec) => Object.assign(productionSection(spec), { healthcheck: { path: '/nope', port: 3000, interval: 0.4, retries: 8 } }));
    const started = Date.now();
    const result = await service.runProduction({ workspaceFolder: ws.folder, build: false }, ctx());
    assert.equal(result.health, 'unhealthy');
    assert.equal(result.attempts, 8);
    // The first tries may meet a server still starting; by the last one it answers 404.
    assert.match(result.detail, /8 tries failed; last: HTTP 404/);
    assert.match(result.logTail, /listening on port 3000/);
    assert.equal(result.running, true, 'an unhealthy container is left running for inspection');
    assert.ok(Date.now() - started < 20_000);
    await service.stopProduction({ workspaceFolder: ws.folder }, ctx());
  });
});

describe('runProduction with a command healthcheck (busybox)', () => {
  let ws: ProductionWorkspace;
  let service: BerthService;

  before(async () => {
    ws = await productionWorkspace(PROD_STAGES, 'prodrun');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  it('is healthy once the command passes in the container', async (t) => {
    if (!(await needDocker(t))) return;
    const result = await service.runProduction({ workspaceFolder: ws.folder }, ctx());
    assert.equal(result.health, 'healthy', `${result.detail}\n${result.logTail}`);
    assert.equal(result.detail, 'exit code 0');
    assert.match(result.logTail, /app started in production/);
    await service.stopProduction({ workspaceFolder: ws.folder }, ctx());
  });

  it('is unhealthy at once when the container exits, with its output', async (t) => {
    if (!(await needDocker(t))) return;
    await ws.editSpec((spec) => Object.assign(productionSection(spec), { command: ['sh', '-c', 'echo boom >&2; exit 3'] }));
    const started = Date.now();
    const result = await service.runProduction({ workspaceFolder: ws.folder, build: false }, ctx());
    assert.equal(result.health, 'unhealthy');
    assert.match(result.detail, /exited with code 3/);
    assert.match(result.logTail, /boom/);
    assert.equal(result.running, false);
    // 25 tries at 0.2 s would take 5 s; an exited container ends the wait at once.
    assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
    await service.stopProduction({ workspaceFolder: ws.folder }, ctx());
    assert.deepEqual(await productionContainers(ws.folder), []);
  });

  it('fails with port-in-use (and leaves no container) when the host port is taken', async (t) => {
    if (!(await needDocker(t))) return;
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await ws.editSpec((spec) => Object.assign(productionSection(spec), { command: undefined, ports: [`${port}:8080`] }));
      await assert.rejects(service.runProduction({ workspaceFolder: ws.folder, build: false }, ctx()), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'port-in-use', e.message);
        return true;
      });
      assert.deepEqual(await productionContainers(ws.folder), []);
    } finally {
      blocker.close();
    }
  });
});
