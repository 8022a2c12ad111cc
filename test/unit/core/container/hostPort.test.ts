import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { isHostPortFree } from '../../../../src/core/container/hostPort';

// Loopback only: a listener of our own on 127.0.0.1, nothing else on the host is touched.
describe('isHostPortFree', () => {
  it('tells a listening port from a free one', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    try {
      assert.equal(await isHostPortFree(address.port, '127.0.0.1'), false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(await isHostPortFree(address.port, '127.0.0.1'), true);
  });
});
