/**
 * The Engine API over a local unix socket, spoken with Berth's own small HTTP/1.1 client (httpLite.ts).
 * It does for DockerEngine what docker-modem's `dial` does (same request conventions, same error
 * shape), without loading dockerode (15-20 ms of every CLI command) or node:http (~8 ms more). Raw
 * sockets also keep clear of VS Code's extension host, which patches http.request to add proxies.
 * Other endpoints (tcp, TLS, ssh) go through dockerode.
 */
import { stringify } from 'node:querystring';
import type { Readable } from 'node:stream';
import { bodyStream, exchange, readBody } from './httpLite';

/** One exchange, in docker-modem's terms (the request shape DockerEngine builds). */
export interface DialRequest {
  path: string;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  /** Query (when `path` ends with `?`; `_query` wins) and, for POST, the JSON body (`_body` wins). */
  options?: Record<string, unknown>;
  /** Resolve with the response stream instead of its parsed body. */
  isStream?: boolean;
  /** Upgrade the connection and resolve with the raw socket (attach/exec with stdin). */
  hijack?: boolean;
  openStdin?: boolean;
  /** A request body to stream (a build context). */
  file?: Readable;
  headers?: Record<string, string>;
  /** Send `{}` as a JSON body instead of no body. */
  allowEmpty?: boolean;
}

/** An HTTP status the call does not accept; `json` is the engine's answer (mapEngineError reads both). */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: unknown,
  ) {
    const cause = json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : String(json ?? '');
    super(`(HTTP code ${statusCode}) unexpected - ${cause} `);
    this.name = 'EngineHttpError';
  }
}

/** Objects (not arrays) go as JSON, as the Engine API expects for e.g. `filters`. */
export function engineQuery(opts: Record<string, unknown>): string {
  const flat: Record<string, string | number | boolean | readonly string[]> = {};
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || value === null) flat[key] = '';
    else if (typeof value === 'object' && !Array.isArray(value)) flat[key] = JSON.stringify(value);
    else flat[key] = value as string | number | boolean | readonly string[];
  }
  return stringify(flat);
}

function parseBody(buffer: Buffer): unknown {
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return buffer;
  }
}

export async function dialSocket(socketPath: string, req: DialRequest, signal: AbortSignal, okStatuses: Record<number, boolean>): Promise<unknown> {
  const opts = req.options ?? {};
  let path = req.path;
  if (path.endsWith('?')) {
    const query = (opts._query as Record<string, unknown> | undefined) ?? opts;
    path = Object.keys(opts).length > 0 ? path + engineQuery(query) : path.slice(0, -1);
  }
  const headers: Record<string, string | number> = { Host: 'docker', ...req.headers };
  let body: string | Readable | undefined;
  if (req.file) {
    body = req.file;
    headers['Content-Type'] ??= 'application/tar';
  } else if (req.method === 'POST') {
    const text = JSON.stringify(opts._body ?? opts);
    if (req.allowEmpty || (text !== '{}' && text !== '""')) {
      body = text;
      headers['Content-Type'] ??= 'application/json';
    }
  }
  if (req.hijack) {
    headers.Connection = 'Upgrade';
    headers.Upgrade = 'tcp';
  } else {
    headers.Connection = 'close';
  }

  const ex = await exchange(socketPath, { method: req.method, path, headers, body }, signal);
  const ok = okStatuses[ex.statusCode] === true;
  if (req.hijack && (ex.statusCode === 101 || ok)) {
    // The raw connection is the caller's now: stdin goes in, the exec's output comes out.
    if (ex.rest.length > 0) ex.socket.unshift(ex.rest);
    // Until the caller listens, an error must not crash the process (callers add their own).
    ex.socket.on('error', () => undefined);
    ex.socket.resume();
    return ex.socket;
  }
  if (ok && req.isStream) return bodyStream(ex, req.method, signal);
  const data = await readBody(ex, req.method, signal);
  const parsed = parseBody(data);
  if (ok) return parsed;
  throw new EngineHttpError(ex.statusCode, parsed);
}

/**
 * The status and headers of a GET, its body read and dropped: for answers that live in headers
 * (`/_ping`'s Libpod-Api-Version says Podman).
 */
export async function headOf(socketPath: string, path: string, signal: AbortSignal): Promise<{ statusCode: number; headers: Record<string, string> }> {
  const ex = await exchange(socketPath, { method: 'GET', path, headers: { Host: 'docker', Connection: 'close' } }, signal);
  await readBody(ex, 'GET', signal);
  return { statusCode: ex.statusCode, headers: ex.headers };
}
