import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseHost, resolveEndpoint } from '../../../../src/core/engine/connect';
import { BerthError } from '../../../../src/core/errors';

/** A fake file system: path → content. */
function files(map: Record<string, string>) {
  return (p: string) => (p in map ? Buffer.from(map[p]) : undefined);
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('parseHost', () => {
  it('unix:// and bare paths are sockets', () => {
    assert.deepEqual(parseHost('unix:///run/user/1000/docker.sock', 'x'), {
      kind: 'unix', socketPath: '/run/user/1000/docker.sock', source: 'x', display: 'unix:///run/user/1000/docker.sock',
    });
    assert.equal(parseHost('/tmp/d.sock', 'x').socketPath, '/tmp/d.sock');
    assert.equal(parseHost('unix://', 'x').socketPath, '/var/run/docker.sock');
  });
  it('tcp:// and host:port', () => {
    const e = parseHost('tcp://10.1.2.3:2375', 'x');
    assert.equal(e.kind, 'tcp');
    assert.equal(e.host, '10.1.2.3');
    assert.equal(e.port, 2375);
    assert.equal(parseHost('example.com:1234', 'x').port, 1234);
  });
  it('ssh:// keeps the user', () => {
    const e = parseHost('ssh://me@box', 'x');
    assert.equal(e.kind, 'ssh');
    assert.equal(e.username, 'me');
    assert.equal(e.port, 22);
  });
  it('unsupported schemes are usage errors naming the source', () => {
    assert.throws(() => parseHost('npipe:////./pipe/docker_engine', 'DOCKER_HOST'), (e: unknown) => e instanceof BerthError && e.code === 'usage' && /DOCKER_HOST/.test(e.message));
  });
});

describe('resolveEndpoint', () => {
  it('defaults to /var/run/docker.sock', () => {
    const e = resolveEndpoint({ env: {}, homeDir: '/h', readFile: files({}) });
    assert.equal(e.socketPath, '/var/run/docker.sock');
    assert.equal(e.source, 'default');
  });

  it('the explicit host wins over DOCKER_HOST', () => {
    const e = resolveEndpoint({ host: 'unix:///a.sock', env: { DOCKER_HOST: 'unix:///b.sock' }, readFile: files({}) });
    assert.equal(e.socketPath, '/a.sock');
    assert.equal(e.source, 'berth.dockerHost');
  });

  it('DOCKER_HOST wins over the Docker context', () => {
    const e = resolveEndpoint({
      env: { DOCKER_HOST: 'unix:///b.sock' },
      homeDir: '/h',
      readFile: files({ '/h/.docker/config.json': '{"currentContext":"ctx"}' }),
    });
    assert.equal(e.socketPath, '/b.sock');
  });

  it('reads the current context from config.json and its meta.json', () => {
    const e = resolveEndpoint({
      env: {},
      homeDir: '/h',
      readFile: files({
        '/h/.docker/config.json': '{"currentContext":"colima"}',
        [`/h/.docker/contexts/meta/${sha('colima')}/meta.json`]: '{"Name":"colima","Endpoints":{"docker":{"Host":"unix:///h/.colima/docker.sock"}}}',
      }),
    });
    assert.equal(e.socketPath, '/h/.colima/docker.sock');
    assert.equal(e.source, 'Docker context "colima"');
  });

  it('DOCKER_CONTEXT overrides currentContext; "default" means the default socket', () => {
    const readFile = files({
      '/h/.docker/config.json': '{"currentContext":"other"}',
      [`/h/.docker/contexts/meta/${sha('other')}/meta.json`]: '{"Endpoints":{"docker":{"Host":"tcp://o:2375"}}}',
    });
    assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'default' }, homeDir: '/h', readFile }).socketPath, '/var/run/docker.sock');
    assert.equal(resolveEndpoint({ env: {}, homeDir: '/h', readFile }).host, 'o');
  });

  it('a selected context that does not exist is an error with a hint', () => {
    assert.throws(
      () => resolveEndpoint({ env: {}, homeDir: '/h', readFile: files({ '/h/.docker/config.json': '{"currentContext":"gone"}' }) }),
      (e: unknown) => e instanceof BerthError && e.code === 'docker-unavailable' && /gone/.test(e.message),
    );
  });

  it('DOCKER_TLS_VERIFY loads certificates from DOCKER_CERT_PATH', () => {
    const e = resolveEndpoint({
      env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      readFile: files({ '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' }),
    });
    assert.equal(e.tls?.verify, true);
    assert.equal(e.tls?.ca?.toString(), 'CA');
    assert.equal(e.tls?.key?.toString(), 'KEY');
  });

  it('TLS verification without a CA is an error', () => {
    assert.throws(
      () => resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/none' }, readFile: files({}) }),
      (e: unknown) => e instanceof BerthError && /ca\.pem/.test(e.message),
    );
  });

  it('plain tcp on 2375 has no TLS', () => {
    assert.equal(resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2375' }, readFile: files({}) }).tls, undefined);
  });
});
