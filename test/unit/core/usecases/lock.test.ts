import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BerthEvent } from '../../../../src/core/events';
import { withWorkspaceLock } from '../../../../src/core/usecases/lock';
import type { UseCaseContext } from '../../../../src/core/usecases/types';

const ctx = (events: BerthEvent[] = [], signal?: AbortSignal): UseCaseContext => ({ events: (e) => events.push(e), env: {}, signal });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withWorkspaceLock', () => {
  it('runs holders of the same key one after the other, and tells the waiter why it waits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lock-'));
    const order: string[] = [];
    const events: BerthEvent[] = [];
    const first = withWorkspaceLock(dir, 'ws', ctx(), async () => {
      order.push('first:start');
      await sleep(300);
      order.push('first:end');
    });
    await sleep(20);
    const second = withWorkspaceLock(dir, 'ws', ctx(events), async () => order.push('second'));
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first:start', 'first:end', 'second']);
    assert.ok(events.some((e) => e.type === 'log' && /waiting/.test(e.message)));
    assert.deepEqual(await readdir(dir), [], 'the lock file is gone afterwards');
  });

  it('does not serialize different keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lock-'));
    const order: string[] = [];
    await Promise.all([
      withWorkspaceLock(dir, 'a', ctx(), async () => { await sleep(150); order.push('a'); }),
      withWorkspaceLock(dir, 'b', ctx(), async () => { order.push('b'); }),
    ]);
    assert.deepEqual(order, ['b', 'a']);
  });

  it('takes over a lock whose owner process is gone, and releases it when fn throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lock-'));
    await writeFile(join(dir, 'ws.lock'), '2147483646'); // no such pid
    await assert.rejects(withWorkspaceLock(dir, 'ws', ctx(), async () => { throw new Error('boom'); }), /boom/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('a waiter gives up when cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lock-'));
    await writeFile(join(dir, 'ws.lock'), String(process.ppid)); // a live process that is not us
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(withWorkspaceLock(dir, 'ws', ctx([], abort.signal), async () => 'never'), /Cancelled/);
  });
});
