import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BerthEvent } from '../../../src/core/events';
import {
  type ViewState,
  contextKeys,
  initialViewState,
  progressMessage,
  reduceActivity,
  stateKey,
  statusBarModel,
} from '../../../src/extension/statusModel';

const base: ViewState = { ...initialViewState, specs: ['/w/.devcontainer/devcontainer.json'], selectedSpec: '/w/.devcontainer/devcontainer.json', docker: 'available' };

describe('statusBarModel', () => {
  it('is hidden without a spec', () => {
    const m = statusBarModel({ ...initialViewState });
    assert.equal(m.visible, false);
  });

  it('shows stopped for an exited container and a missing one; click toggles', () => {
    for (const state of ['exited', 'none'] as const) {
      const m = statusBarModel({ ...base, container: { state, ports: 0 } });
      assert.equal(m.text, '$(vm-outline) Berth: stopped');
      assert.equal(m.command, 'berth.toggle');
      assert.equal(m.background, undefined);
    }
  });

  it('shows the name and port count when running, with singular and plural', () => {
    assert.equal(statusBarModel({ ...base, container: { state: 'running', name: 'app', ports: 2 } }).text, '$(vm-running) Berth: app · 2 ports');
    assert.equal(statusBarModel({ ...base, container: { state: 'running', name: 'app', ports: 1 } }).text, '$(vm-running) Berth: app · 1 port');
    assert.equal(statusBarModel({ ...base, container: { state: 'running', name: 'app', ports: 0 } }).text, '$(vm-running) Berth: app');
    assert.equal(statusBarModel({ ...base, container: { state: 'running', name: 'app', ports: 1 } }).command, 'berth.toggle');
  });

  it('spins while building with step counts, and names the running hook', () => {
    assert.equal(statusBarModel({ ...base, activity: { kind: 'building', step: 3, total: 7 } }).text, '$(sync~spin) Berth: building (step 3/7)');
    assert.equal(statusBarModel({ ...base, activity: { kind: 'building', step: 3 } }).text, '$(sync~spin) Berth: building (step 3)');
    assert.equal(statusBarModel({ ...base, activity: { kind: 'hook', hook: 'postCreateCommand' } }).text, '$(sync~spin) Berth: postCreateCommand');
  });

  it('shows failure on the error background; click shows the log', () => {
    const m = statusBarModel({ ...base, failure: { message: 'hook failed' }, container: { state: 'exited', ports: 0 } });
    assert.equal(m.text, '$(error) Berth: failed');
    assert.equal(m.background, 'error');
    assert.equal(m.command, 'berth.showLog');
    assert.match(m.tooltip, /hook failed/);
    assert.match(m.tooltip, /command:berth\.showLog/);
  });

  it('says when Docker is unavailable and links to help', () => {
    const m = statusBarModel({ ...base, docker: 'unavailable', dockerMessage: 'connect ENOENT /var/run/docker.sock' });
    assert.equal(m.text, '$(warning) Berth: Docker unavailable');
    assert.equal(m.command, 'berth.dockerHelp');
    assert.match(m.tooltip, /ENOENT/);
  });

  it('explains an untrusted workspace instead of offering to start', () => {
    const m = statusBarModel({ ...base, trusted: false, container: { state: 'exited', ports: 0 } });
    assert.notEqual(m.command, 'berth.toggle');
    assert.match(m.tooltip, /not trusted/);
    assert.equal(stateKey({ ...base, trusted: false }), 'untrusted');
  });

  it('activity wins over a stale failure', () => {
    assert.equal(statusBarModel({ ...base, failure: { message: 'x' }, activity: { kind: 'phase', label: 'creating' } }).text, '$(sync~spin) Berth: creating');
  });
});

describe('contextKeys', () => {
  it('derives hasSpec, multipleSpecs and state', () => {
    assert.deepEqual(contextKeys(initialViewState), { 'berth.hasSpec': false, 'berth.multipleSpecs': false, 'berth.state': 'none' });
    assert.deepEqual(contextKeys({ ...base, specs: ['a', 'b'], container: { state: 'running', ports: 0 } }), {
      'berth.hasSpec': true,
      'berth.multipleSpecs': true,
      'berth.state': 'running',
    });
    assert.equal(stateKey({ ...base, container: { state: 'paused', ports: 0 } }), 'stopped');
    assert.equal(stateKey({ ...base, activity: { kind: 'building' } }), 'busy');
  });
});

describe('reduceActivity', () => {
  it('follows an up: phases, build steps, hooks, ready', () => {
    const events: BerthEvent[] = [
      { type: 'phase', phase: 'reading-config' },
      { type: 'phase', phase: 'building' },
      { type: 'build-step', step: 1, total: 7, instruction: 'FROM debian' },
      { type: 'build-cached', step: 1 },
      { type: 'build-step', step: 3, total: 7, instruction: 'RUN apt-get' },
      { type: 'phase', phase: 'creating' },
      { type: 'hook', hook: 'postCreateCommand', state: 'started' },
      { type: 'output', source: 'hook', text: 'hi\n' },
    ];
    const seen = [];
    let a = undefined;
    for (const e of events) {
      a = reduceActivity(a, e);
      seen.push(a && statusBarModel({ ...base, activity: a }).text);
    }
    assert.deepEqual(seen, [
      '$(sync~spin) Berth: reading spec',
      '$(sync~spin) Berth: building',
      '$(sync~spin) Berth: building (step 1/7)',
      '$(sync~spin) Berth: building (step 1/7)',
      '$(sync~spin) Berth: building (step 3/7)',
      '$(sync~spin) Berth: creating',
      '$(sync~spin) Berth: postCreateCommand',
      '$(sync~spin) Berth: postCreateCommand',
    ]);
    assert.equal(reduceActivity(a, { type: 'phase', phase: 'ready' }), undefined);
  });

  it('keeps the step count when the building phase repeats', () => {
    const a = reduceActivity({ kind: 'building', step: 2, total: 5 }, { type: 'phase', phase: 'building' });
    assert.deepEqual(a, { kind: 'building', step: 2, total: 5 });
  });
});

describe('progressMessage', () => {
  it('names the step, the instruction and the hook', () => {
    assert.equal(progressMessage({ type: 'build-step', step: 2, total: 4, instruction: 'RUN make' }), 'building: step 2/4 RUN make');
    assert.equal(progressMessage({ type: 'hook', hook: 'onCreateCommand', command: 'deps', state: 'started' }), 'running onCreateCommand (deps)');
    assert.equal(progressMessage({ type: 'hook', hook: 'onCreateCommand', state: 'succeeded' }), undefined);
    assert.equal(progressMessage({ type: 'output', source: 'build', text: 'x' }), undefined);
  });
});

describe('statusBarModel with Compose', () => {
  it('names the running services of the project', () => {
    const m = statusBarModel({ ...base, container: { state: 'running', name: 'web-db', ports: 1, services: ['app', 'db'] } });
    assert.equal(m.text, '$(vm-running) Berth: app + db running · 1 port');
  });
});
