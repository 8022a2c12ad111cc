/**
 * The Engine API over a local unix socket with node:http alone. It does for DockerEngine what
 * docker-modem's `dial` does (same request conventions, same error shape), without loading dockerode:
 * loading and setting it up costs 15-20 ms of every CLI command, as long as the engine calls
 * themselves. Other endpoints (tcp, TLS, ssh) still go through dockerode.
 */
import { request, type IncomingMessage } from 'node:http';
import { createConnection } from 'node:net';
import { stringify } from 'node:querystring';
import { addAbortSignal, type Duplex, type Readable } from 'node:stream';

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

export function dialSocket(socketPath: string, req: DialRequest, signal: AbortSignal, okStatuses: Record<number, boolean>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const opts = req.options ?? {};
    let path = req.path;
    if (path.endsWith('?')) {
      const query = (opts._query as Record<string, unknown> | undefined) ?? opts;
      path = Object.keys(opts).length > 0 ? path + engineQuery(query) : path.slice(0, -1);
    }
    // An explicit Host header, and no agent at all (below), spare Node deriving a host and TLS server
    // name: its first IPv6 check compiles a large regex (~5 ms of every command).
    const headers: Record<string, string | number> = { Host: 'docker', ...req.headers };
    let data: string | Readable | undefined;
    if (req.file) {
      data = req.file;
      headers['Content-Type'] ??= 'application/tar';
    } else if (req.method === 'POST') {
      const text = JSON.stringify(opts._body ?? opts);
      if (req.allowEmpty || (text !== '{}' && text !== '""')) {
        data = text;
        headers['Content-Type'] ??= 'application/json';
      }
    }
    if (typeof data === 'string') headers['Content-Length'] = Buffer.byteLength(data);
    else if (req.method === 'PUT' || req.hijack || req.openStdin) headers['Transfer-Encoding'] = 'chunked';
    if (req.hijack) {
      headers.Connection = 'Upgrade';
      headers.Upgrade = 'tcp';
    }

    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    // No agent: a hijacked socket must never go back to a pool, and a unix connection costs ~0.1 ms.
    // (`agent: false` would still make a throwaway Agent, which derives that server name.)
    // `socketPath` stays although createConnection makes the socket: VS Code's extension host patches
    // http.request and gives every request without it a proxy agent (which dials localhost:80).
    const r = request({ socketPath, path, method: req.method, headers, signal, createConnection: () => createConnection(socketPath) });
    if (req.hijack) {
      r.on('upgrade', (_res: IncomingMessage, socket: Duplex, head: Buffer) =>
        settle(() => {
          if (head.length > 0) socket.unshift(head);
          resolve(socket);
        }),
      );
    }
    r.on('response', (res: IncomingMessage) => {
      const ok = okStatuses[res.statusCode ?? 0] === true;
      if (ok && req.isStream) return settle(() => resolve(res));
      addAbortSignal(signal, res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => settle(() => reject(e)));
      res.on('end', () => {
        const body = parseBody(Buffer.concat(chunks));
        settle(() => (ok ? resolve(body) : reject(new EngineHttpError(res.statusCode ?? 0, body))));
      });
    });
    r.on('error', (e) => settle(() => reject(e)));

    if (typeof data === 'string') r.end(data);
    else if (data) {
      data.on('error', (e) => r.destroy(e));
      data.pipe(r);
    } else if (req.openStdin) r.flushHeaders();
    else r.end();
  });
}
