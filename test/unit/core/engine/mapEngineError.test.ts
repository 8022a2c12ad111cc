import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import { daemonGone, engineMessage, mapEngineError, portFromMessage } from '../../../../src/core/engine/mapEngineError';

/** An error shaped as docker-modem makes them for an HTTP status. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}
function sysError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

describe('mapEngineError', () => {
  it('a missing socket is docker-unavailable naming the socket, with the hint', () => {
    const e = mapEngineError(sysError('ENOENT'), { action: 'list containers', endpoint: '/var/run/docker.sock' });
    assert.equal(e.code, 'docker-unavailable');
    assert.equal(e.message, 'Docker is not running (no engine at /var/run/docker.sock)');
    assert.equal(e.hint, 'start it, or set DOCKER_HOST / berth.dockerHost');
  });

  it('ECONNREFUSED on tcp names the endpoint and the code', () => {
    const e = mapEngineError(sysError('ECONNREFUSED'), { action: 'ping', endpoint: 'tcp://10.0.0.1:2375' });
    assert.equal(e.code, 'docker-unavailable');
    assert.match(e.message, /tcp:\/\/10\.0\.0\.1:2375: ECONNREFUSED/);
  });

  it('EACCES is docker-permission with the docker group hint', () => {
    const e = mapEngineError(sysError('EACCES'), { action: 'ping' });
    assert.equal(e.code, 'docker-permission');
    assert.match(e.hint ?? '', /usermod -aG docker/);
  });

  it('404 No such image is image-not-found naming the image', () => {
    const e = mapEngineError(httpError(404, 'No such image: foo:1'), { action: 'create container', image: 'foo:1' });
    assert.equal(e.code, 'image-not-found');
    assert.match(e.message, /foo:1/);
  });

  it('404 No such container is container-not-found', () => {
    const e = mapEngineError(httpError(404, 'No such container: abc'), { action: 'inspect container' });
    assert.equal(e.code, 'container-not-found');
  });

  it('port already allocated is port-in-use naming the port', () => {
    const msg = 'driver failed programming external connectivity on endpoint x (abc): Bind for 127.0.0.1:8080 failed: port is already allocated';
    const e = mapEngineError(httpError(500, msg), { action: 'start container' });
    assert.equal(e.code, 'port-in-use');
    assert.match(e.message, /port 8080/);
  });

  it('address already in use is port-in-use too', () => {
    const msg = 'Error starting userland proxy: listen tcp4 127.0.0.1:3000: bind: address already in use';
    const e = mapEngineError(httpError(500, msg), { action: 'start container' });
    assert.equal(e.code, 'port-in-use');
    assert.match(e.message, /port 3000/);
  });

  it('409 name conflict is name-conflict naming the container', () => {
    const msg = 'Conflict. The container name "/mybox" is already in use by container "123". You have to remove (or rename) that container to be able to reuse that name.';
    const e = mapEngineError(httpError(409, msg), { action: 'create container' });
    assert.equal(e.code, 'name-conflict');
    assert.match(e.message, /"mybox"/);
  });

  it("Podman's name conflict (HTTP 500) is name-conflict too", () => {
    const msg = 'container create: creating container storage: the container name "mybox" is already in use by d428151c9414. You have to remove that container to be able to reuse that name: that name is already in use';
    const e = mapEngineError(httpError(500, msg), { action: 'create container' });
    assert.equal(e.code, 'name-conflict');
    assert.match(e.message, /"mybox"/);
  });

  it('anything else is docker-error carrying the engine message', () => {
    const e = mapEngineError(httpError(500, 'invalid mount config for type "bind": bind source path does not exist: /nope'), {
      action: 'create container',
    });
    assert.equal(e.code, 'docker-error');
    assert.equal(e.message, 'Docker failed to create container: invalid mount config for type "bind": bind source path does not exist: /nope');
  });

  it('a BerthError passes through unchanged', () => {
    const original = new BerthError('timeout', 'x');
    assert.equal(mapEngineError(original, { action: 'a' }), original);
  });

  it('keeps the original error as the cause', () => {
    const raw = sysError('ENOENT');
    assert.equal(mapEngineError(raw, { action: 'a' }).cause, raw);
  });
});

describe('engineMessage and portFromMessage', () => {
  it('strips docker-modem prefixes when there is no JSON', () => {
    assert.equal(engineMessage(Object.assign(new Error('(HTTP code 500) server error - boom '), { statusCode: 500 })), 'boom');
  });
  it('reads a JSON body delivered as a Buffer', () => {
    assert.equal(engineMessage({ json: Buffer.from('{"message":"m"}') }), 'm');
  });
  it('finds the port in both engine phrasings, or none', () => {
    assert.equal(portFromMessage('Bind for 0.0.0.0:5432 failed: port is already allocated'), 5432);
    assert.equal(portFromMessage('listen tcp 127.0.0.1:81: bind: address already in use'), 81);
    assert.equal(portFromMessage('something else'), undefined);
  });
});

describe('daemonGone', () => {
  it('is docker-unavailable naming the action and the socket, with a hint to start Docker', () => {
    const e = daemonGone('build image', '/run/x.sock');
    assert.equal(e.code, 'docker-unavailable');
    assert.equal(e.message, 'Docker stopped while trying to build image (the engine at /run/x.sock no longer answers)');
    assert.match(e.hint ?? '', /start Docker/);
  });
});
