/**
 * Registry authentication for Features against a real registry: Basic auth (docker-registry with an
 * htpasswd file) with credentials from the Docker config's `auths` and from a credential helper
 * program, and the Bearer token flow (a small token service in front of the registry, as ghcr.io and
 * Docker Hub work): anonymous tokens, and tokens for credentials when the repository is private.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isBerthError, type BerthError } from '../../../src/core/errors';
import { resolveFeatures } from '../../../src/core/features/resolve';
import { needDocker } from '../../support/docker';
import { needRegistry, publishFixture, startRegistry, type TestRegistry } from '../../support/registry';

// bcrypt (cost 4, so each request stays fast) of "berth-pass".
const HTPASSWD = 'berth:$2b$04$iA8WPH6dsKJlioka6KGcW.bmCUH0UUa6eUF424Jd0TET43iC9l876\n';
const BASIC = `Basic ${Buffer.from('berth:berth-pass').toString('base64')}`;

let root: string;

async function ready(t: TestContext): Promise<boolean> {
  return (await needDocker(t)) && (await needRegistry(t));
}

async function dockerConfig(name: string, config: object): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

async function resolveOne(id: string, env: Record<string, string | undefined>) {
  const ws = await mkdtemp(join(root, 'ws-'));
  await mkdir(join(ws, '.devcontainer'), { recursive: true });
  const cacheDir = await mkdtemp(join(root, 'cache-'));
  return resolveFeatures({
    config: { features: { [id]: {} }, configFile: join(ws, '.devcontainer', 'devcontainer.json'), workspaceFolderHost: ws },
    cacheDir,
    env,
    events: () => undefined,
  });
}

async function failure(p: Promise<unknown>): Promise<BerthError> {
  try {
    await p;
  } catch (e) {
    if (isBerthError(e)) return e;
    throw e;
  }
  assert.fail('expected a BerthError');
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-auth-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('Basic auth (htpasswd registry)', () => {
  let registry: TestRegistry | undefined;
  let auths: string;
  after(async () => registry?.dispose());

  const setup = async (t: TestContext) => {
    if (!(await ready(t))) return false;
    if (!registry) {
      registry = await startRegistry({ htpasswd: HTPASSWD });
      auths = await dockerConfig('auths', { auths: { [registry.host]: { auth: Buffer.from('berth:berth-pass').toString('base64') } } });
      await publishFixture(registry, 'hello', ['1'], 'hello', { DOCKER_CONFIG: auths });
    }
    return true;
  };

  it('fails anonymously with a hint to log in', async (t) => {
    if (!(await setup(t)) || !registry) return;
    const e = await failure(resolveOne(`${registry.host}/berth-test/hello:1`, { DOCKER_CONFIG: join(root, 'none') }));
    assert.equal(e.code, 'feature-unavailable');
    assert.match(e.message, /answered 401/);
    assert.match(e.hint ?? '', /docker login/);
  });

  it('uses the Docker config auths entry', async (t) => {
    if (!(await setup(t)) || !registry) return;
    const r = await resolveOne(`${registry.host}/berth-test/hello:1`, { DOCKER_CONFIG: auths });
    assert.equal(r.features[0].json.id, 'hello');
    assert.equal(r.features[0].origin.via, 'network');
  });

  it('takes credentials from DEVCONTAINERS_OCI_AUTH (registry|user|token), as the reference CLI does', async (t) => {
    if (!(await setup(t)) || !registry) return;
    const env = { DOCKER_CONFIG: join(root, 'none'), DEVCONTAINERS_OCI_AUTH: `other.example.com|x|y,${registry.host}|berth|berth-pass` };
    const r = await resolveOne(`${registry.host}/berth-test/hello:1`, env);
    assert.equal(r.features[0].json.id, 'hello');
  });

  it('runs the credential helper named by credHelpers', async (t) => {
    if (!(await setup(t)) || !registry) return;
    const bin = join(root, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-berthtest');
    // Answers only for the registry it is asked about (read from stdin), like real helpers.
    await writeFile(helper, `#!/bin/sh\nread host\n[ "$1" = get ] && [ "$host" = "${registry.host}" ] || exit 1\necho '{"Username":"berth","Secret":"berth-pass"}'\n`);
    await chmod(helper, 0o755);
    const config = await dockerConfig('helper', { credHelpers: { [registry.host]: 'berthtest' } });
    const r = await resolveOne(`${registry.host}/berth-test/hello:1`, { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH ?? ''}` });
    assert.equal(r.features[0].json.id, 'hello');
  });
});

describe('Bearer tokens (token service in front of the registry)', () => {
  let registry: TestRegistry | undefined;
  let front: Server | undefined;
  let frontHost = '';
  const tokenRequests: { scope: string | null; service: string | null; basic: boolean; refresh?: string }[] = [];
  after(async () => {
    await new Promise((r) => (front ? front.close(r) : r(undefined)));
    await registry?.dispose();
  });

  /**
   * Tokens: `anon:<repo>` for public repositories; `user:<repo>` for the Basic credentials, or for the
   * refresh token `berth-refresh` (a POST with the OAuth2 refresh-token grant). Other credentials: 401.
   */
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${frontHost}`);
    if (url.pathname === '/token' && req.method === 'POST') {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(text);
        const scope = form.get('scope');
        tokenRequests.push({ scope, service: form.get('service'), basic: false, refresh: form.get('refresh_token') ?? undefined });
        const repo = /^repository:([^:]+):/.exec(scope ?? '')?.[1] ?? '';
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'berth-refresh') {
          res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `user:${repo}` }));
      });
      return;
    }
    if (url.pathname === '/token') {
      const scope = url.searchParams.get('scope');
      const basic = req.headers.authorization === BASIC;
      tokenRequests.push({ scope, service: url.searchParams.get('service'), basic });
      const repo = /^repository:([^:]+):/.exec(scope ?? '')?.[1] ?? '';
      if ((repo.endsWith('/private') && !basic) || (req.headers.authorization && !basic)) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: `${basic ? 'user' : 'anon'}:${repo}` }));
      return;
    }
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
    const auth = req.headers.authorization ?? '';
    const ok = auth === `Bearer anon:${repo}` ? !repo.endsWith('/private') : auth === `Bearer user:${repo}`;
    if (url.pathname !== '/v2/' && !ok) {
      res
        .writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${frontHost}/token",service="berth-test",scope="repository:${repo}:pull"` })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const [host, port] = (registry as TestRegistry).host.split(':');
    const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers: { ...req.headers, host: (registry as TestRegistry).host, authorization: '' } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  };

  const setup = async (t: TestContext) => {
    if (!(await ready(t))) return false;
    if (!registry) {
      registry = await startRegistry();
      await publishFixture(registry, 'hello', ['1']);
      await publishFixture(registry, 'hello', ['1'], 'private');
      front = createServer(handle);
      await new Promise<void>((r) => front?.listen(0, '127.0.0.1', r));
      frontHost = `127.0.0.1:${(front.address() as { port: number }).port}`;
    }
    return true;
  };

  it('gets an anonymous token for a public Feature, with the scope the challenge asked for', async (t) => {
    if (!(await setup(t))) return;
    const r = await resolveOne(`${frontHost}/berth-test/hello:1`, { DOCKER_CONFIG: join(root, 'none') });
    assert.equal(r.features[0].json.id, 'hello');
    assert.deepEqual(tokenRequests[0], { scope: 'repository:berth-test/hello:pull', service: 'berth-test', basic: false });
  });

  it('fails for a private Feature without credentials, and works with them', async (t) => {
    if (!(await setup(t))) return;
    const e = await failure(resolveOne(`${frontHost}/berth-test/private:1`, { DOCKER_CONFIG: join(root, 'none') }));
    assert.match(e.message, /token service of 127\.0\.0\.1:\d+ answered 401 for berth-test\/private \(anonymously\)/);
    assert.match(e.hint ?? '', /docker login/);
    const config = await dockerConfig('bearer', { auths: { [frontHost]: { auth: Buffer.from('berth:berth-pass').toString('base64') } } });
    const r = await resolveOne(`${frontHost}/berth-test/private:1`, { DOCKER_CONFIG: config });
    assert.equal(r.features[0].json.id, 'hello');
    assert.ok(tokenRequests.some((q) => q.basic && q.scope === 'repository:berth-test/private:pull'));
  });

  it('exchanges an identitytoken (refresh token) from the Docker config for an access token', async (t) => {
    if (!(await setup(t))) return;
    const config = await dockerConfig('identity', { auths: { [frontHost]: { auth: '', identitytoken: 'berth-refresh' } } });
    const r = await resolveOne(`${frontHost}/berth-test/private:1`, { DOCKER_CONFIG: config });
    assert.equal(r.features[0].json.id, 'hello');
    assert.ok(tokenRequests.some((q) => q.refresh === 'berth-refresh' && q.scope === 'repository:berth-test/private:pull' && q.service === 'berth-test'));
  });

  it('falls back to anonymous when the token service turns the credentials down (expired), so public Features still come', async (t) => {
    if (!(await setup(t))) return;
    const stale = await dockerConfig('stale', { auths: { [frontHost]: { auth: Buffer.from('berth:expired').toString('base64') } } });
    const r = await resolveOne(`${frontHost}/berth-test/hello:1`, { DOCKER_CONFIG: stale });
    assert.equal(r.features[0].json.id, 'hello');
    const e = await failure(resolveOne(`${frontHost}/berth-test/private:1`, { DOCKER_CONFIG: stale }));
    assert.match(e.message, /answered 401 for berth-test\/private \(to your credentials, then anonymously\)/);
  });
});
