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
