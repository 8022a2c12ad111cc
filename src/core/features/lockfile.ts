/**
 * devcontainer-lock.json: the digest each OCI (or tarball) Feature resolved to, beside the
 * devcontainer.json (`.devcontainer-lock.json` for a `.devcontainer.json`). Keys sorted, 2-space
 * indent, trailing newline, as the reference CLI writes it, so the two tools agree byte for byte.
 */
import { randomHex } from '../lazyNode';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BerthError } from '../errors';

export interface LockEntry {
  version: string;
  resolved: string;
  integrity: string;
  dependsOn?: string[];
}

export interface Lockfile {
  features: Record<string, LockEntry>;
}

/** Where the lockfile of a devcontainer.json is. */
export function lockfilePath(configFile: string): string {
  const name = basename(configFile).startsWith('.') ? '.devcontainer-lock.json' : 'devcontainer-lock.json';
  return join(dirname(configFile), name);
}

/** The file's text: features sorted by key, each entry's properties in a fixed order. */
export function formatLockfile(lock: Lockfile): string {
  const features: Record<string, LockEntry> = {};
  for (const key of Object.keys(lock.features).sort()) {
    const e = lock.features[key];
    features[key] = { version: e.version, resolved: e.resolved, integrity: e.integrity, ...(e.dependsOn?.length ? { dependsOn: [...e.dependsOn].sort() } : {}) };
  }
  return `${JSON.stringify({ features }, null, 2)}\n`;
}

/** Reads the lockfile; undefined when there is none. A malformed one is an error naming it. */
export async function readLockfile(file: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('config-invalid', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (text.trim() === '') return { features: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BerthError('config-invalid', `${file} is not valid JSON (${(e as Error).message})`, {
      location: { file, line: 1, column: 1 },
      hint: 'delete it to let Berth write a fresh one, or fix it',
    });
  }
  const features = (parsed as { features?: unknown }).features;
  if (typeof features !== 'object' || features === null || Array.isArray(features)) {
    throw new BerthError('config-invalid', `${file} must hold {"features": {...}}`, { location: { file, line: 1, column: 1 } });
  }
  const out: Lockfile = { features: {} };
  for (const [key, v] of Object.entries(features as Record<string, unknown>)) {
    const e = v as Partial<LockEntry>;
    if (typeof e?.resolved !== 'string' || typeof e.integrity !== 'string') {
      throw new BerthError('config-invalid', `${file}: the entry for "${key}" needs "resolved" and "integrity" strings`, { location: { file, line: 1, column: 1 } });
    }
    out.features[key] = { version: String(e.version ?? ''), resolved: e.resolved, integrity: e.integrity, ...(Array.isArray(e.dependsOn) ? { dependsOn: e.dependsOn.map(String) } : {}) };
  }
  return out;
}

/** Writes the lockfile (atomically). */
export async function writeLockfile(file: string, lock: Lockfile): Promise<void> {
  const tmp = `${file}.berth-${randomHex(4)}`;
  await writeFile(tmp, formatLockfile(lock));
  await rename(tmp, file);
}
