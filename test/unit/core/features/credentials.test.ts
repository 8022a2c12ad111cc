import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findCredentials } from '../../../../src/core/features/credentials';

async function withConfig(config: object, fn: (env: Record<string, string>) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-dockercfg-'));
  try {
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    await fn({ DOCKER_CONFIG: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('findCredentials', () => {
  it('decodes auths entries (base64 user:password), also under an https:// key', async () => {
    const auth = Buffer.from('me:s3cr:et').toString('base64');
    await withConfig({ auths: { 'r.example.com': { auth }, 'https://other.example.com': { auth } } }, async (env) => {
      assert.deepEqual(await findCredentials('r.example.com', env), { username: 'me', password: 's3cr:et' });
      assert.deepEqual(await findCredentials('other.example.com', env), { username: 'me', password: 's3cr:et' });
      assert.equal(await findCredentials('none.example.com', env), undefined);
    });
  });

  it('asks credHelpers for their registry, then credsStore, before auths', async () => {
    const asked: string[] = [];
    const helper = async (name: string, registry: string) => {
      asked.push(`${name}:${registry}`);
      return name === 'pass' ? undefined : { username: name, password: 'x' };
    };
    await withConfig({ credHelpers: { 'ghcr.io': 'gh' }, credsStore: 'pass', auths: { 'r.io': { auth: Buffer.from('a:b').toString('base64') } } }, async (env) => {
      assert.deepEqual(await findCredentials('ghcr.io', env, helper), { username: 'gh', password: 'x' });
      assert.deepEqual(await findCredentials('r.io', env, helper), { username: 'a', password: 'b' });
      assert.deepEqual(asked, ['gh:ghcr.io', 'pass:r.io']);
    });
  });

  it('is anonymous without a Docker config', async () => {
    assert.equal(await findCredentials('ghcr.io', { DOCKER_CONFIG: '/nonexistent' }), undefined);
    assert.equal(await findCredentials('ghcr.io', {}), undefined);
  });

  it('takes DEVCONTAINERS_OCI_AUTH first, then the Docker config, then GITHUB_TOKEN for ghcr.io', async () => {
    const auth = Buffer.from('from:config').toString('base64');
    await withConfig({ auths: { 'ghcr.io': { auth }, 'r.example.com': { auth } } }, async (env) => {
      const oci = { ...env, DEVCONTAINERS_OCI_AUTH: 'other.io|a|b,r.example.com|env-user|env-token' };
      assert.deepEqual(await findCredentials('r.example.com', oci), { username: 'env-user', password: 'env-token' });
      assert.deepEqual(await findCredentials('ghcr.io', { ...oci, GITHUB_TOKEN: 'gh' }), { username: 'from', password: 'config' });
    });
    const none = { DOCKER_CONFIG: join(tmpdir(), 'berth-no-such-config') };
    assert.deepEqual(await findCredentials('ghcr.io', { ...none, GITHUB_TOKEN: 'ghs_x' }), { username: 'USERNAME', password: 'ghs_x' });
    assert.deepEqual(await findCredentials('ghcr.io', { ...none, GITHUB_TOKEN: 'ghs_x', GITHUB_HOST: 'github.com' }), { username: 'USERNAME', password: 'ghs_x' });
    assert.equal(await findCredentials('ghcr.io', { ...none, GITHUB_TOKEN: 'ghs_x', GITHUB_HOST: 'github.example.com' }), undefined, 'a token of another GitHub');
    assert.equal(await findCredentials('r.example.com', { ...none, GITHUB_TOKEN: 'ghs_x' }), undefined, 'GITHUB_TOKEN is for ghcr.io only');
  });
});
