import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EngineEvent } from '../../../src/core/engine/types';
import { dockerProblem, needDocker } from '../../support/docker';
import { cleanup, delay, makeEngine, spec, TEST_LABEL, TEST_VALUE, uniq } from './support';

describe('engine events (real engine)', () => {
  const engine = makeEngine();
  after(async () => {
    if (!(await dockerProblem())) await cleanup(engine);
  });

  it('sees start and die of a labelled container within a second, and only its own', async (t) => {
    if (!(await needDocker(t))) return;
    const caseLabel = uniq('events');
    const seen: EngineEvent[] = [];
    const ac = new AbortController();
    let endedWith: Error | undefined | 'not-ended' = 'not-ended';
    await engine.events({ labels: { 'dev.berth.test.case': caseLabel } }, (e) => seen.push(e), ac.signal, (err) => (endedWith = err));

    // Another labelled container that must not show up.
    const other = await engine.createContainer(spec({ cmd: ['true'] }));
    await engine.startContainer(other);

    const id = await engine.createContainer(spec({ cmd: ['sh', '-c', 'sleep 0.2; exit 3'], labels: { [TEST_LABEL]: TEST_VALUE, 'dev.berth.test.case': caseLabel } }));
    const t0 = Date.now();
    await engine.startContainer(id);
    const waitFor = async (action: string) => {
      while (!seen.some((e) => e.action === action) && Date.now() - t0 < 3000) await delay(10);
      const e = seen.find((x) => x.action === action);
      assert.ok(e, `saw ${action}; got ${seen.map((x) => x.action).join(', ')}`);
      return Date.now() - t0;
    };
    assert.ok((await waitFor('start')) < 1000, 'start within a second');
    assert.ok((await waitFor('die')) < 1200, 'die within a second of exiting');
    const die = seen.find((e) => e.action === 'die');
    assert.equal(die?.id, id);
    assert.equal(die?.attributes.exitCode, '3');
    assert.equal(die?.attributes['dev.berth.test.case'], caseLabel);
    assert.ok(seen.every((e) => e.id === id), 'only the labelled container is reported');

    ac.abort();
    assert.equal(endedWith, undefined, 'an aborted subscription ends without an error');
    const count = seen.length;
    await engine.removeContainer(id, { force: true });
    await delay(200);
    assert.equal(seen.length, count, 'no events after abort');
  });

  it('closes its connection when aborted (no leaked sockets)', async (t) => {
    if (!(await needDocker(t))) return;
    const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    await engine.ping();
    await delay(50);
    const before = handles();
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      await engine.events({ labels: { [TEST_LABEL]: uniq('none') } }, () => undefined, ac.signal);
      ac.abort();
    }
    await delay(100);
    assert.ok(handles() <= before + 1, `handles before ${before}, after ${handles()}`);
  });
});
