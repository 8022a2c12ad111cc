/**
 * Just enough HTTP/1.1 for the Engine API on a local socket: one request per connection, a JSON or
 * streamed (chunked) body, and an answer that is read whole, streamed, or upgraded to the raw
 * connection (attach/exec). node:http does all this and much more, at ~8 ms of CPU per CLI command
 * for loading and driving it (ClientRequest, its parser, IncomingMessage): a third of what Berth
 * itself spends on `berth exec` (measured with --cpu-prof on this project's machines).
 */
import { createConnection, type Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface LiteRequest {
  method: string;
  /** Path with its query. */
  path: string;
  headers: Record<string, string | number>;
  /** A whole body (its Content-Length is set), or a stream sent with chunked encoding. */
  body?: string | Readable;
}

export interface LiteHead {
  statusCode: number;
  /** Lowercased names. */
  headers: Record<string, string>;
}

/** What an exchange resolves with: the status and headers, and the connection positioned after them. */
export interface LiteExchange extends LiteHead {
  socket: Socket;
  /** Bytes of the body (or of the upgraded stream) that arrived with the head. */
  rest: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** An engine's response head is well under this; a larger one is not an engine. */
const MAX_HEAD = 64 * 1024;

/** The response head at the start of `data`, or undefined while it is incomplete. */
export function parseHead(data: Buffer): { head: LiteHead; rest: Buffer } | undefined {
  const end = data.indexOf(HEAD_END);
  if (end < 0) {
    if (data.length > MAX_HEAD) throw new Error('the engine sent an HTTP head larger than 64 KiB');
    return undefined;
  }
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0].slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { head: { statusCode: Number(status[1]), headers }, rest: data.subarray(end + HEAD_END.length) };
}

/** A body decoder: feed it what the connection delivers; it returns the body's bytes and whether it ended. */
export interface BodyDecoder {
  push(data: Buffer): { chunks: Buffer[]; done: boolean };
  /** The connection ended: whether the body was complete. */
  ended(): boolean;
}

/** `Transfer-Encoding: chunked`, fed in pieces of any size. */
export class ChunkedDecoder implements BodyDecoder {
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done' = 'size';
  private line = '';
  private left = 0;

  push(data: Buffer): { chunks: Buffer[]; done: boolean } {
    const chunks: Buffer[] = [];
    let at = 0;
    while (at < data.length && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.left, data.length - at);
        chunks.push(data.subarray(at, at + take));
        at += take;
        this.left -= take;
        if (this.left === 0) this.state = 'data-crlf';
        continue;
      }
      // The other states read lines.
      const nl = data.indexOf(0x0a, at);
      const end = nl < 0 ? data.length : nl;
      this.line += data.subarray(at, end).toString('latin1');
      if (this.line.length > 4096) throw new Error('the engine sent a malformed chunked body');
      at = nl < 0 ? data.length : nl + 1;
      if (nl < 0) break;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'data-crlf') {
        if (line !== '') throw new Error('the engine sent a malformed chunked body');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = Number.parseInt(line.split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('the engine sent a malformed chunked body');
        if (size === 0) this.state = 'trailer';
        else {
          this.left = size;
          this.state = 'data';
        }
      } else if (line === '') {
        this.state = 'done'; // the empty line after the (usually empty) trailers
      }
    }
    return { chunks, done: this.state === 'done' };
  }

  ended(): boolean {
    return this.state === 'done';
  }
}

/** A body of `Content-Length` bytes. */
export class LengthDecoder implements BodyDecoder {
  constructor(private left: number) {}

  push(data: Buffer): { chunks: Buffer[]; done: boolean } {
    const take = data.subarray(0, this.left);
    this.left -= take.length;
    return { chunks: take.length > 0 ? [take] : [], done: this.left === 0 };
  }

  ended(): boolean {
    return this.left === 0;
  }
}

/** A body that lasts until the connection closes (a raw stream after the head). */
export class UntilCloseDecoder implements BodyDecoder {
  push(data: Buffer): { chunks: Buffer[]; done: boolean } {
    return { chunks: data.length > 0 ? [data] : [], done: false };
  }

  ended(): boolean {
    return true;
  }
}

export function decoderFor(head: LiteHead, method: string): BodyDecoder {
  if (method === 'HEAD' || head.statusCode === 204 || head.statusCode === 304) return new LengthDecoder(0);
  if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) return new ChunkedDecoder();
  const length = head.headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length)) return new LengthDecoder(Number(length));
  return new UntilCloseDecoder();
}

/** What Node's http client says when a server closes before answering (mapEngineError knows the code). */
function hangUp(): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error('socket hang up');
  e.code = 'ECONNRESET';
  return e;
}

function abortError(signal: AbortSignal): Error {
  const e = new Error('The operation was aborted', { cause: signal.reason as unknown });
  e.name = 'AbortError';
  return e;
}

/**
 * Sends one request on a new connection to `socketPath` and resolves once the response head is in.
 * The signal aborts the exchange (and, until the caller takes the socket over, destroys it).
 */
export function exchange(socketPath: string, req: LiteRequest, signal: AbortSignal): Promise<LiteExchange> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const socket = createConnection(socketPath);
    let settled = false;
    let received: Buffer = Buffer.alloc(0);
    const cleanup = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('end', onEnd);
    };
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(e);
    };
    const onAbort = () => fail(abortError(signal));
    const onEnd = () => fail(hangUp());
    const onData = (data: Buffer) => {
      received = received.length === 0 ? data : Buffer.concat([received, data]);
      let parsed: ReturnType<typeof parseHead>;
      try {
        parsed = parseHead(received);
      } catch (e) {
        return fail(e as Error);
      }
      if (!parsed) return;
      settled = true;
      cleanup();
      socket.pause();
      resolve({ ...parsed.head, socket, rest: parsed.rest });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', fail);
    socket.on('end', onEnd);
    socket.on('data', onData);

    const lines = [`${req.method} ${req.path} HTTP/1.1`];
    const headers = { ...req.headers };
    if (typeof req.body === 'string') headers['Content-Length'] = Buffer.byteLength(req.body);
    else if (req.body) headers['Transfer-Encoding'] = 'chunked';
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${typeof req.body === 'string' ? req.body : ''}`);
    if (req.body && typeof req.body !== 'string') sendChunked(req.body, socket, fail);
  });
}

/** Streams `body` in chunked encoding, with backpressure; a body error fails the exchange. */
function sendChunked(body: Readable, socket: Socket, fail: (e: Error) => void): void {
  body.on('data', (chunk: Buffer | string) => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (data.length === 0) return;
    socket.write(`${data.length.toString(16)}\r\n`);
    socket.write(data);
    if (!socket.write('\r\n')) {
      body.pause();
      socket.once('drain', () => body.resume());
    }
  });
  body.once('end', () => socket.write('0\r\n\r\n'));
  body.once('error', (e) => fail(e));
  socket.once('close', () => body.destroy());
}

/**
 * The body of an exchange as a stream: destroying it closes the connection; a connection that ends
 * before the body is complete ends it with an error (as Node's http client does).
 */
export function bodyStream(ex: LiteExchange, method: string, signal?: AbortSignal): Readable {
  const decoder = decoderFor(ex, method);
  const { socket } = ex;
  let finished = false;
  const out = new Readable({
    read() {
      socket.resume();
    },
    destroy(err, callback) {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      callback(err);
    },
  });
  const onAbort = () => out.destroy(abortError(signal as AbortSignal));
  const feed = (data: Buffer) => {
    if (finished) return;
    let result: { chunks: Buffer[]; done: boolean };
    try {
      result = decoder.push(data);
    } catch (e) {
      out.destroy(e as Error);
      return;
    }
    let more = true;
    for (const chunk of result.chunks) more = out.push(chunk) && more;
    if (result.done) {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      out.push(null);
      socket.destroy();
    } else if (!more) socket.pause();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  socket.on('data', feed);
  socket.on('error', (e) => out.destroy(e));
  socket.on('close', () => {
    if (finished) return;
    finished = true;
    signal?.removeEventListener('abort', onAbort);
    if (decoder.ended()) out.push(null);
    else out.destroy(hangUp());
  });
  if (ex.rest.length > 0) feed(ex.rest);
  socket.resume();
  return out;
}

/** The whole body of an exchange. */
export function readBody(ex: LiteExchange, method: string, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const body = bodyStream(ex, method, signal);
    body.on('data', (c: Buffer) => chunks.push(c));
    body.once('end', () => resolve(Buffer.concat(chunks)));
    body.once('error', reject);
  });
}
