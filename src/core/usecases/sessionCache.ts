/**
 * A host-side cache of what Berth learned about a running container: the probed user environment and
 * the user's home. Each of those costs an exec (50-200 ms, more with a slow login shell), and they
 * cannot change while the container runs, so one entry is valid for exactly one container start
 * (keyed by id and State.StartedAt). The truth stays in the container (hook markers); a lost or stale
 * cache only costs time.
 */
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SessionEntry {
  containerId: string;
  startedAt: string;
  /** Probed env per `<user>|<probe mode>`. */
  userEnv: Record<string, Record<string, string>>;
  /** Home folder per user. */
  home: Record<string, string>;
  /** Every hook due in this start has run (so a plain `up` of the running container reads no markers). */
  hooksSettled?: boolean;
}

/** Entries of containers removed outside Berth are never forgotten explicitly: they go after this. */
export const SESSION_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
/** Below this many entries the folder is not even looked through. */
const PRUNE_ABOVE = 32;
/** The folder is looked through at most this often (by any process): the time is kept as this file's mtime. */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const PRUNE_STAMP = '.last-prune';

export class SessionCache {
  private pruning: Promise<number> | undefined;

  /**
   * @param dir where entries live; undefined turns the cache off (every lookup misses).
   * @param now the clock, for tests of pruning.
   */
  constructor(
    private readonly dir: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  private file(containerId: string): string | undefined {
    return this.dir && /^[0-9a-f]{12,64}$/.test(containerId) ? join(this.dir, `${containerId}.json`) : undefined;
  }

  /** The entry for this start of the container, or a fresh empty one. */
  async load(containerId: string, startedAt: string): Promise<SessionEntry> {
    const fresh: SessionEntry = { containerId, startedAt, userEnv: {}, home: {} };
    const file = this.file(containerId);
    if (!file) return fresh;
    try {
      const entry = JSON.parse(await readFile(file, 'utf8')) as SessionEntry;
      return entry.containerId === containerId && entry.startedAt === startedAt && entry.userEnv && entry.home ? entry : fresh;
    } catch {
      return fresh;
    }
  }

  async save(entry: SessionEntry): Promise<void> {
    const file = this.file(entry.containerId);
    if (!file || !this.dir) return;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // Write then rename, so a concurrent reader never sees half a file. The env may hold secrets:
      // the file is readable by the user alone.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
      await rename(tmp, file);
    } catch {
      // A cache that cannot be written only costs time.
      return;
    }
    // Not awaited: it overlaps whatever the caller does next (a hook's exec, say); a CLI process
    // still lets it finish before exiting.
    void this.prune();
  }

  /**
   * Removes entries not written for SESSION_MAX_AGE_MS (their containers were removed outside Berth,
   * or stopped long ago: a later start makes a new entry anyway). They hold probed environments, so
   * they should not pile up. Started by the first save of a process; at most once a day across
   * processes (a stat of the stamp file is all a run costs otherwise), and only when there are more
   * than a few entries. Resolves to the number removed; never rejects.
   */
  prune(): Promise<number> {
    this.pruning ??= this.pruneFolder().catch(() => 0);
    return this.pruning;
  }

  private async pruneFolder(): Promise<number> {
    if (!this.dir) return 0;
    const stamp = join(this.dir, PRUNE_STAMP);
    const last = await stat(stamp).catch(() => undefined);
    if (last && this.now() - last.mtimeMs < PRUNE_EVERY_MS) return 0;
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{12,64}\.json$/.test(n));
    if (names.length <= PRUNE_ABOVE) return 0;
    await writeFile(stamp, '', { mode: 0o600 });
    const when = new Date(this.now());
    await utimes(stamp, when, when);
    let removed = 0;
    for (const name of names) {
      const file = join(this.dir, name);
      const st = await stat(file).catch(() => undefined);
      if (st && this.now() - st.mtimeMs > SESSION_MAX_AGE_MS) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async forget(containerId: string): Promise<void> {
    const file = this.file(containerId);
    if (file) await rm(file, { force: true });
  }
}
