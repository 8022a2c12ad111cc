import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import { appPortBindings, dedupePorts, forwardPortBindings, parsePublish, pickFreePorts } from '../../../../src/core/container/ports';

const tcp = (containerPort: number, hostPort?: number, hostIp = '127.0.0.1') =>
  hostPort === undefined ? { containerPort, protocol: 'tcp' as const, hostIp } : { containerPort, protocol: 'tcp' as const, hostIp, hostPort };

describe('parsePublish', () => {
  it('reads every -p form', () => {
    assert.deepEqual(parsePublish('80'), [tcp(80)]);
    assert.deepEqual(parsePublish('8080:80'), [tcp(80, 8080)]);
    assert.deepEqual(parsePublish('0.0.0.0:8080:80'), [tcp(80, 8080, '0.0.0.0')]);
    assert.deepEqual(parsePublish('127.0.0.1::80'), [tcp(80)]);
    assert.deepEqual(parsePublish('[::1]:8080:80'), [tcp(80, 8080, '::1')]);
    assert.deepEqual(parsePublish('53:53/udp'), [{ containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 53 }]);
    assert.deepEqual(parsePublish('3000-3001'), [tcp(3000), tcp(3001)]);
  });

  it('rejects bad ports', () => {
    assert.throws(() => parsePublish('0'), /not a port/);
    assert.throws(() => parsePublish('70000'), /not a port/);
    assert.throws(() => parsePublish('80/sctp'), /protocol 'sctp'/);
    assert.throws(() => parsePublish('8000-8002:80'), /ranges differ/);
    assert.throws(() => parsePublish('abc'), (e: unknown) => e instanceof BerthError && e.code === 'config-invalid');
  });
});

describe('appPort and forwardPorts', () => {
  it('appPort: N is 127.0.0.1:N:N, strings are read as written', () => {
    assert.deepEqual(appPortBindings([3000, '8080:80', '127.0.0.1:5000:5000', 3000]), [tcp(3000, 3000), tcp(80, 8080), tcp(5000, 5000)]);
  });

  it('appPort errors name the index', () => {
    assert.throws(() => appPortBindings([1, 'x'], { locate: (path) => ({ file: 'f', line: 2, column: 3, path }) }),
      (e: unknown) => e instanceof BerthError && e.location?.path === 'appPort[1]');
  });

  it('forwardPorts: numbers and localhost forms at the same host port; other hosts skipped', () => {
    const plan = forwardPortBindings([3000, '5432', 'localhost:8080', 'db:5432', 3000]);
    assert.deepEqual(plan.bindings, [tcp(3000, 3000), tcp(5432, 5432), tcp(8080, 8080)]);
    assert.deepEqual(plan.skipped, ['db:5432']);
  });

  it('forwardPorts rejects a non-port', () => {
    assert.throws(() => forwardPortBindings(['web']), /not a port/);
  });

  it('dedupePorts drops exact repeats only', () => {
    assert.deepEqual(dedupePorts([tcp(80, 80), tcp(80, 80), tcp(80, 81)]), [tcp(80, 80), tcp(80, 81)]);
  });
});

describe('pickFreePorts', () => {
  it('moves a taken host port to the next free one and says so', async () => {
    const taken = new Set([3000, 3001]);
    const asked: number[] = [];
    const r = await pickFreePorts([tcp(3000, 3000), tcp(5000, 5000), tcp(9229)], async (port) => {
      asked.push(port);
      return !taken.has(port);
    });
    assert.deepEqual(r.bindings, [tcp(3000, 3002), tcp(5000, 5000), tcp(9229)]);
    assert.deepEqual(r.notes, ['port 3000 is in use on the host; published on 3002']);
    assert.deepEqual(asked, [3000, 3001, 3002, 5000]);
  });

  it('does not give two bindings the same host port', async () => {
    const r = await pickFreePorts([tcp(80, 8080), tcp(81, 8080)], async () => true);
    assert.deepEqual(r.bindings, [tcp(80, 8080), tcp(81, 8081)]);
    assert.equal(r.notes.length, 1);
  });

  it('gives up with port-in-use when nothing is free', async () => {
    await assert.rejects(pickFreePorts([tcp(80, 8080)], async () => false), (e: unknown) => e instanceof BerthError && e.code === 'port-in-use');
  });
});
