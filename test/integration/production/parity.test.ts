/**
 * `parity` on the real engine: the shared layers checked against `docker image inspect` of both
 * images, the base image, OS release and runtimes, the CLI's JSON shape, and drift when the dev
 * container runs on an older build of the shared stage.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { createBerthService, type BerthService, type ParityReport, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { NODE_APP, PROD_STAGES, productionWorkspace, type ProductionWorkspace } from '../../support/productionWorkspace';

const docker = new Docker();
const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..');
const ctx = (): UseCaseContext => ({ events: () => undefined, env: { ...process.env } });

function commonPrefix(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) out.push(a[i]);
  return out;
}

describe('parity of examples/node-app', () => {
  let ws: ProductionWorkspace;
  let service: BerthService;
  let report: ParityReport;

  before(async () => {
    ws = await productionWorkspace(NODE_APP, 'nodeappparity');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  it("runs the app's tests in the dev container", async (t) => {
    if (!(await needDocker(t))) return;
    await service.up({ workspaceFolder: ws.folder }, ctx());
    const out: Buffer[] = [];
    const r = await service.exec({ workspaceFolder: ws.folder }, { cmd: ['node', '--test'], onStdout: (c) => out.push(c), onStderr: (c) => out.push(c) }, ctx());
    const text = Buffer.concat(out).toString();
    assert.equal(r.exitCode, 0, text);
    assert.match(text, /# pass 2/);
  });

  it('finds the shared layers that docker image inspect shows, in order', async (t) => {
    if (!(await needDocker(t))) return;
    report = await service.parity({ workspaceFolder: ws.folder }, ctx());
    const dev = await docker.getImage(report.dev.image).inspect();
    const prod = await docker.getImage(report.prod.image).inspect();
    assert.equal(report.dev.imageId, dev.Id);
    assert.equal(report.prod.imageId, prod.Id);
    assert.deepEqual(report.dev.layers.map((l) => l.digest), dev.RootFS.Layers);
    assert.deepEqual(report.prod.layers.map((l) => l.digest), prod.RootFS.Layers);
    const shared = commonPrefix(dev.RootFS.Layers ?? [], prod.RootFS.Layers ?? []);
    assert.ok(shared.length > 0);
    assert.deepEqual(report.shared.layers.map((l) => l.digest), shared);
    assert.deepEqual(report.dev.own.map((l) => l.digest), (dev.RootFS.Layers ?? []).slice(shared.length));
    assert.deepEqual(report.prod.own.map((l) => l.digest), (prod.RootFS.Layers ?? []).slice(shared.length));
    // The base image's layers are the bottom of the shared part.
    const base = await docker.getImage('debian:bookworm-slim').inspect();
    assert.deepEqual(shared.slice(0, base.RootFS.Layers?.length), base.RootFS.Layers);
    assert.equal(report.base.image, 'debian:bookworm-slim');
    assert.equal(report.base.stage, 'base');
    assert.equal(report.dev.size, dev.Size);
    assert.equal(report.prod.size, prod.Size);
  });

  it('names the step and size of each layer only one image has', async (t) => {
    if (!(await needDocker(t)) || !report) return;
    assert.ok(report.dev.own.some((l) => /^RUN apt-get update .*git procps/.test(l.instruction)), JSON.stringify(report.dev.own));
    assert.ok(report.prod.own.some((l) => /^COPY .* in \.\//.test(l.instruction)));
    assert.ok(report.prod.own.some((l) => /^RUN useradd --system/.test(l.instruction)));
    const sum = (ls: { size: number }[]) => ls.reduce((a, l) => a + l.size, 0);
    // Each image's size is the sum of its layers' sizes as history reports them.
    assert.equal(sum(report.dev.layers), report.dev.size);
    assert.equal(sum(report.prod.layers), report.prod.size);
  });

  it('reads the OS release and the runtimes both have, and sees no drift in a fresh container', async (t) => {
    if (!(await needDocker(t)) || !report) return;
    assert.match(report.dev.os ?? '', /^Debian GNU\/Linux 12/);
    assert.equal(report.prod.os, report.dev.os);
    const node = report.runtimes.find((r) => r.name === 'node');
    assert.ok(node?.dev?.startsWith('v') && node.same, JSON.stringify(report.runtimes));
    assert.ok(report.devContainer, 'the dev container from the first test');
    assert.equal(report.devContainer.sharedWithProd, report.shared.layers.length);
    assert.deepEqual(report.drift, []);
    const probes = await docker.listContainers({ all: true, filters: { label: ['dev.berth.probe'] } });
    assert.deepEqual(probes.filter((c) => c.Labels['dev.berth.production.folder'] === ws.folder), [], 'probe containers are removed');
  });

  it('prints the documented JSON shape with --json', async (t) => {
    if (!(await needDocker(t))) return;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), 'parity', '--json', '--no-build', '--workspace-folder', ws.folder], { cwd: ROOT });
    const json = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), ['base', 'configFile', 'dev', 'devContainer', 'drift', 'prod', 'runtimes', 'schemaVersion', 'shared', 'warnings', 'workspaceFolder']);
    assert.equal(json.schemaVersion, 1);
    for (const sideName of ['dev', 'prod']) {
      const side = json[sideName] as Record<string, unknown>;
      assert.deepEqual(Object.keys(side).sort(), ['created', 'image', 'imageId', 'layers', 'os', 'own', 'ownSize', 'runtimes', 'size', 'target']);
      const layer = (side.layers as Record<string, unknown>[])[0];
      assert.deepEqual(Object.keys(layer).sort(), ['created', 'digest', 'index', 'instruction', 'size']);
      assert.match(layer.digest as string, /^sha256:[0-9a-f]{64}$/);
    }
    const shared = json.shared as { layers: unknown[]; size: number };
    assert.ok(Array.isArray(shared.layers) && typeof shared.size === 'number');
    const { stdout: table } = await run(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), 'parity', '--no-build', '--workspace-folder', ws.folder], { cwd: ROOT });
    assert.match(table, /^base {8}debian:bookworm-slim \(stage base\)$/m);
    assert.match(table, /^Shared layers \(\d+, /m);
  });
});

describe('parity drift (busybox stages)', () => {
  let ws: ProductionWorkspace;
  let service: BerthService;

  before(async () => {
    ws = await productionWorkspace(PROD_STAGES, 'prodparity');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  it('says the dev container runs on an older build of the shared stage, and how to fix it', async (t) => {
    if (!(await needDocker(t))) return;
    await service.up({ workspaceFolder: ws.folder }, ctx());
    const fresh = await service.parity({ workspaceFolder: ws.folder }, ctx());
    assert.deepEqual(fresh.drift, []);
    // A new value of the base stage's build arg rebuilds the shared RUN; the container keeps the old one.
    await ws.editSpec((spec) => ((spec.build as { args: Record<string, string> }).args.STAMP = '2'));
    const later = await service.parity({ workspaceFolder: ws.folder }, ctx());
    assert.equal(later.drift.length, 1, JSON.stringify(later.drift));
    assert.equal(later.drift[0].kind, 'dev-container-older');
    assert.equal(later.drift[0].fix, 'berth up --remove-existing-container');
    assert.ok(later.drift[0].steps.some((s) => s.includes('echo "base $STAMP"')), JSON.stringify(later.drift[0].steps));
    assert.ok((later.devContainer?.sharedWithProd ?? 99) < later.shared.layers.length);
    // Base image busybox has no os-release: parity says so instead of failing.
    assert.equal(later.dev.os, undefined);
  });
});
