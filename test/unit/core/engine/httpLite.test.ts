import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ChunkedDecoder, LengthDecoder, bodyStream, exchange, parseHead, readBody } from '../../../../src/core/engine/httpLite';
import { prng } from '../../../support/prng';

function socketPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'berth-lite-')), 's.sock');
}

async function listening<S extends Server | ReturnType<typeof createNetServer>>(server: S, path: string, fn: () => Promise<void>): Promise<void> {
  await new Promise<void>((r) => server.listen(path, r));
  try {
    await fn();
  } finally {
    server.close();
  }
}

function chunked(parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n');
}

describe('httpLite: parsing', () => {
  it('parses a response head, lowercasing header names, and keeps what follows', () => {
    const data = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n\r\n{"a":1}');
    const parsed = parseHead(data);
    assert.deepEqual(parsed?.head, { statusCode: 200, headers: { 'content-type': 'application/json', 'api-version': '1.41' } });
    assert.equal(parsed?.rest.toString(), '{"a":1}');
    assert.equal(parseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Ty')), undefined);
    assert.throws(() => parseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP response/);
  });

  it('decodes a chunked body cut at every possible place, with extensions and trailers', () => {
    const body = Buffer.concat([chunked(['{"stream":"Step 1/2"}\n', 'é', 'x'.repeat(300)]).subarray(0, -2), Buffer.from('Trailer: t\r\n\r\n')]);
    const withExtension = Buffer.from(body.toString('latin1').replace(/^17\r\n/, '17;name=v\r\n'), 'latin1');
    const expected = `{"stream":"Step 1/2"}\né${'x'.repeat(300)}`;
    const random = prng(7);
    for (const input of [body, withExtension]) {
      for (let trial = 0; trial < 200; trial++) {
        const decoder = new ChunkedDecoder();
        const out: Buffer[] = [];
        let done = false;
        for (let at = 0; at < input.length; ) {
          const size = trial === 0 ? 1 : 1 + Math.floor(random() * 40);
          const r = decoder.push(input.subarray(at, at + size));
          out.push(...r.chunks);
          done = r.done;
          at += size;
        }
        assert.equal(done, true);
        assert.equal(Buffer.concat(out).toString(), expected);
      }
    }
  });

  it('rejects a malformed chunked body, and a length body stops at its length', () => {
    assert.throws(() => new ChunkedDecoder().push(Buffer.from('zz\r\nabc\r\n')), /malformed/);
    assert.throws(() => new ChunkedDecoder().push(Buffer.from('3\r\nabcXY\r\n')), /malformed/);
    const length = new LengthDecoder(3);
    assert.deepEqual(length.push(Buffer.from('abcdef')), { chunks: [Buffer.from('abc')], done: true });
  });
});

describe('httpLite: against a real HTTP server on a unix socket', () => {
  it('sends a JSON body with its length and reads a chunked answer whole', async () => {
    const path = socketPath();
    let seen = '';
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = `${req.method} ${req.url} ${req.headers['content-length']} ${body}`;
        res.write('{"part":');
        setTimeout(() => res.end('1}'), 10); // Node's server sends this chunked
      });
    });
    await listening(server, path, async () => {
      const signal = new AbortController().signal;
      const ex = await exchange(path, { method: 'POST', path: '/x?a=1', headers: { Host: 'docker', Connection: 'close' }, body: '{"k":"v"}' }, signal);
      assert.equal(ex.statusCode, 200);
      assert.equal(ex.headers['transfer-encoding'], 'chunked');
      assert.equal((await readBody(ex, 'POST', signal)).toString(), '{"part":1}');
    });
    assert.equal(seen, 'POST /x?a=1 9 {"k":"v"}');
  });

  it('streams a request body in chunked encoding (a build context)', async () => {
    const path = socketPath();
    let received = Buffer.alloc(0);
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        received = Buffer.concat(parts);
        res.end('ok');
      });
    });
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await listening(server, path, async () => {
      const signal = new AbortController().signal;
      const body = Readable.from([data.subarray(0, 1000), data.subarray(1000, 200_000), data.subarray(200_000)]);
      const ex = await exchange(path, { method: 'POST', path: '/build', headers: { Host: 'docker', Connection: 'close' }, body }, signal);
      assert.equal((await readBody(ex, 'POST', signal)).toString(), 'ok');
    });
    assert.deepEqual(received, data);
  });

  it('a streamed answer ends cleanly; destroying it closes the connection; abort ends it', async () => {
    const path = socketPath();
    const closed: string[] = [];
    const server = createServer((req, res) => {
      req.socket.on('close', () => closed.push(req.url ?? ''));
      if (req.url === '/short') return void res.end('all of it');
      const timer = setInterval(() => res.write('tick\n'), 5);
      res.on('close', () => clearInterval(timer));
    });
    await listening(server, path, async () => {
      const short = bodyStream(await exchange(path, { method: 'GET', path: '/short', headers: { Host: 'd' } }, new AbortController().signal), 'GET');
      let text = '';
      for await (const c of short) text += String(c);
      assert.equal(text, 'all of it');

      const endless = bodyStream(await exchange(path, { method: 'GET', path: '/endless', headers: { Host: 'd' } }, new AbortController().signal), 'GET');
      await new Promise((r) => endless.once('data', r));
      endless.destroy();

      const ac = new AbortController();
      const aborted = bodyStream(await exchange(path, { method: 'GET', path: '/aborted', headers: { Host: 'd' } }, ac.signal), 'GET', ac.signal);
      await new Promise((r) => aborted.once('data', r));
      const error = new Promise<Error>((r) => aborted.once('error', r));
      ac.abort();
      assert.equal((await error).name, 'AbortError');
      for (let i = 0; i < 100 && closed.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    });
    assert.deepEqual(closed.sort(), ['/aborted', '/endless', '/short']);
  });

  it('a server that closes before answering is a hang-up (ECONNRESET), as with node:http', async () => {
    const path = socketPath();
    const server = createNetServer((s: Socket) => s.end());
    await listening(server, path, async () => {
      const err = await exchange(path, { method: 'GET', path: '/', headers: { Host: 'd' } }, new AbortController().signal).catch((e: unknown) => e);
      assert.equal((err as NodeJS.ErrnoException).code, 'ECONNRESET');
    });
  });

  it('a body cut short by the server is an error, not a short answer', async () => {
    const path = socketPath();
    const server = createNetServer((s: Socket) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
    });
    await listening(server, path, async () => {
      const signal = new AbortController().signal;
      const ex = await exchange(path, { method: 'GET', path: '/', headers: { Host: 'd' } }, signal);
      await assert.rejects(readBody(ex, 'GET', signal), /socket hang up/);
    });
  });

  it('an upgraded connection carries raw bytes both ways, including those that came with the head', async () => {
    const path = socketPath();
    const server = createNetServer((s: Socket) => {
      s.once('data', () => {
        s.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ');
        s.on('data', (d) => s.write(`echo:${String(d)}`));
      });
    });
    await listening(server, path, async () => {
      const ex = await exchange(path, { method: 'POST', path: '/exec/x/start', headers: { Host: 'd', Connection: 'Upgrade', Upgrade: 'tcp' }, body: '{}' }, new AbortController().signal);
      assert.equal(ex.statusCode, 101);
      assert.equal(ex.rest.toString(), 'hello ');
      // The connection comes paused, positioned after the head (dialSocket resumes it for its caller).
      ex.socket.resume();
      ex.socket.write('ping');
      const echoed = await new Promise<string>((r) => ex.socket.once('data', (d) => r(String(d))));
      assert.equal(echoed, 'echo:ping');
      ex.socket.destroy();
    });
  });
});
