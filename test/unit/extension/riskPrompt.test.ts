import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RiskItem } from '../../../src/core/trust';
import { acceptedKey, riskPrompt } from '../../../src/extension/riskPrompt';

const socket: RiskItem = { kind: 'docker-socket', severity: 'high', message: 'Mounts the Docker socket: root on this machine', detail: 'source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind', path: 'mounts[0]' };
const cap: RiskItem = { kind: 'capability', severity: 'medium', message: 'Adds the capability NET_ADMIN', detail: 'NET_ADMIN', path: 'capAdd[0]' };

describe('riskPrompt', () => {
  it('names the spec, counts what reaches this machine, and lists high items first with their JSON path', () => {
    const p = riskPrompt('.devcontainer/devcontainer.json', [cap, socket]);
    assert.match(p.message, /\.devcontainer\/devcontainer\.json asks for more than an ordinary container \(1 with access to this machine\)/);
    const lines = p.detail.split('\n');
    assert.equal(lines[0], '• Mounts the Docker socket: root on this machine');
    assert.equal(lines[1], '    mounts[0]: source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind');
    assert.equal(lines[2], '◦ Adds the capability NET_ADMIN');
  });

  it('keys the remembered answer by the spec hash', () => {
    assert.equal(acceptedKey('abc'), 'berth.acceptedSpec.abc');
    assert.notEqual(acceptedKey('abc'), acceptedKey('abd'));
  });
});
