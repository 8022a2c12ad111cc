/**
 * The Docker daemon goes away (SIGTERM to dockerd) during a build, during a hook, and while idle with
 * a watch and a terminal open; then comes back (scripts/ensure-docker.sh). Berth reports it promptly
 * with a clear error instead of hanging, the watch reports the truth again by itself, the terminal
 * ends, the next `up` works without manual cleanup and reruns only the hooks that did not complete,
 * and the workspace files are untouched. dockerd is always restarted afterwards, even on failure.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { BerthError } from '../../../src/core/errors';
import { ignoreEvents, type BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type StatusResult, type UseCaseContext } from '../../../src/core/usecases';
import { needDaemonControl, startDaemon, stopDaemon } from '../../support/daemon';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

/** How long after the daemon is gone a failure must be reported (the slow steps take 20 s). */
const PROMPT_MS = 3000;
/** ...and after SIGTERM: dockerd closes its listener at once, but may take 10 s or more to exit. */
const SIGTERM_MS = 5000;

const docker = new Docker();
const ctx = (events: (e: BerthEvent) => void = ignoreEvents): UseCaseContext => ({ events, env: { ...process.env } });

async function editSpec(folder: string, edit: (text: string) => string): Promise<void> {
  const file = join(folder, '.devcontainer', 'devcontainer.json');
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

/** Resolves when `pred` holds, polling; rejects after `ms`. */
async function until(what: string, pred: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** A BerthError saying the engine went away, not a generic or unclear failure. */
function isDaemonGone(e: unknown): boolean {
  assert.ok(e instanceof BerthError, `expected a BerthError, got ${String(e)}`);
  assert.ok(['docker-unavailable', 'docker-error'].includes(e.code), `${e.code}: ${e.message}`);
  assert.match(e.message, /docker/i);
  assert.match(e.message, /not running|stopped|connection|went away|unavailable/i, e.message);
  return true;
}

/**
 * Stops dockerd while `outcome` (an up, settled as undefined or as its error and when) is running,
 * and checks that the up fails promptly, saying Docker is gone.
 */
async function stopDaemonDuring(label: string, what: string, outcome: Promise<{ e: unknown; at: number } | undefined>): Promise<void> {
  const stoppedAt = Date.now();
  await stopDaemon();
  const goneAt = Date.now();
  const failed = await outcome;
  assert.ok(failed, `up must fail when the daemon stops ${what}`);
  const afterMs = failed.at - goneAt;
  console.log(`${label}: up rejected ${failed.at - stoppedAt} ms after SIGTERM (dockerd exited after ${goneAt - stoppedAt} ms): ${(failed.e as Error).message}`);
  isDaemonGone(failed.e);
  assert.ok(afterMs < PROMPT_MS, `up took ${afterMs} ms after the daemon was gone to notice`);
  assert.ok(failed.at - stoppedAt < SIGTERM_MS, `up took ${failed.at - stoppedAt} ms after SIGTERM to notice`);
}

describe('the Docker daemon stops and comes back', () => {
  let build: TempWorkspace;
  let image: TempWorkspace;
  let stateDir: string;
  let service: BerthService;
  const trees = new Map<string, string>();

  before(async () => {
    build = await tempWorkspace('reliability-build');
    image = await tempWorkspace('reliability-image');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
    await editSpec(build.folder, (s) => s.replace('"SLOW": "0"', '"SLOW": "20"'));
    // The first run of postCreateCommand hangs (the daemon is stopped meanwhile), a rerun does not.
    // The log in the named volume survives containers and tells which hooks ran how often.
    const postCreate = 'echo postCreate-begin | tee -a /data/runs.log; [ -f /data/ran-once ] || { touch /data/ran-once; sleep 20; }; echo postCreate-end >> /data/runs.log';
    await editSpec(image.folder, (s) => s.replace('"postStartCommand"', `"postCreateCommand": ${JSON.stringify(postCreate)},\n  "postStartCommand"`));
    for (const ws of [build, image]) trees.set(ws.folder, await hashTree(ws.folder));
  });
  after(async () => {
    // Whatever happened, leave the engine running for everyone else, then clean up.
    await startDaemon();
    await build?.cleanup();
    await image?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('during a build: up fails promptly and clearly; the next up works', async (t) => {
    if (!(await needDocker(t)) || !(await needDaemonControl(t))) return;
    try {
      let slowStep = false;
      const sink = (e: BerthEvent) => {
        if (e.type === 'output' && e.text.includes('slow step begins') && !e.text.includes('RUN')) slowStep = true;
      };
      const pending = service.up({ workspaceFolder: build.folder }, ctx(sink));
      const outcome = pending.then(() => undefined, (e: unknown) => ({ e, at: Date.now() }));
      await until('the slow RUN step starts', () => slowStep, 30_000);
      await stopDaemonDuring('build', 'during the build', outcome);

      await startDaemon();
      const again = await service.up({ workspaceFolder: build.folder }, ctx());
      assert.equal(again.action, 'created');
      assert.equal((await docker.getContainer(again.containerId).inspect()).State.Running, true);
      const mine = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${build.folder}`] } });
      assert.deepEqual(mine.map((c) => c.Id), [again.containerId]);
    } finally {
      await startDaemon(); // never leave the engine down, even when an assertion failed
    }
  });

  it('during a hook: up fails promptly and clearly; the next up reruns only the unfinished hook', async (t) => {
    if (!(await needDocker(t)) || !(await needDaemonControl(t))) return;
    try {
      let inHook = false;
      const sink = (e: BerthEvent) => {
        if (e.type === 'output' && e.source === 'hook' && e.text.includes('postCreate-begin')) inHook = true;
      };
      const outcome = service.up({ workspaceFolder: image.folder }, ctx(sink)).then(() => undefined, (e: unknown) => ({ e, at: Date.now() }));
      await until('postCreateCommand starts', () => inHook, 30_000);
      await stopDaemonDuring('hook', 'during a hook', outcome);

      await startDaemon();
      const again = await service.up({ workspaceFolder: image.folder }, ctx());
      assert.equal(again.action, 'started', 'the same container is started again, not recreated');
      const out: Buffer[] = [];
      await service.exec({ workspaceFolder: image.folder }, { cmd: ['cat', '/data/runs.log'], onStdout: (c) => out.push(c) }, ctx());
      const log = Buffer.concat(out).toString().trim().split('\n');
      const count = (line: string) => log.filter((l) => l === line).length;
      assert.equal(count('onCreate'), 1, `onCreate completed before the stop and must not rerun: ${log.join(',')}`);
      assert.equal(count('postCreate-begin'), 2, `postCreate did not complete and must rerun: ${log.join(',')}`);
      assert.equal(count('postCreate-end'), 1, log.join(','));
      assert.equal(count('postStart'), 1, log.join(','));
    } finally {
      await startDaemon(); // never leave the engine down, even when an assertion failed
    }
  });

  it('while idle: the watch reports the outage and the truth after it; an open terminal ends', async (t) => {
    if (!(await needDocker(t)) || !(await needDaemonControl(t))) return;
    try {
      const ref = { workspaceFolder: image.folder };
      const up = await service.up(ref, ctx());
      const states: StatusResult['state'][] = [];
      const errors: unknown[] = [];
      let errorAt = 0;
      let exitAt = 0;
      let lost: unknown;
      const abort = new AbortController();
      try {
        const onError = (e: unknown) => {
          errorAt ||= Date.now();
          errors.push(e);
        };
        service.watch(ref, (s) => states.push(s.state), onError, abort.signal);
        await until('the watch reports running', () => states.at(-1) === 'running', 10_000);
        const session = await service.openSession(ref, { cols: 80, rows: 24 }, ctx());
        session.onExit((_code, reason) => {
          exitAt = Date.now();
          lost = reason;
        });

        const before = states.length;
        const stoppedAt = Date.now();
        await stopDaemon();
        const goneAt = Date.now();
        await until('the watch reports the stream ended', () => errors.length > 0, PROMPT_MS);
        await until('the terminal session ends', () => exitAt > 0, PROMPT_MS);
        console.log(`idle: watch onError ${errorAt - stoppedAt} ms, terminal onExit ${exitAt - stoppedAt} ms after SIGTERM (dockerd exited after ${goneAt - stoppedAt} ms)`);
        // The terminal says why it ended (the extension prints it), not just "exit code unknown".
        assert.ok(lost !== undefined, 'onExit must say the connection to the engine was lost');
        isDaemonGone(lost);

        await startDaemon();
        const truth = (await docker.getContainer(up.containerId).inspect()).State.Status;
        assert.equal(truth, 'exited', 'dockerd stops its containers on shutdown (no live-restore)');
        const backMs = await until('the watch reports the container exited', () => states.slice(before).includes('exited'), PROMPT_MS);
        console.log(`idle: watch reported "exited" ${backMs} ms after the daemon answered again`);
      } finally {
        abort.abort();
      }
    } finally {
      await startDaemon(); // never leave the engine down, even when an assertion failed
    }
  });

  it('leaves the workspace files as they were', async (t) => {
    if (!(await needDocker(t)) || !(await needDaemonControl(t))) return;
    for (const ws of [build, image]) assert.equal(await hashTree(ws.folder), trees.get(ws.folder), ws.folder);
  });
});
