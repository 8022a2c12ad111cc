/**
 * How the container planners point at the devcontainer.json text they are complaining about. The
 * reader owns the source map; planners only know JSON paths such as `runArgs[3]` and ask it.
 */
import { BerthError, type SourceLocation } from '../errors';

/** Maps a JSON path (`runArgs[3]`, `mounts[0]`) to where it is written, when the caller knows. */
export type Locate = (path: string) => SourceLocation | undefined;

/** Where a value came from: its JSON path, and the optional way to turn that into file:line:col. */
export interface ValueOrigin {
  path: string;
  locate?: Locate;
}

/** The location for `origin`, always carrying the JSON path even when the file position is unknown. */
export function locationOf(origin: ValueOrigin | undefined): SourceLocation | undefined {
  if (!origin) return undefined;
  const found = origin.locate?.(origin.path);
  return found ? { ...found, path: found.path ?? origin.path } : undefined;
}

/** A `config-invalid` error about one value, located when possible. */
export function configError(message: string, origin: ValueOrigin | undefined, hint?: string): BerthError {
  return new BerthError('config-invalid', message, { location: locationOf(origin), hint });
}

function valueAt(root: unknown, path: string): unknown {
  let v = root;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    // A scalar the reader made a one-item list (`"appPort": 3000`) is its own item 0.
    if (m[2] !== undefined && !Array.isArray(v)) {
      if (m[2] !== '0') return undefined;
      continue;
    }
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[m[2] ?? m[1]];
  }
  return v;
}

/**
 * A Locate for paths into a merged config (image metadata first, the spec last): a path is located
 * in the spec only when the value there is the spec's own, so an error in a mount that came from the
 * image's metadata never points at an unrelated line of devcontainer.json.
 */
export function locateInSpec(locate: Locate | undefined, spec: unknown, merged: unknown): Locate | undefined {
  if (!locate) return undefined;
  return (path) => {
    const value = JSON.stringify(valueAt(merged, path));
    const own = valueAt(spec, path);
    if (own !== undefined && JSON.stringify(own) === value) return locate(path);
    // Merging dedupes and reorders lists (mounts by target): find the item among the spec's own.
    const m = /^([^.[\]]+)\[(\d+)\](.*)$/.exec(path);
    const list = m ? valueAt(spec, m[1]) : undefined;
    if (!m || !Array.isArray(list)) return undefined;
    const item = JSON.stringify(valueAt(merged, `${m[1]}[${m[2]}]`));
    const j = list.findIndex((x) => JSON.stringify(x) === item);
    return j >= 0 ? locate(`${m[1]}[${j}]${m[3]}`) : undefined;
  };
}
