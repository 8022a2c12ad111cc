/**
 * One `up` at a time per dev container, across processes (two windows, or the CLI beside the
 * extension): the second waits, then finds and reuses the container the first made. The lock is a
 * file holding the owner's pid; a lock whose owner is gone is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../errors';
import type { UseCaseContext } from './types';

const POLL_MS = 150;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryAcquire(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
  // An empty file is a lock being written right now: wait for it like any other.
  if (Number.isFinite(owner) && owner !== process.pid && !alive(owner)) {
    await unlink(file).catch(() => undefined);
    return tryAcquire(file);
  }
  return false;
}

/** Runs `fn` holding the lock for `key`; `dir` undefined runs it without one. */
export async function withWorkspaceLock<T>(dir: string | undefined, key: string, ctx: UseCaseContext, fn: () => Promise<T>): Promise<T> {
  if (!dir) return fn();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${key}.lock`);
  let told = false;
  while (!(await tryAcquire(file))) {
    if (ctx.signal?.aborted) throw new BerthError('cancelled', 'Cancelled while waiting for another up of this dev container');
    if (!told) {
      ctx.events({ type: 'log', level: 'info', message: 'Another Berth is bringing this dev container up; waiting for it to finish.', component: 'lock' });
      told = true;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
