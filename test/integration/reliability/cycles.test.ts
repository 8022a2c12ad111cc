/**
 * Many up → exec → stop cycles in one process (one BerthService, as the extension holds) and through
 * the CLI: no leaked containers, exec sessions or file descriptors, and a heap that does not keep
 * growing. Figures are printed. BERTH_CYCLES sets the in-process count (default 50).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Docker from 'dockerode';
import { ignoreEvents } from '../../../src/core/events';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();
const CYCLES = Number(process.env.BERTH_CYCLES ?? 50);
const ROOT = resolve(__dirname, '..', '..', '..');
/** BERTH_CLI=dist/cli.js runs a built CLI; by default the sources run through tsx. */
const BERTH = process.env.BERTH_CLI ? [resolve(ROOT, process.env.BERTH_CLI)] : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function figures(): { fds: number; heapMB: number } {
  gc();
  gc();
  return { fds: readdirSync('/proc/self/fd').length, heapMB: process.memoryUsage().heapUsed / 2 ** 20 };
}

const ctx = (): UseCaseContext => ({ events: ignoreEvents, env: { ...process.env } });

async function workspaceContainers(folder: string) {
  return docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
}

describe(`${CYCLES} up → exec → stop cycles`, () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let service: BerthService;

  before(async () => {
    ws = await tempWorkspace('reliability-image');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('in one process: one container, no lingering execs, flat fds and heap', { timeout: CYCLES * 20_000 }, async (t) => {
    if (!(await needDocker(t))) return;
    const tree = await hashTree(ws.folder);
    const taken: Record<number, { fds: number; heapMB: number; execs: number }> = {};
    let containerId = '';
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      const up = await service.up({ workspaceFolder: ws.folder }, ctx());
      assert.equal(up.action, cycle === 0 ? 'created' : 'started', `cycle ${cycle}`);
      if (cycle === 0) containerId = up.containerId;
      assert.equal(up.containerId, containerId, `cycle ${cycle}: the same container`);
      const out: Buffer[] = [];
      const r = await service.exec({ workspaceFolder: ws.folder }, { cmd: ['sh', '-c', 'echo cycle'], onStdout: (c) => out.push(c) }, ctx());
      assert.equal(r.exitCode, 0);
      assert.equal(Buffer.concat(out).toString(), 'cycle\n');
      // Exec instances still known to the engine for this container (finished ones included).
      const execs = (await docker.getContainer(containerId).inspect()).ExecIDs?.length ?? 0;
      await service.stop({ workspaceFolder: ws.folder }, ctx());
      assert.equal((await workspaceContainers(ws.folder)).length, 1, `cycle ${cycle}: one container`);
      // Cycle 0 loads dockerode and warms caches: the baseline is the state after it.
      if (cycle === 0 || cycle === 10 || cycle === CYCLES) taken[cycle] = { ...figures(), execs };
    }
    for (const [cycle, f] of Object.entries(taken)) {
      console.log(`cycle ${cycle}: fds ${f.fds}, heapUsed ${f.heapMB.toFixed(1)} MB, engine exec records ${f.execs}`);
    }
    const first = taken[0];
    const mid = taken[Math.min(10, CYCLES)];
    const last = taken[CYCLES];
    assert.ok(last.fds <= first.fds + 2, `file descriptors grew: ${first.fds} → ${last.fds}`);
    assert.ok(last.heapMB <= mid.heapMB + 5 && last.heapMB <= first.heapMB + 10, `heap grew: ${first.heapMB.toFixed(1)} → ${mid.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB`);
    assert.ok(last.execs <= first.execs, `exec records grew: ${first.execs} → ${last.execs}`);
    assert.equal((await workspaceContainers(ws.folder))[0].State, 'exited');
    assert.equal(await hashTree(ws.folder), tree);
  });

  it('through the CLI process: no leftover containers, down removes the one there is', { timeout: 300_000 }, async (t) => {
    if (!(await needDocker(t))) return;
    const env = { ...process.env, XDG_STATE_HOME: stateDir };
    const berth = async (command: string, ...rest: string[]) =>
      promisify(execFile)(process.execPath, [...BERTH, command, '--workspace-folder', ws.folder, ...rest], { env, cwd: ROOT });
    const volumes = async () => ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('berth-test-'));
    const rounds = Number(process.env.BERTH_CLI_CYCLES ?? 3);
    for (let i = 0; i < rounds; i++) {
      await berth('up');
      const { stdout } = await berth('exec', '--', 'echo', 'from-cli');
      assert.equal(stdout, 'from-cli\n');
      await berth('stop');
      assert.equal((await workspaceContainers(ws.folder)).length, 1);
    }
    const kept = await volumes();
    await berth('down');
    assert.equal((await workspaceContainers(ws.folder)).length, 0);
    // down without --remove-volumes keeps named volumes.
    for (const v of kept) assert.ok((await volumes()).includes(v), `volume ${v} kept by down`);
  });
});
