/**
 * The `berth` executable (dist/cli.js): loads the CLI bundle (dist/cli-main.js) through V8's code
 * cache, then runs it. Node 20 compiles the ~2 MB bundle from source on every start (30-50 ms of a
 * 150-250 ms `berth exec`); with the code cache written by an earlier run it skips most of that.
 * Node 22+ has this built in (module.enableCompileCache), and is used when present.
 *
 * The cache is an optimisation only: a missing, stale, rejected or unwritable cache falls back to a
 * plain compile. BERTH_COMPILE_CACHE=0 turns it off.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A loaded module's exports, and how the code cache served it (`node`: Node's own compile cache). */
export interface LoadResult {
  exports: unknown;
  cache: 'off' | 'node' | 'miss' | 'rejected' | 'hit';
}

/** What a CJS module's wrapper function receives. */
type ModuleWrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

/** Where code caches live: `$XDG_CACHE_HOME/berth/v8`, else `~/.cache/berth/v8`; undefined turns caching off. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BERTH_COMPILE_CACHE === '0') return undefined;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'berth', 'v8');
  try {
    return join(homedir(), '.cache', 'berth', 'v8');
  } catch {
    return undefined;
  }
}

/**
 * The key a cache must match to be used. V8 checks only the source's length (and its own version and
 * flags) before trusting a cache, so a rebuilt bundle of the same length would run stale code: the
 * key adds the file's mtime and size, and the Node version.
 */
export function cacheKey(file: string, size: number, mtimeMs: number): string {
  return `berth-code-cache 1 ${process.version} ${process.arch} ${size} ${mtimeMs} ${file}`;
}

/**
 * A short stable name for a path (FNV-1a, two 32-bit lanes). Not node:crypto: loading it costs ~2 ms
 * of every start, and the name needs no strength (the key inside the file is what is checked).
 */
export function pathTag(path: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ path.length;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * One cache per bundle and command: a cache holds the functions the run that wrote it compiled, so
 * one written by `berth --version` would leave `berth exec` compiling most of its code again.
 */
function cacheFileFor(dir: string, file: string, variant: string): string {
  const name = /^[a-z][a-z-]{0,30}$/.test(variant) ? variant : 'other';
  return join(dir, `${pathTag(file)}-${name}.bin`);
}

/** The cached data stored for `key`, or undefined when there is none or it was made for another key. */
export function readCache(path: string, key: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  const eol = data.indexOf(0x0a);
  if (eol < 0 || data.subarray(0, eol).toString() !== key) return undefined;
  return data.subarray(eol + 1);
}

/** Writes atomically (rename), so a concurrent `berth` never reads half a cache. Failures only cost time. */
export function writeCache(path: string, key: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\n`), data]), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // A read-only or full disk: the next run compiles from source again.
  }
}

/**
 * Loads a CommonJS file as `require` would, through a code cache in `cacheDir`. The cache is written
 * when the process exits, so it holds every function this run compiled, not only the top level;
 * `variant` (the command's name) keeps one cache per kind of run.
 */
export function loadWithCodeCache(
  file: string,
  cacheDir: string | undefined,
  variant = 'main',
  atExit: (save: () => void) => void = (save) => process.once('exit', save),
): LoadResult {
  const nodeModule = Module as unknown as { enableCompileCache?: (dir?: string) => unknown };
  if (!cacheDir || typeof nodeModule.enableCompileCache === 'function') {
    if (cacheDir) nodeModule.enableCompileCache?.(cacheDir);
    return { exports: createRequire(__filename)(file) as unknown, cache: cacheDir ? 'node' : 'off' };
  }
  const source = readFileSync(file, 'utf8');
  const stat = statSync(file);
  const key = cacheKey(file, stat.size, stat.mtimeMs);
  const cachePath = cacheFileFor(cacheDir, file, variant);
  const cachedData = readCache(cachePath, key);
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const cache = cachedData === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
  if (cache !== 'hit') atExit(() => writeCache(cachePath, key, script.createCachedData()));
  const mod = new Module(file, module);
  mod.filename = file;
  const req = createRequire(file);
  const wrapper = script.runInThisContext() as ModuleWrapper;
  wrapper.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  mod.loaded = true;
  return { exports: mod.exports as unknown, cache };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // Node maps stack traces (--enable-source-maps) only for files it loads itself, not for vm scripts.
  const cacheDir = process.sourceMapsEnabled ? undefined : defaultCacheDir(process.env);
  const cli = loadWithCodeCache(join(__dirname, 'cli-main.js'), cacheDir, argv[0]).exports as { runCli(argv: string[]): void };
  cli.runCli(argv);
}
