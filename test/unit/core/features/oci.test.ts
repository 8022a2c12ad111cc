import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OciClient, parseChallenge, sha256Digest } from '../../../../src/core/features/oci';

describe('OCI client helpers', () => {
  it('parses Bearer and Basic challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:devcontainers/features/node:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:devcontainers/features/node:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="registry"'), { scheme: 'basic', params: { realm: 'registry' } });
  });

  it('speaks http to local registries and https to others', () => {
    const c = new OciClient({ env: {} });
    assert.equal(c.baseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000/v2/');
    assert.equal(c.baseUrl('localhost:5000'), 'http://localhost:5000/v2/');
    assert.equal(c.baseUrl('ghcr.io'), 'https://ghcr.io/v2/');
  });

  it('digests as sha256:<hex>', () => {
    assert.equal(sha256Digest('{}'), 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
