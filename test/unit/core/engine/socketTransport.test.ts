import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mapEngineError } from '../../../../src/core/engine/mapEngineError';
import { dialSocket, EngineHttpError, engineQuery } from '../../../../src/core/engine/socketTransport';

const OK = { 200: true, 201: true, 204: true, 304: true };

/** A stand-in HTTP server on a unix socket (a plain server, not Docker: this tests the HTTP conventions). */
async function withServer(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void, fn: (socket: string) => Promise<void>) {
  const socket = join(mkdtempSync(join(tmpdir(), 'berth-sock-')), 's.sock');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    await fn(socket);
  } finally {
    server.close();
  }
}

describe('engineQuery', () => {
  it('sends objects as JSON and keeps arrays and scalars as query values', () => {
    assert.equal(engineQuery({ all: true, filters: { label: ['a=b'] } }), 'all=true&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D');
    assert.equal(engineQuery({ t: ['x', 'y'] }), 't=x&t=y');
  });
});

describe('dialSocket', () => {
  it('builds the query from `?` paths, posts JSON bodies, and parses JSON answers', async () => {
    const seen: string[] = [];
    await withServer(
      (req, body, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'} ${body}`);
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ Id: 'abc' }));
      },
      async (socket) => {
        const signal = new AbortController().signal;
        assert.deepEqual(await dialSocket(socket, { path: '/containers/json?', method: 'GET', options: { all: true } }, signal, OK), { Id: 'abc' });
        await dialSocket(socket, { path: '/containers/create?', method: 'POST', options: { _query: { name: 'n' }, _body: { Image: 'i' } } }, signal, OK);
        await dialSocket(socket, { path: '/x/start', method: 'POST', options: {} }, signal, OK);
        await dialSocket(socket, { path: '/ping?', method: 'GET' }, signal, OK);
      },
    );
    assert.deepEqual(seen, [
      'GET /containers/json?all=true - ',
      'POST /containers/create?name=n application/json {"Image":"i"}',
      'POST /x/start - ',
      'GET /ping - ',
    ]);
  });

  it('rejects an unaccepted status with the engine message, which mapEngineError reads as docker-modem errors', async () => {
    await withServer(
      (_req, _body, res) => {
        res.statusCode = 409;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ message: 'Conflict. The container name "/x" is already in use' }));
      },
      async (socket) => {
        const err = await dialSocket(socket, { path: '/containers/create?', method: 'POST', options: { _body: {} } }, new AbortController().signal, OK).catch((e: unknown) => e);
        assert.ok(err instanceof EngineHttpError);
        assert.equal(err.statusCode, 409);
        assert.match(err.message, /^\(HTTP code 409\) unexpected - Conflict\./);
        assert.equal(mapEngineError(err, { action: 'create the container', containerName: 'x' }).code, 'name-conflict');
      },
    );
  });

  it('a missing socket is an ENOENT that mapEngineError calls Docker not running', async () => {
    const err = await dialSocket('/tmp/berth-no-such-dir/none.sock', { path: '/_ping', method: 'GET' }, new AbortController().signal, OK).catch((e: unknown) => e);
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
    assert.equal(mapEngineError(err, { action: 'ping' }).code, 'docker-unavailable');
  });
});
