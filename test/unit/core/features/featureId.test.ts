import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureIdError, movedShortId, ociReference, parseFeatureId, stripVersion } from '../../../../src/core/features/featureId';

const ctx = { configDir: '/ws/.devcontainer', devcontainerDir: '/ws/.devcontainer' };

describe('parseFeatureId', () => {
  it('parses OCI references with tag, digest or neither (latest), lowercased', () => {
    assert.deepEqual(parseFeatureId('ghcr.io/devcontainers/features/node:1', ctx), {
      kind: 'oci', registry: 'ghcr.io', path: 'devcontainers/features/node', id: 'node', tag: '1', digest: undefined,
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = parseFeatureId(`ghcr.io/Devcontainers/Features/Go@${digest}`, ctx);
    assert.deepEqual(pinned, { kind: 'oci', registry: 'ghcr.io', path: 'devcontainers/features/go', id: 'go', tag: undefined, digest });
    const latest = parseFeatureId('127.0.0.1:5000/ns/hello', ctx);
    assert.equal(latest.kind === 'oci' && latest.tag, 'latest');
    assert.equal(latest.kind === 'oci' && latest.registry, '127.0.0.1:5000');
    assert.equal(latest.kind === 'oci' && ociReference(latest), '127.0.0.1:5000/ns/hello:latest');
    assert.equal(parseFeatureId('localhost/ns/x:2', ctx).kind, 'oci');
  });

  it('rejects a registry that is not a host, unknown bare ids, and bad digests', () => {
    assert.throws(() => parseFeatureId('devcontainers/features/node:1', ctx), /is not a registry host/);
    assert.throws(() => parseFeatureId('fish', ctx), FeatureIdError);
    assert.throws(() => parseFeatureId('my-tool', ctx), /not a local folder/);
    assert.throws(() => parseFeatureId('ghcr.io/x/y@sha256:abc', ctx), /sha256:<64 hex digits>/);
  });

  it("maps the old short ids as the reference CLI does: moved and renamed ones to ghcr.io/devcontainers/features/<id>:1", () => {
    assert.deepEqual(parseFeatureId('node', ctx), { kind: 'oci', registry: 'ghcr.io', path: 'devcontainers/features/node', id: 'node', tag: '1', digest: undefined });
    const go = parseFeatureId('golang', ctx);
    assert.equal(go.kind === 'oci' && ociReference(go), 'ghcr.io/devcontainers/features/go:1');
    const common = parseFeatureId('common', ctx);
    assert.equal(common.kind === 'oci' && ociReference(common), 'ghcr.io/devcontainers/features/common-utils:1');
    assert.match(movedShortId('docker-from-docker')?.warning ?? '', /deprecated short id: using ghcr\.io\/devcontainers\/features\/docker-from-docker:1/);
    assert.equal(movedShortId('ghcr.io/devcontainers/features/node'), undefined);
    // Features that became options of another one: an error that names it.
    assert.throws(() => parseFeatureId('maven', ctx), (e: unknown) => e instanceof FeatureIdError && /part of the "java" Feature/.test(e.message) && /features\/java:1/.test(e.hint ?? ''));
  });

  it('resolves local Features inside .devcontainer and rejects absolute or escaping paths', () => {
    assert.deepEqual(parseFeatureId('./hello', ctx), { kind: 'local', path: '/ws/.devcontainer/hello' });
    assert.deepEqual(parseFeatureId('./features/a', { configDir: '/ws/.devcontainer/sub', devcontainerDir: '/ws/.devcontainer' }), {
      kind: 'local', path: '/ws/.devcontainer/sub/features/a',
    });
    assert.deepEqual(parseFeatureId('../b', { configDir: '/ws/.devcontainer/sub', devcontainerDir: '/ws/.devcontainer' }), {
      kind: 'local', path: '/ws/.devcontainer/b',
    });
    assert.throws(() => parseFeatureId('../outside', ctx), /outside the workspace's \.devcontainer folder/);
    assert.throws(() => parseFeatureId('./', ctx), /outside/);
    assert.throws(() => parseFeatureId('/abs/feature', ctx), /absolute paths are not allowed/);
  });

  it('parses legacy tarball URLs by their file name', () => {
    assert.deepEqual(parseFeatureId('https://example.com/x/devcontainer-feature-go.tgz', ctx), {
      kind: 'tarball', url: 'https://example.com/x/devcontainer-feature-go.tgz', id: 'go',
    });
    assert.throws(() => parseFeatureId('https://example.com/go.tgz', ctx), /devcontainer-feature-<id>\.tgz/);
  });

  it('strips versions for installsAfter / overrideFeatureInstallOrder matching', () => {
    assert.equal(stripVersion('ghcr.io/a/b:1.2'), 'ghcr.io/a/b');
    assert.equal(stripVersion(`ghcr.io/a/b@sha256:${'0'.repeat(64)}`), 'ghcr.io/a/b');
    assert.equal(stripVersion('localhost:5000/a/b'), 'localhost:5000/a/b');
    assert.equal(stripVersion('./local'), './local');
  });
});
