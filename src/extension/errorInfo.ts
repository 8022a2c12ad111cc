/**
 * What the UI needs from an error, read by shape rather than `instanceof`: a BerthError made by
 * another copy of the core (a test bundle, a fake) still gets its buttons.
 */
import type { ErrorCode, SourceLocation } from '../core/errors';

export interface ErrorInfo {
  code?: ErrorCode;
  message: string;
  hint?: string;
  location?: SourceLocation;
}

function isLocation(v: unknown): v is SourceLocation {
  const l = v as Partial<SourceLocation> | undefined;
  return typeof l?.file === 'string' && typeof l.line === 'number' && typeof l.column === 'number';
}

export function errorInfo(e: unknown): ErrorInfo {
  if (typeof e !== 'object' || e === null) return { message: String(e) };
  const o = e as { name?: unknown; code?: unknown; message?: unknown; hint?: unknown; location?: unknown; diagnostics?: unknown };
  const berth = o.name === 'BerthError';
  const diagnostics = Array.isArray(o.diagnostics) ? (o.diagnostics as { location?: unknown }[]) : [];
  return {
    code: berth && typeof o.code === 'string' ? (o.code as ErrorCode) : undefined,
    message: typeof o.message === 'string' ? o.message : String(e),
    hint: berth && typeof o.hint === 'string' ? o.hint : undefined,
    location: isLocation(o.location) ? o.location : (diagnostics.map((d) => d.location).find(isLocation) as SourceLocation | undefined),
  };
}

/** Whether an error means "no engine to talk to" rather than a failure of one call. */
export function isEngineUnavailable(e: unknown): boolean {
  const info = errorInfo(e);
  if (info.code) return info.code === 'docker-unavailable' || info.code === 'docker-permission';
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES';
}

/** Whether an error is the user cancelling (abort), which is not reported as a failure. */
export function isCancellation(e: unknown): boolean {
  if (errorInfo(e).code === 'cancelled') return true;
  return e instanceof Error && e.name === 'AbortError';
}
