import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProbe, type ProbeResult, waitForHealthy } from '../../../../src/core/production/health';
import type { HealthcheckSettings } from '../../../../src/core/production/settings';

const settings: HealthcheckSettings = { probe: { kind: 'http', path: '/health', port: 3000 }, intervalMs: 10, timeoutMs: 50, retries: 3 };

function fakeDeps(results: ProbeResult[], stoppedAfter = Infinity) {
  let calls = 0;
  const slept: number[] = [];
  return {
    slept,
    calls: () => calls,
    deps: {
      probe: async () => results[Math.min(calls++, results.length - 1)],
      stopped: async () => (calls >= stoppedAfter ? 'exited with code 3' : undefined),
      sleep: async (ms: number) => void slept.push(ms),
    },
  };
}

describe('waitForHealthy', () => {
  it('is healthy on the first passing try, sleeping the interval between tries', async () => {
    const f = fakeDeps([{ ok: false, detail: 'ECONNREFUSED' }, { ok: true, detail: 'HTTP 200' }]);
    const out = await waitForHealthy(settings, f.deps);
    assert.deepEqual(out, { healthy: true, attempts: 2, detail: 'HTTP 200' });
    assert.deepEqual(f.slept, [10]);
  });

  it('gives up after `retries` failures with the last answer', async () => {
    const f = fakeDeps([{ ok: false, detail: 'HTTP 404' }]);
    const out = await waitForHealthy(settings, f.deps);
    assert.equal(out.healthy, false);
    assert.equal(out.attempts, 3);
    assert.match(out.detail, /3 tries failed; last: HTTP 404/);
    assert.equal(f.calls(), 3);
  });

  it('stops waiting as soon as the container exits', async () => {
    const f = fakeDeps([{ ok: false, detail: 'ECONNREFUSED' }], 1);
    const out = await waitForHealthy({ ...settings, retries: 30 }, f.deps);
    assert.equal(out.healthy, false);
    assert.equal(out.exited, 'exited with code 3');
    assert.equal(f.calls(), 1);
  });
});

describe('describeProbe', () => {
  it('names the check', () => {
    assert.equal(describeProbe(settings), 'GET /health on container port 3000');
    assert.equal(describeProbe({ ...settings, probe: { kind: 'command', cmd: ['/bin/sh', '-c', 'test -f /ok'] } }), 'command: test -f /ok');
  });
});
