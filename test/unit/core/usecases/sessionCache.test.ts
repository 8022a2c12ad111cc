import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SessionCache } from '../../../../src/core/usecases/sessionCache';

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
});
