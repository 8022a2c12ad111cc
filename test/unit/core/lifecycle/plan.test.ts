import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerHookName, HookSource } from '../../../../src/core/config/types';
import { planLifecycle, type PlanLifecycleInput } from '../../../../src/core/lifecycle/plan';

const CREATED = '2026-11-30T01:00:00.000000000Z';
const STARTED = '2026-11-30T02:00:00.000000000Z';
const src = (command: HookSource['command'], origin = 'devcontainer.json'): HookSource => ({ origin, command });

function allHooks(): Record<ContainerHookName, HookSource[]> {
  return {
    onCreateCommand: [src('echo oncreate')],
    updateContentCommand: [src('echo update')],
    postCreateCommand: [src('echo postcreate')],
    postStartCommand: [src('echo poststart')],
    postAttachCommand: [src('echo postattach')],
  };
}

function input(over: Partial<PlanLifecycleInput> = {}): PlanLifecycleInput {
  return {
    hooks: allHooks(),
    waitFor: 'updateContentCommand',
    reason: 'created',
    markers: {},
    containerCreatedAt: CREATED,
    containerStartedAt: STARTED,
    ...over,
  };
}

const allMarked = {
  onCreateCommand: CREATED,
  updateContentCommand: CREATED,
  postCreateCommand: CREATED,
  postStartCommand: STARTED,
};

describe('planLifecycle', () => {
  it('runs every hook in spec order on a new container and marks with the right timestamps', () => {
    const plan = planLifecycle(input());
    assert.deepEqual(
      plan.steps.map((s) => s.hook),
      ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'],
    );
    assert.deepEqual(
      plan.steps.map((s) => s.markerValue),
      [CREATED, CREATED, CREATED, STARTED, undefined],
    );
    assert.equal(plan.skipped.length, 0);
    assert.equal(plan.waitForIndex, 1);
    assert.match(plan.steps[0].why, /created/);
  });

  it('ignores stale markers on a new container (e.g. baked into the image)', () => {
    const plan = planLifecycle(input({ markers: { onCreateCommand: '', postStartCommand: STARTED } }));
    assert.equal(plan.steps.length, 5);
  });

  it('reused container with all markers current: only postAttach', () => {
    const plan = planLifecycle(input({ reason: 'reused', markers: allMarked }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postAttachCommand']);
    assert.deepEqual(
      plan.skipped.map((s) => [s.hook, s.code]),
      [
        ['onCreateCommand', 'already-ran'],
        ['updateContentCommand', 'already-ran'],
        ['postCreateCommand', 'already-ran'],
        ['postStartCommand', 'not-restarted'],
      ],
    );
    assert.equal(plan.waitForIndex, -1);
  });

  it('started container: postStart and postAttach, create hooks skipped', () => {
    const plan = planLifecycle(input({
      reason: 'started',
      markers: { ...allMarked, postStartCommand: '2026-11-30T01:00:01Z' },
      containerStartedAt: '2026-11-30T03:00:00Z',
    }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postStartCommand', 'postAttachCommand']);
    assert.equal(plan.steps[0].markerValue, '2026-11-30T03:00:00Z');
    assert.match(plan.steps[0].why, /started/);
  });

  it('retries a create hook whose marker is missing (it failed before), even on reuse', () => {
    const plan = planLifecycle(input({
      reason: 'reused',
      markers: { onCreateCommand: CREATED, updateContentCommand: CREATED },
    }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postCreateCommand', 'postStartCommand', 'postAttachCommand']);
    assert.match(plan.steps[0].why, /not completed/);
    assert.equal(plan.waitForIndex, -1, 'waitFor (updateContent) is already satisfied');
  });

  it('reruns create hooks when the marker holds another container\'s timestamp', () => {
    const plan = planLifecycle(input({ reason: 'reused', markers: { ...allMarked, onCreateCommand: 'old' } }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['onCreateCommand', 'postAttachCommand']);
  });

  it('treats an empty marker file as current, like the reference CLI', () => {
    const plan = planLifecycle(input({ reason: 'reused', markers: { ...allMarked, postCreateCommand: '' } }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postAttachCommand']);
  });

  it('skips undefined and empty hooks', () => {
    const hooks = allHooks();
    hooks.onCreateCommand = [];
    hooks.updateContentCommand = [src(''), src([]), src({})];
    const plan = planLifecycle(input({ hooks }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postCreateCommand', 'postStartCommand', 'postAttachCommand']);
    assert.deepEqual(plan.skipped.map((s) => [s.hook, s.code]), [
      ['onCreateCommand', 'not-defined'],
      ['updateContentCommand', 'not-defined'],
    ]);
    assert.equal(plan.waitForIndex, -1, 'nothing up to updateContent runs');
  });

  it('keeps every source of a hook in metadata order, dropping only the empty ones', () => {
    const hooks = allHooks();
    hooks.postCreateCommand = [src('a', 'ghcr.io/x/feature'), src(''), src(['b']), src({ c: 'c' })];
    const plan = planLifecycle(input({ hooks }));
    const step = plan.steps.find((s) => s.hook === 'postCreateCommand');
    assert.deepEqual(step?.commands.map((c) => c.command), ['a', ['b'], { c: 'c' }]);
    assert.equal(step?.commands[0].origin, 'ghcr.io/x/feature');
  });

  it('skipPostAttach drops postAttach only', () => {
    const plan = planLifecycle(input({ skipPostAttach: true }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand']);
    assert.deepEqual(plan.skipped, [{ hook: 'postAttachCommand', code: 'skip-post-attach', reason: 'skipped on request (--skip-post-attach)' }]);
  });

  it('skipNonBlocking stops after waitFor', () => {
    const plan = planLifecycle(input({ skipNonBlocking: true, waitFor: 'postCreateCommand' }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['onCreateCommand', 'updateContentCommand', 'postCreateCommand']);
    assert.deepEqual(plan.skipped.map((s) => s.code), ['non-blocking', 'non-blocking']);
    assert.equal(plan.waitForIndex, 2);
  });

  for (const [waitFor, index] of [
    ['onCreateCommand', 0],
    ['updateContentCommand', 1],
    ['postCreateCommand', 2],
    ['postStartCommand', 3],
    ['postAttachCommand', 4],
  ] as const) {
    it(`waitFor ${waitFor} is reached after step ${index} on a new container`, () => {
      assert.equal(planLifecycle(input({ waitFor })).waitForIndex, index);
    });
  }

  it('waitFor on a skipped hook is reached after the last earlier step', () => {
    const hooks = allHooks();
    hooks.postCreateCommand = [];
    const plan = planLifecycle(input({ hooks, waitFor: 'postCreateCommand' }));
    assert.equal(plan.steps[plan.waitForIndex].hook, 'updateContentCommand');
  });

  it('a reused container with postStart not marked runs it (a failed postStart is retried)', () => {
    const plan = planLifecycle(input({ reason: 'reused', markers: { ...allMarked, postStartCommand: undefined } }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postStartCommand', 'postAttachCommand']);
  });

  it('a started container whose postStart marker already matches does not rerun it', () => {
    const plan = planLifecycle(input({ reason: 'started', markers: allMarked }));
    assert.deepEqual(plan.steps.map((s) => s.hook), ['postAttachCommand']);
  });
});
