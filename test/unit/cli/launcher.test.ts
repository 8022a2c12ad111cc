import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cacheKey, defaultCacheDir, loadWithCodeCache, readCache, writeCache } from '../../../src/cli/launcher';

const dir = mkdtempSync(join(tmpdir(), 'berth-launcher-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `file` and runs the exit hook at once, as the process exit would. */
function loadAndSave(file: string, cacheDir: string, variant = 'exec') {
  const saves: (() => void)[] = [];
  const result = loadWithCodeCache(file, cacheDir, variant, (save) => saves.push(save));
  for (const s of saves) s();
  return { ...result, saved: saves.length };
}

describe('readCache / writeCache', () => {
  it('returns what was written for the same key, nothing for another key or no file', () => {
    const path = join(dir, 'rw', 'one.bin');
    writeCache(path, 'key-1', Buffer.from([1, 2, 3, 10, 4]));
    assert.deepEqual([...(readCache(path, 'key-1') ?? [])], [1, 2, 3, 10, 4]);
    assert.equal(readCache(path, 'key-2'), undefined);
    assert.equal(readCache(join(dir, 'rw', 'none.bin'), 'key-1'), undefined);
  });

  it('keys on size, mtime and the Node version', () => {
    assert.notEqual(cacheKey('/a.js', 10, 1), cacheKey('/a.js', 10, 2));
    assert.notEqual(cacheKey('/a.js', 10, 1), cacheKey('/a.js', 11, 1));
    assert.match(cacheKey('/a.js', 10, 1), new RegExp(process.version.replace(/\./g, '\\.')));
  });
});

describe('defaultCacheDir', () => {
  it('follows XDG_CACHE_HOME and turns off with BERTH_COMPILE_CACHE=0', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'berth', 'v8'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x', BERTH_COMPILE_CACHE: '0' }), undefined);
  });
});

describe('loadWithCodeCache', () => {
  it('loads a CommonJS file, writes its cache, then serves the next load from it', () => {
    const file = join(dir, 'mod-a.js');
    writeFileSync(file, "const path = require('node:path');\nexports.answer = () => path.basename(__filename) + ':' + (41 + 1);\n");
    const cacheDir = join(dir, 'cache-a');
    const first = loadAndSave(file, cacheDir);
    assert.equal(first.cache, 'miss');
    assert.equal(first.saved, 1);
    assert.equal((first.exports as { answer(): string }).answer(), 'mod-a.js:42');
    assert.equal(readdirSync(cacheDir).length, 1);
    const second = loadAndSave(file, cacheDir);
    assert.equal(second.cache, 'hit');
    assert.equal(second.saved, 0, 'a cache that was used is not rewritten');
    assert.equal((second.exports as { answer(): string }).answer(), 'mod-a.js:42');
  });

  it('never runs stale code when the file changes but keeps its length', () => {
    const file = join(dir, 'mod-b.js');
    writeFileSync(file, 'exports.value = 1111;\n');
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    const cacheDir = join(dir, 'cache-b');
    assert.equal((loadAndSave(file, cacheDir).exports as { value: number }).value, 1111);
    writeFileSync(file, 'exports.value = 2222;\n');
    utimesSync(file, new Date(2_000_000), new Date(2_000_000));
    const again = loadAndSave(file, cacheDir);
    assert.equal(again.cache, 'miss');
    assert.equal((again.exports as { value: number }).value, 2222);
  });

  it('keeps one cache per variant, and loads plainly without a cache folder', () => {
    const file = join(dir, 'mod-c.js');
    writeFileSync(file, 'exports.ok = true;\n');
    const cacheDir = join(dir, 'cache-c');
    loadAndSave(file, cacheDir, 'up');
    loadAndSave(file, cacheDir, 'exec');
    loadAndSave(file, cacheDir, '--version');
    assert.deepEqual(readdirSync(cacheDir).map((f) => f.replace(/^[0-9a-f]+-/, '')).sort(), ['exec.bin', 'other.bin', 'up.bin']);
    const plain = loadWithCodeCache(file, undefined);
    assert.equal(plain.cache, 'off');
    assert.equal((plain.exports as { ok: boolean }).ok, true);
  });
});
