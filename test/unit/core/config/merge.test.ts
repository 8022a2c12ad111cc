import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedupeMounts, mergeConfiguration, mountTarget, parseByteSize } from '../../../../src/core/config/merge';

describe('mergeConfiguration', () => {
  it('ORs booleans and unions capAdd/securityOpt without duplicates', () => {
    const m = mergeConfiguration([{ init: true, capAdd: ['A', 'B'], securityOpt: ['s'] }, { init: false, privileged: true, capAdd: ['B', 'C'], securityOpt: ['s'] }]);
    assert.equal(m.init, true);
    assert.equal(m.privileged, true);
    assert.deepEqual(m.capAdd, ['A', 'B', 'C']);
    assert.deepEqual(m.securityOpt, ['s']);
    assert.equal(mergeConfiguration([]).init, false);
  });

  it('unions forwardPorts, treating N and "localhost:N" as one', () => {
    assert.deepEqual(mergeConfiguration([{ forwardPorts: [3000, 'db:5432'] }, { forwardPorts: ['localhost:3000', 8080, 'db:5432'] }]).forwardPorts, [3000, 'db:5432', 8080]);
  });

  it('merges env and portsAttributes per key, last wins, keeping null', () => {
    const m = mergeConfiguration([
      { remoteEnv: { A: '1', B: '1' }, containerEnv: { X: 'a' }, portsAttributes: { '1': { label: 'a' } } },
      { remoteEnv: { B: null, C: '3' }, containerEnv: { X: 'b' }, portsAttributes: { '2': { label: 'b' } } },
    ]);
    assert.deepEqual(m.remoteEnv, { A: '1', B: null, C: '3' });
    assert.deepEqual(m.containerEnv, { X: 'b' });
    assert.deepEqual(Object.keys(m.portsAttributes), ['1', '2']);
  });

  it('keeps one mount per target, the last one, at its own position', () => {
    const m = mergeConfiguration([
      { mounts: ['source=a,target=/a,type=volume', { type: 'bind', source: '/x', target: '/b' }] },
      { mounts: ['src=c,dst=/c,type=volume', 'type=volume,source=a2,destination=/a'] },
    ]);
    assert.deepEqual(m.mounts, [{ type: 'bind', source: '/x', target: '/b' }, 'src=c,dst=/c,type=volume', 'type=volume,source=a2,destination=/a']);
  });

  it('takes the last truthy value for users, waitFor, userEnvProbe, shutdownAction; last boolean for overrideCommand', () => {
    const m = mergeConfiguration([
      { remoteUser: 'a', containerUser: 'c', waitFor: 'onCreateCommand', userEnvProbe: 'none', overrideCommand: false, updateRemoteUserUID: false, shutdownAction: 'none' },
      { remoteUser: '', waitFor: 'postStartCommand', overrideCommand: true },
      { remoteUser: 'b' },
    ]);
    assert.deepEqual([m.remoteUser, m.containerUser, m.waitFor, m.userEnvProbe, m.overrideCommand, m.updateRemoteUserUID, m.shutdownAction], ['b', 'c', 'postStartCommand', 'none', true, false, 'none']);
    assert.equal(mergeConfiguration([{}]).overrideCommand, undefined);
  });

  it('collects hooks in order with their origin', () => {
    const m = mergeConfiguration(
      [{ postCreateCommand: 'base' }, { id: 'ghcr.io/x/node:1', postCreateCommand: ['feat'], onCreateCommand: { a: 'b' } }, { postCreateCommand: 'mine', postStartCommand: '' }],
      [undefined, undefined, 'devcontainer.json'],
    );
    assert.deepEqual(m.hooks.postCreateCommand, [
      { origin: 'image metadata', command: 'base' },
      { origin: 'ghcr.io/x/node:1', command: ['feat'] },
      { origin: 'devcontainer.json', command: 'mine' },
    ]);
    assert.deepEqual(m.hooks.onCreateCommand, [{ origin: 'ghcr.io/x/node:1', command: { a: 'b' } }]);
    assert.deepEqual(m.hooks.postStartCommand, []);
  });

  it('takes the maximum host requirements', () => {
    const m = mergeConfiguration([
      { hostRequirements: { cpus: 4, memory: '512mb', storage: '1tb' } },
      { hostRequirements: { cpus: 2, memory: '8gb', storage: '100gb', gpu: 'optional' } },
      { hostRequirements: { gpu: true } },
    ]);
    assert.deepEqual(m.hostRequirements, { cpus: 4, memory: '8gb', storage: '1tb', gpu: true });
    assert.equal(mergeConfiguration([{}]).hostRequirements, undefined);
  });

  it('lists customizations per tool and feature entrypoints in order', () => {
    const m = mergeConfiguration([{ customizations: { vscode: { extensions: ['a'] } }, entrypoint: '/e1' }, { customizations: { vscode: { extensions: ['b'] }, berth: {} }, entrypoint: '/e2' }]);
    assert.deepEqual(m.customizations, { vscode: [{ extensions: ['a'] }, { extensions: ['b'] }], berth: [{}] });
    assert.deepEqual(m.entrypoints, ['/e1', '/e2']);
  });
});

describe('merge helpers', () => {
  it('reads mount targets and byte sizes', () => {
    assert.equal(mountTarget('type=bind,source=/a,target=/b'), '/b');
    assert.equal(mountTarget('type=bind,"source=/a,b","target=/c,d"'), '/c,d');
    assert.equal(mountTarget('type=tmpfs'), undefined);
    assert.equal(mountTarget({ type: 'volume', target: '/v' }), '/v');
    assert.equal(parseByteSize('4gb'), 4 * 2 ** 30);
    assert.equal(parseByteSize('1024'), 1024);
    assert.equal(parseByteSize('lots'), undefined);
    assert.deepEqual(dedupeMounts(['a', 'a']), ['a', 'a']);
  });
});

describe('mergeConfiguration with hostile keys', () => {
  it('keeps __proto__ keys from labels as plain keys', () => {
    const entries = JSON.parse('[{"remoteEnv": {"__proto__": null, "A": "1"}, "customizations": {"__proto__": {"x": 1}}}]');
    const m = mergeConfiguration(entries);
    assert.deepEqual(Object.keys(m.remoteEnv), ['__proto__', 'A']);
    assert.equal(Object.getPrototypeOf(m.remoteEnv), Object.prototype);
    assert.deepEqual(Object.keys(m.customizations), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
