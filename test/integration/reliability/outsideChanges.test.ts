/**
 * The container is killed or removed from outside Berth (docker kill, docker rm -f): the status
 * (one-off and watched) follows within a second, the next `up` starts or recreates it, the
 * once-per-container hooks run again only for a new container, and the workspace files and the
 * named volume are intact.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type StatusResult, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();

function context(events: BerthEvent[] = []): UseCaseContext {
  return { events: (e) => events.push(e), env: { ...process.env } };
}

function ranHooks(events: BerthEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'hook' && e.state === 'succeeded' ? [e.hook] : []));
}

/** Resolves with the first watched status that satisfies `want`, and how long it took from `since`. */
function waitForStatus(service: BerthService, folder: string, want: (s: StatusResult) => boolean, since: () => number): { done: Promise<number>; stop: () => void } {
  const abort = new AbortController();
  const done = new Promise<number>((resolveDone, reject) => {
    const timer = setTimeout(() => reject(new Error('the watched status did not follow within 10 s')), 10_000);
    service.watch({ workspaceFolder: folder }, (s) => {
      if (want(s)) {
        clearTimeout(timer);
        resolveDone(Date.now() - since());
      }
    }, () => undefined, abort.signal);
  });
  return { done, stop: () => abort.abort() };
}

describe('the container changed from outside', () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let service: BerthService;
  let treeBefore = '';
  let volumeName = '';

  before(async () => {
    ws = await tempWorkspace('reliability-image');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
    treeBefore = await hashTree(ws.folder);
  });
  after(async () => {
    await ws?.cleanup();
    if (volumeName) await docker.getVolume(volumeName).remove().catch(() => undefined);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** The hook log in the named volume, read with a throwaway container (the dev container may be gone). */
  const readRuns = async (): Promise<string[]> => {
    const c = await docker.createContainer({
      Image: 'berth-test/busybox:latest', Cmd: ['cat', '/data/runs.log'], Labels: { 'dev.berth.test': '1' },
      HostConfig: { Mounts: [{ Type: 'volume', Source: volumeName, Target: '/data' }] },
    });
    try {
      await c.start();
      await c.wait();
      const logs = await c.logs({ stdout: true, stderr: false, follow: false });
      // Non-TTY logs are multiplexed: 8-byte frame headers before each chunk.
      const out: string[] = [];
      for (let i = 0; i + 8 <= logs.length;) {
        const size = logs.readUInt32BE(i + 4);
        out.push(logs.subarray(i + 8, i + 8 + size).toString());
        i += 8 + size;
      }
      return out.join('').trim().split('\n');
    } finally {
      await c.remove({ force: true });
    }
  };

  it('follows docker kill: status exited within a second, up starts the same container, onCreate does not rerun', async (t) => {
    if (!(await needDocker(t))) return;
    const first: BerthEvent[] = [];
    const created = await service.up({ workspaceFolder: ws.folder }, context(first));
    assert.equal(created.action, 'created');
    assert.deepEqual(ranHooks(first), ['onCreateCommand', 'postStartCommand']);
    const info = await docker.getContainer(created.containerId).inspect();
    volumeName = info.Mounts.find((m) => m.Destination === '/data')?.Name ?? '';
    assert.ok(volumeName.startsWith('berth-test-'));

    let killedAt = 0;
    const watched = waitForStatus(service, ws.folder, (s) => killedAt > 0 && s.state === 'exited', () => killedAt);
    await new Promise((r) => setTimeout(r, 300)); // let the watcher connect
    killedAt = Date.now();
    await docker.getContainer(created.containerId).kill();
    const followedMs = await watched.done;
    watched.stop();
    console.log(`watched status followed docker kill in ${followedMs} ms`);
    assert.ok(followedMs < 1000, `took ${followedMs} ms`);
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'exited');

    const events: BerthEvent[] = [];
    const again = await service.up({ workspaceFolder: ws.folder }, context(events));
    assert.equal(again.action, 'started');
    assert.equal(again.containerId, created.containerId);
    assert.deepEqual(ranHooks(events), ['postStartCommand']);
    assert.ok(events.some((e) => e.type === 'hook' && e.hook === 'onCreateCommand' && e.state === 'skipped'));
    assert.deepEqual(await readRuns(), ['onCreate', 'postStart', 'postStart']);
    assert.equal(await hashTree(ws.folder), treeBefore);
  });

  it('follows docker rm -f: status none within a second, up makes a new container and runs onCreate again, the volume is kept', async (t) => {
    if (!(await needDocker(t))) return;
    const current = await service.status({ workspaceFolder: ws.folder }, context());
    assert.equal(current.state, 'running');
    let removedAt = 0;
    const watched = waitForStatus(service, ws.folder, (s) => removedAt > 0 && s.state === 'none', () => removedAt);
    await new Promise((r) => setTimeout(r, 300));
    removedAt = Date.now();
    await docker.getContainer(current.containerId ?? '').remove({ force: true });
    const followedMs = await watched.done;
    watched.stop();
    console.log(`watched status followed docker rm -f in ${followedMs} ms`);
    assert.ok(followedMs < 1000, `took ${followedMs} ms`);
    assert.equal((await service.status({ workspaceFolder: ws.folder }, context())).state, 'none');

    const events: BerthEvent[] = [];
    const fresh = await service.up({ workspaceFolder: ws.folder }, context(events));
    assert.equal(fresh.action, 'created');
    assert.notEqual(fresh.containerId, current.containerId);
    assert.deepEqual(ranHooks(events), ['onCreateCommand', 'postStartCommand']);
    // The named volume outlived the removed container: the old runs are still in it.
    assert.deepEqual(await readRuns(), ['onCreate', 'postStart', 'postStart', 'onCreate', 'postStart']);
    const mine = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${ws.folder}`] } });
    assert.equal(mine.length, 1, 'exactly one container for the workspace');
    assert.equal(await hashTree(ws.folder), treeBefore);
  });
});
