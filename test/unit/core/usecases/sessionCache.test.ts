import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PRUNE_EVERY_MS, SESSION_MAX_AGE_MS, SessionCache } from '../../../../src/core/usecases/sessionCache';

const ID = 'a'.repeat(64);

describe('SessionCache', () => {
  it('keeps an entry for exactly one start of a container, readable by the user alone', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'berth-cache-')), 'containers');
    const cache = new SessionCache(dir);
    const entry = await cache.load(ID, 't1');
    entry.userEnv['dev|loginShell'] = { PATH: '/bin', TOKEN: 'secret' };
    await cache.save(entry);
    assert.deepEqual((await cache.load(ID, 't1')).userEnv['dev|loginShell'], { PATH: '/bin', TOKEN: 'secret' });
    assert.deepEqual((await cache.load(ID, 't2')).userEnv, {}, 'a restart invalidates it');
    assert.equal((await stat(join(dir, `${ID}.json`))).mode & 0o777, 0o600);
    await cache.forget(ID);
    assert.deepEqual((await cache.load(ID, 't1')).userEnv, {});
  });

  it('misses quietly when off, for odd ids, and for corrupt files', async () => {
    assert.deepEqual((await new SessionCache(undefined).load(ID, 't')).userEnv, {});
    const cache = new SessionCache(await mkdtemp(join(tmpdir(), 'berth-cache-')));
    const odd = await cache.load('../etc/passwd', 't');
    await cache.save(odd);
    assert.deepEqual(odd.userEnv, {});
  });

  it('prunes entries not written for two weeks, once there are more than a few, and keeps the rest; at most once a day', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'berth-cache-')), 'containers');
    await mkdir(dir);
    const now = Date.now();
    const old = new Date(now - SESSION_MAX_AGE_MS - 60_000);
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `${i.toString(16).padStart(2, '0').repeat(6)}.json`);
      await writeFile(file, '{}');
      if (i < 30) await utimes(file, old, old);
    }
    await writeFile(join(dir, 'not-an-entry.txt'), 'x');
    await utimes(join(dir, 'not-an-entry.txt'), old, old);
    const cache = new SessionCache(dir, () => now);
    await cache.save(await cache.load(ID, 't1'));
    assert.equal(await cache.prune(), 30, 'the save started the prune; prune() is that same run');
    const left = (await readdir(dir)).filter((n) => n !== '.last-prune');
    assert.equal(left.length, 10 + 1 + 1, left.join(' ')); // the 10 recent ones, the new entry, the stranger
    assert.ok(left.includes(`${ID}.json`) && left.includes('not-an-entry.txt'));

    // Another process the same day only looks at the stamp; a day later it looks through the folder again.
    for (let i = 0; i < 30; i++) {
      const file = join(dir, `${(i + 100).toString(16).padStart(2, '0').repeat(6)}.json`);
      await writeFile(file, '{}');
      await utimes(file, old, old);
    }
    assert.equal(await new SessionCache(dir, () => now + 3600_000).prune(), 0, 'pruned less than a day ago');
    assert.equal(await new SessionCache(dir, () => now + PRUNE_EVERY_MS + 60_000).prune(), 30);
  });

  it('leaves a small folder alone, whatever the age of its entries', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'berth-cache-')), 'containers');
    await mkdir(dir);
    const old = new Date(Date.now() - 2 * SESSION_MAX_AGE_MS);
    for (let i = 0; i < 5; i++) {
      const file = join(dir, `${String(i).repeat(12)}.json`);
      await writeFile(file, '{}');
      await utimes(file, old, old);
    }
    assert.equal(await new SessionCache(dir).prune(), 0);
    assert.equal((await readdir(dir)).length, 5);
  });
});
