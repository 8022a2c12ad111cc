// Switching between the reference CLI (`devcontainer`, a devDependency) and Berth must not rerun hooks:
// both read and write the same marker files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ContainerHookName, HookSource } from '../../../src/core/config/types';
import { DockerEngine } from '../../../src/core/engine/engine';
import { readMarkers } from '../../../src/core/lifecycle/markers';
import { planLifecycle } from '../../../src/core/lifecycle/plan';
import { runLifecycle } from '../../../src/core/lifecycle/run';
import { dockerProblem, needDocker } from '../../support/docker';
import { docker, removeTestContainers, sh, timestamps } from '../../support/lifecycleContainer';

const run = promisify(execFile);
const engine = new DockerEngine({ connect: { env: process.env } });
const cmd = (name: string): HookSource[] => [{ origin: 'devcontainer.json', command: `echo ${name} >> /tmp/ref-order` }];
const hooks: Record<ContainerHookName, HookSource[]> = {
  onCreateCommand: cmd('onCreate'),
  updateContentCommand: [],
  postCreateCommand: cmd('postCreate'),
  postStartCommand: cmd('postStart'),
  postAttachCommand: [],
};

async function referenceUp(ws: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['node_modules/@devcontainers/cli/devcontainer.js', 'up', '--workspace-folder', ws], { cwd: process.cwd() });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { outcome: string; containerId: string };
  assert.equal(result.outcome, 'success');
  return result.containerId;
}

async function berthUp(id: string, reason: 'started' | 'reused') {
  const state = await readMarkers(engine, id);
  const { createdAt, startedAt } = await timestamps(id);
  const plan = planLifecycle({ hooks, waitFor: 'updateContentCommand', reason, markers: state.markers, containerCreatedAt: createdAt, containerStartedAt: startedAt });
  return runLifecycle(plan, { exec: engine, containerId: id, events: () => undefined, markerDir: state.markerDir, home: state.home });
}

describe('markers shared with the reference CLI', { timeout: 120_000 }, () => {
  let ws: string;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'berth-refmarkers-'));
    mkdirSync(join(ws, '.devcontainer'));
    writeFileSync(
      join(ws, '.devcontainer', 'devcontainer.json'),
      JSON.stringify({
        image: 'debian:bookworm-slim',
        runArgs: ['--label', 'dev.berth.test=lifecycle'],
        onCreateCommand: 'echo onCreate >> /tmp/ref-order',
        postCreateCommand: 'echo postCreate >> /tmp/ref-order',
        postStartCommand: 'echo postStart >> /tmp/ref-order',
      }),
    );
    if (!(await dockerProblem())) await removeTestContainers();
  });
  after(async () => {
    if (!(await dockerProblem())) await removeTestContainers();
    rmSync(ws, { recursive: true, force: true });
  });

  it('Berth honours the reference CLI\'s markers, and the reference CLI honours Berth\'s', async (t) => {
    if (!(await needDocker(t))) return;
    const id = await referenceUp(ws);
    assert.equal(await sh(id, 'cat /tmp/ref-order'), 'onCreate\npostCreate\npostStart\n');

    const state = await readMarkers(engine, id);
    const { createdAt, startedAt } = await timestamps(id);
    assert.deepEqual(state.markers, { onCreateCommand: createdAt, updateContentCommand: createdAt, postCreateCommand: createdAt, postStartCommand: startedAt });
    assert.deepEqual((await berthUp(id, 'reused')).ran, [], 'nothing reruns after the reference CLI');

    await docker.getContainer(id).stop({ t: 1 });
    await docker.getContainer(id).start();
    assert.deepEqual((await berthUp(id, 'started')).ran, ['postStartCommand']);
    assert.equal(await sh(id, 'cat /tmp/ref-order'), 'onCreate\npostCreate\npostStart\npostStart\n');

    assert.equal(await referenceUp(ws), id, 'the reference CLI reuses the container');
    assert.equal(await sh(id, 'cat /tmp/ref-order'), 'onCreate\npostCreate\npostStart\npostStart\n', 'and reruns nothing Berth ran');
  });
});
