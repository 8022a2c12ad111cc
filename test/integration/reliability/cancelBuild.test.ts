/**
 * A rebuild cancelled midway (the user's cancel, an AbortSignal on `up` with removeExistingContainer
 * while a slow RUN step runs): it ends in a `cancelled` BerthError, leaves no half-made container,
 * no intermediate build container and no image of the new build, and keeps the previous image, the
 * previous container (still running) and the workspace files.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { readConfig } from '../../../src/core/config';
import { imageNameFor } from '../../../src/core/container/buildPlan';
import { computeBuildInputs } from '../../../src/core/container/drift';
import { isBerthError } from '../../../src/core/errors';
import type { BerthEvent } from '../../../src/core/events';
import { LABEL_BERTH_BUILD_HASH } from '../../../src/core/labels';
import { createBerthService, type BerthService } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();

describe('a rebuild cancelled midway', () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let service: BerthService;
  const marker = `berth-cancel-${randomUUID()}`;

  before(async () => {
    ws = await tempWorkspace('reliability-build');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
    // A marker only this test's build steps carry, to find their intermediate containers.
    const dockerfile = join(ws.folder, '.devcontainer', 'Dockerfile');
    await writeFile(dockerfile, (await readFile(dockerfile, 'utf8')).replace('slow step begins', `slow step begins ${marker}`));
  });
  after(async () => {
    for (const c of await docker.listContainers({ all: true })) {
      if (c.Command.includes(marker)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('keeps the previous image and container and leaves nothing half-made', async (t) => {
    if (!(await needDocker(t))) return;
    const ctx = (events: BerthEvent[], signal?: AbortSignal) => ({ events: (e: BerthEvent) => events.push(e), env: { ...process.env }, signal });
    const good = await service.up({ workspaceFolder: ws.folder }, ctx([]));
    assert.equal(good.action, 'created');
    const tag = imageNameFor(ws.folder);
    const goodImage = (await docker.getImage(tag).inspect()).Id;
    const volumesBefore = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('berth-test-')).sort();

    // The spec now asks for a slow step: a rebuild is needed.
    const specFile = join(ws.folder, '.devcontainer', 'devcontainer.json');
    await writeFile(specFile, (await readFile(specFile, 'utf8')).replace('"SLOW": "0"', '"SLOW": "60"'));
    const treeBefore = await hashTree(ws.folder);
    const loaded = await readConfig({ workspaceFolder: ws.folder, env: process.env, platform: process.platform });
    const newHash = (await computeBuildInputs(loaded.config)).hash;

    const abort = new AbortController();
    const events: BerthEvent[] = [];
    const started = Date.now();
    let cancelAt = 0;
    let seenDuring = 0;
    let abortedAt = 0;
    const sink = (e: BerthEvent) => {
      events.push(e);
      // Cancel once the slow RUN step is running.
      if (!cancelAt && e.type === 'output' && e.text.includes(marker) && !e.text.includes('RUN')) {
        cancelAt = Date.now();
        setTimeout(() => {
          // The step's intermediate container exists now, so its absence afterwards means something.
          void docker.listContainers({ all: true }).then((list) => {
            seenDuring = list.filter((c) => c.Command.includes(marker)).length;
            abortedAt = Date.now();
            abort.abort();
          });
        }, 500);
      }
    };
    await assert.rejects(
      service.up({ workspaceFolder: ws.folder, removeExistingContainer: true }, { events: sink, env: { ...process.env }, signal: abort.signal }),
      (e: unknown) => isBerthError(e) && e.code === 'cancelled',
    );
    const tookMs = Date.now() - started;
    console.log(`rebuild cancelled ${abortedAt - started} ms after up began; up returned ${Date.now() - abortedAt} ms after the cancel`);
    assert.ok(cancelAt > 0, 'the slow step started');
    assert.ok(seenDuring >= 1, 'the slow step ran in an intermediate container');
    assert.ok(tookMs < 30_000, `cancel took ${tookMs} ms (the step sleeps 60 s)`);

    // The previous container is still there and running; no other container for the workspace.
    const mine = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${ws.folder}`] } });
    assert.deepEqual(mine.map((c) => c.Id), [good.containerId]);
    assert.equal(mine[0].State, 'running');
    // The tag still names the good image; nothing carries the cancelled build's hash.
    assert.equal((await docker.getImage(tag).inspect()).Id, goodImage);
    const partial = await docker.listImages({ all: true, filters: { label: [`${LABEL_BERTH_BUILD_HASH}=${newHash}`] } });
    assert.deepEqual(partial, []);
    // No intermediate container of the cancelled step is left running or stopped (the engine may take a moment).
    let leftovers: string[] = [];
    for (let i = 0; i < 20; i++) {
      leftovers = (await docker.listContainers({ all: true })).filter((c) => c.Command.includes(marker)).map((c) => `${c.Id.slice(0, 12)} ${c.State}`);
      if (leftovers.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(leftovers, [], 'intermediate build containers left');
    assert.equal(await hashTree(ws.folder), treeBefore, 'workspace files unchanged');
    const volumesAfter = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('berth-test-')).sort();
    for (const v of volumesBefore) assert.ok(volumesAfter.includes(v), `volume ${v} kept`);

    // The next plain up reuses the kept container.
    const next = await service.up({ workspaceFolder: ws.folder }, ctx([]));
    assert.equal(next.containerId, good.containerId);
    assert.equal(next.action, 'reused');
  });
});
