/**
 * One error type for everything the core reports to a user. Front ends render `message`, then
 * `location` (file:line:col and JSON path) and `hint`; they never need to parse the text.
 */

/** A place in a file. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** JSON path of the property, e.g. `build.dockerfile` or `mounts[2].source`. */
  path?: string;
  /** Length of the offending text in characters, when known (for editor squiggles). */
  length?: number;
}

export type Severity = 'error' | 'warning';

/** One problem found in an input (a spec file, a Dockerfile, a flag). */
export interface Diagnostic {
  severity: Severity;
  message: string;
  location?: SourceLocation;
}

/** Stable codes the front ends switch on (which buttons to offer, which exit code to use). */
export type ErrorCode =
  | 'config-not-found'
  | 'config-invalid'
  | 'config-ambiguous'
  | 'docker-unavailable'
  | 'docker-permission'
  | 'docker-error'
  | 'image-not-found'
  | 'build-failed'
  | 'port-in-use'
  | 'name-conflict'
  | 'container-not-found'
  | 'hook-failed'
  /** A Dev Container Feature could not be fetched (registry, network, digest) or read. */
  | 'feature-unavailable'
  /** devcontainer-lock.json is missing or would change under --frozen-lockfile. */
  | 'lockfile-mismatch'
  | 'cancelled'
  | 'timeout'
  | 'untrusted'
  | 'usage'
  | 'internal';

export interface BerthErrorOptions {
  location?: SourceLocation;
  /** Every problem found, when the error sums up several (e.g. all schema errors of a file). */
  diagnostics?: Diagnostic[];
  /** One sentence on what to do about it. */
  hint?: string;
  /** Lines of evidence shown under the message, e.g. the last output of a failed hook or build step. */
  output?: string[];
  cause?: unknown;
}

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  readonly diagnostics: Diagnostic[];
  readonly hint?: string;
  readonly output: string[];

  constructor(code: ErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.location = options.location;
    this.diagnostics = options.diagnostics ?? [];
    this.hint = options.hint;
    this.output = options.output ?? [];
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** `file:line:col` for messages. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** `file:line:col: severity: message (path)`, the shape compilers and editors' problem matchers read. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const path = d.location?.path ? ` (${d.location.path})` : '';
  return `${where}${d.severity}: ${d.message}${path}`;
}

/** The full text of an error for a log or a terminal: message, every diagnostic, the hint. */
export function describeError(e: unknown): string {
  if (!isBerthError(e)) return e instanceof Error ? e.message : String(e);
  const lines = [e.location ? `${formatLocation(e.location)}: ${e.message}` : e.message];
  for (const d of e.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
  if (e.output.length > 0) lines.push('  last output:', ...e.output.map((l) => `  | ${l}`));
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  return lines.join('\n');
}
