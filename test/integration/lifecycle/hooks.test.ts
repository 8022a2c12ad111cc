import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContainerHookName, HookSource } from '../../../src/core/config/types';
import { DockerEngine } from '../../../src/core/engine/engine';
import type { BerthEvent } from '../../../src/core/events';
import { HookFailedError } from '../../../src/core/lifecycle/hookFailedError';
import { readMarkers } from '../../../src/core/lifecycle/markers';
import { planLifecycle, type ContainerReason } from '../../../src/core/lifecycle/plan';
import { runLifecycle } from '../../../src/core/lifecycle/run';
import { dockerProblem, needDocker } from '../../support/docker';
import { docker, removeTestContainers, sh, startTestContainer, timestamps, type TestContainer } from '../../support/lifecycleContainer';

const engine = new DockerEngine({ connect: { env: process.env } });
const USER = 'dev';
const HOME = '/home/dev';

// Each hook appends its name to ~/order: the file shows what ran, in which order, how often.
const hooks: Record<ContainerHookName, HookSource[]> = {
  onCreateCommand: [
    { origin: 'ghcr.io/example/feature', command: 'echo feature-onCreate >> ~/order' },
    { origin: 'devcontainer.json', command: 'echo onCreate >> ~/order' },
  ],
  updateContentCommand: [{ origin: 'devcontainer.json', command: ['/bin/sh', '-c', 'echo updateContent >> "$HOME/order"'] }],
  postCreateCommand: [
    {
      origin: 'devcontainer.json',
      // Each waits (up to 5 s) for the other to have started: only passes when they run in parallel.
      command: {
        a: 'touch /tmp/a-started; i=0; while [ ! -f /tmp/b-started ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; [ -f /tmp/b-started ] && echo postCreate:a >> ~/order-a',
        b: ['/bin/sh', '-c', 'touch /tmp/b-started; i=0; while [ ! -f /tmp/a-started ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; [ -f /tmp/a-started ] && echo postCreate:b >> ~/order-b'],
      },
    },
  ],
  postStartCommand: [{ origin: 'devcontainer.json', command: 'echo postStart >> ~/order' }],
  postAttachCommand: [{ origin: 'devcontainer.json', command: 'echo "postAttach $(pwd) $WHO" >> ~/order' }],
};

async function up(c: TestContainer, reason: ContainerReason, events: BerthEvent[] = []) {
  const state = await readMarkers(engine, c.id, { user: USER });
  const { createdAt, startedAt } = await timestamps(c.id);
  const plan = planLifecycle({ hooks, waitFor: 'updateContentCommand', reason, markers: state.markers, containerCreatedAt: createdAt, containerStartedAt: startedAt });
  let ready = false;
  const result = await runLifecycle(plan, {
    exec: engine,
    containerId: c.id,
    user: USER,
    workdir: '/workspaces/proj',
    home: state.home,
    env: { WHO: 'berth' },
    events: (e) => events.push(e),
    markerDir: state.markerDir,
    onWaitForReached: () => (ready = true),
  });
  return { plan, result, state, ready };
}

describe('lifecycle hooks on a real container', { timeout: 120_000 }, () => {
  let c: TestContainer;

  before(async () => {
    if (await dockerProblem()) return;
    await removeTestContainers();
    c = await startTestContainer('debian:bookworm-slim');
    await sh(c.id, `useradd -m -s /bin/bash ${USER} && mkdir -p /workspaces/proj && chown ${USER} /workspaces/proj`);
  });
  after(async () => {
    if (!(await dockerProblem())) await removeTestContainers();
  });

  it('first up: runs every hook in order as the remote user, object form in parallel, and writes reference-format markers', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const { result, state, ready } = await up(c, 'created', events);
    assert.equal(state.home, HOME);
    assert.equal(state.markerDir, `${HOME}/.devcontainer`);
    assert.deepEqual(result.ran, ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand']);
    assert.ok(ready);
    assert.equal(await sh(c.id, `cat ${HOME}/order`), 'feature-onCreate\nonCreate\nupdateContent\npostStart\npostAttach /workspaces/proj berth\n');
    assert.equal(await sh(c.id, `cat ${HOME}/order-a ${HOME}/order-b`), 'postCreate:a\npostCreate:b\n');
    assert.equal(await sh(c.id, `stat -c %U ${HOME}/order ${HOME}/.devcontainer/.onCreateCommandMarker`), 'dev\ndev\n');

    const { createdAt, startedAt } = await timestamps(c.id);
    const markers = await sh(c.id, `cd ${HOME}/.devcontainer && for f in .onCreateCommandMarker .updateContentCommandMarker .postCreateCommandMarker .postStartCommandMarker; do printf '%s=' $f; cat $f; done; ls -A`);
    assert.equal(
      markers,
      `.onCreateCommandMarker=${createdAt}\n.updateContentCommandMarker=${createdAt}\n.postCreateCommandMarker=${createdAt}\n.postStartCommandMarker=${startedAt}\n` +
        '.onCreateCommandMarker\n.postCreateCommandMarker\n.postStartCommandMarker\n.updateContentCommandMarker\n',
      'postAttach is never marked',
    );
    const parallel = events.filter((e) => e.type === 'hook' && e.hook === 'postCreateCommand' && e.command !== undefined).map((e) => e.type === 'hook' && `${e.command}:${e.state}`);
    assert.deepEqual(parallel.slice(0, 2).sort(), ['a:started', 'b:started']);
  });

  it('second up on the running container: only postAttach runs (markers honoured)', async (t) => {
    if (!(await needDocker(t))) return;
    const { plan, result } = await up(c, 'reused');
    assert.deepEqual(result.ran, ['postAttachCommand']);
    assert.deepEqual(plan.skipped.map((s) => s.code), ['already-ran', 'already-ran', 'already-ran', 'not-restarted']);
    assert.equal(await sh(c.id, `grep -c . ${HOME}/order`), '6\n');
  });

  it('after a real stop/start: postStart and postAttach run again, with the new StartedAt marked', async (t) => {
    if (!(await needDocker(t))) return;
    const before = (await timestamps(c.id)).startedAt;
    await docker.getContainer(c.id).stop({ t: 1 });
    await docker.getContainer(c.id).start();
    const { result } = await up(c, 'started');
    assert.deepEqual(result.ran, ['postStartCommand', 'postAttachCommand']);
    const after = (await timestamps(c.id)).startedAt;
    assert.notEqual(after, before);
    assert.equal(await sh(c.id, `cat ${HOME}/.devcontainer/.postStartCommandMarker`), `${after}\n`);
    assert.equal(await sh(c.id, `grep -c postStart ${HOME}/order`), '2\n');
    assert.equal(await sh(c.id, `grep -c onCreate ${HOME}/order`), '2\n', 'feature + devcontainer.json onCreate, once each');
  });

  it('a failing hook stops the rest, reports exit code and output tail, and is retried next time', async (t) => {
    if (!(await needDocker(t))) return;
    const failing: Record<ContainerHookName, HookSource[]> = {
      ...hooks,
      onCreateCommand: [{ origin: 'devcontainer.json', command: 'for i in $(seq 1 25); do echo out $i; done; echo oops >&2; test -f /tmp/fixed || exit 3' }],
      updateContentCommand: [{ origin: 'devcontainer.json', command: 'touch /tmp/update-ran' }],
    };
    const markerDir = '/tmp/fail-markers';
    const plan = () => planLifecycle({ hooks: failing, waitFor: 'updateContentCommand', reason: 'reused', markers: {}, containerCreatedAt: 'C', containerStartedAt: 'S', skipPostAttach: true });
    await assert.rejects(runLifecycle(plan(), { exec: engine, containerId: c.id, events: () => undefined, markerDir }), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.equal(e.message, 'onCreateCommand from devcontainer.json failed with exit code 3');
      assert.equal(e.outputTail.length, 20);
      // stdout and stderr travel separately through the engine, so their relative order is not fixed.
      assert.ok(e.outputTail.includes('oops') && e.outputTail.includes('out 25'), e.outputTail.join('|'));
      assert.ok(!e.outputTail.includes('out 5'), 'only the tail is kept');
      return true;
    });
    assert.equal(await sh(c.id, `ls -A ${markerDir} 2>/dev/null; test -f /tmp/update-ran && echo ran || echo not-ran`), 'not-ran\n', 'no marker, nothing after');
    const { state } = { state: await readMarkers(engine, c.id, { markerDir }) };
    assert.equal(state.markers.onCreateCommand, undefined);

    await sh(c.id, 'touch /tmp/fixed');
    const second = await runLifecycle(plan(), { exec: engine, containerId: c.id, events: () => undefined, markerDir });
    assert.deepEqual(second.ran, ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand']);
    assert.equal((await readMarkers(engine, c.id, { markerDir })).markers.onCreateCommand, 'C');
  });

  it('cancelling stops a running hook', async (t) => {
    if (!(await needDocker(t))) return;
    const controller = new AbortController();
    const slow: Record<ContainerHookName, HookSource[]> = {
      onCreateCommand: [{ origin: 'devcontainer.json', command: 'sleep 30' }],
      updateContentCommand: [{ origin: 'devcontainer.json', command: 'touch /tmp/cancel-after' }],
      postCreateCommand: [],
      postStartCommand: [],
      postAttachCommand: [],
    };
    const plan = planLifecycle({ hooks: slow, waitFor: 'updateContentCommand', reason: 'created', markers: {}, containerCreatedAt: 'C', containerStartedAt: 'S' });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(runLifecycle(plan, { exec: engine, containerId: c.id, events: () => undefined, signal: controller.signal }), { code: 'cancelled' });
    assert.ok(Date.now() - started < 5000);
    assert.equal(await sh(c.id, 'test -f /tmp/cancel-after && echo yes || echo no'), 'no\n');
  });
});
