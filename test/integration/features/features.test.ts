/**
 * Dev Container Features end to end on the real engine and a real OCI registry (docker-registry on
 * 127.0.0.1): local Features with options, Features published to the registry and fetched with their
 * digests checked, dependsOn pulled in and ordered, the host cache serving them with the registry
 * stopped, devcontainer-lock.json (written, honoured, --frozen-lockfile), a failing install script,
 * a bad option value, and a tampered blob.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { isBerthError, type BerthError } from '../../../src/core/errors';
import type { BerthEvent } from '../../../src/core/events';
import { packFeature } from '../../../src/core/features/publish';
import { resolveFeatures } from '../../../src/core/features/resolve';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { blobPath, FEATURE_FIXTURES, needRegistry, publishFixture, startRegistry, type TestRegistry } from '../../support/registry';
import { removeWorkspaceResources } from '../../support/workspaces';

const docker = new Docker();
const IMAGE = 'berth-test/busybox:latest';

function context(events: BerthEvent[] = []): UseCaseContext {
  return { events: (e) => events.push(e), env: { ...process.env } };
}

function logs(events: BerthEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
}

/** A workspace with a devcontainer.json and, optionally, local Features copied into .devcontainer/. */
async function workspace(root: string, name: string, config: object, localFeatures: string[] = []): Promise<string> {
  const folder = join(root, name);
  await mkdir(join(folder, '.devcontainer'), { recursive: true });
  for (const f of localFeatures) await cp(join(FEATURE_FIXTURES, f), join(folder, '.devcontainer', f), { recursive: true });
  await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), `${JSON.stringify(config, null, 2)}\n`);
  return folder;
}

async function run(service: BerthService, folder: string, script: string): Promise<string> {
  const out: Buffer[] = [];
  const r = await service.exec({ workspaceFolder: folder }, { cmd: ['sh', '-c', script], onStdout: (c) => out.push(c), onStderr: (c) => out.push(c) }, context());
  assert.equal(r.exitCode, 0, Buffer.concat(out).toString());
  return Buffer.concat(out).toString();
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

describe('Dev Container Features', () => {
  let root: string;
  let stateDir: string;
  let service: BerthService;
  const folders: string[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-features-'));
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    service = createBerthService({ env: process.env, platform: process.platform, stateDir });
  });
  after(async () => {
    for (const f of folders) await removeWorkspaceResources(f);
    await docker.getVolume('berth-test-hello-feature').remove().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  describe('local Features', () => {
    it('installs a local Feature with its options, env, metadata and hooks (Feature hooks first)', async (t) => {
      if (!(await needDocker(t))) return;
      const folder = await workspace(root, 'local-hello', {
        image: IMAGE,
        features: { './hello': { greeting: 'hi', loud: true } },
        postCreateCommand: 'echo config-postCreate >> /tmp/feature-hooks.log',
      }, ['hello']);
      folders.push(folder);
      const events: BerthEvent[] = [];
      const result = await service.up({ workspaceFolder: folder, writeLockfile: true }, context(events));
      const out = await run(service, folder, 'cat /usr/local/hello/options.txt; hello; cat /tmp/feature-hooks.log; echo "PATH=$PATH"; echo "HELLO_HOME=$HELLO_HOME"');
      assert.match(out, /^greeting=hi$/m);
      assert.match(out, /^loud=true$/m);
      assert.match(out, /^color=green$/m, 'enum default');
      assert.match(out, /^second=two$/m, 'the option "2nd-word.opt" arrives as _ND_WORD_OPT');
      assert.match(out, /^remote_user=root$/m);
      assert.match(out, /^remote_home=\/root$/m);
      assert.match(out, /^hi from hello$/m);
      assert.match(out, /hello-feature-postCreate\nconfig-postCreate/);
      assert.match(out, /^PATH=\/usr\/local\/hello\/bin:\/usr\/local\/sbin/m);
      assert.match(out, /^HELLO_HOME=\/usr\/local\/hello$/m);

      const info = await docker.getContainer(result.containerId).inspect();
      assert.match(info.Config.Image, /-features$/);
      const metadata = JSON.parse(info.Config.Labels['devcontainer.metadata']) as Record<string, unknown>[];
      assert.equal(metadata[0].id, './hello');
      assert.deepEqual(metadata[0].capAdd, ['SYS_PTRACE']);
      assert.deepEqual(metadata[metadata.length - 1], { postCreateCommand: 'echo config-postCreate >> /tmp/feature-hooks.log' });
      assert.ok(info.HostConfig.CapAdd?.some((c: string) => c.endsWith('SYS_PTRACE')));
      assert.ok(info.Mounts.some((m) => m.Destination === '/hello-data' && m.Type === 'volume'));
      // Local Features are not locked: nothing to pin, so no lockfile appears.
      await assert.rejects(readFile(join(folder, '.devcontainer', 'devcontainer-lock.json')), /ENOENT/);
    });

    it('installs on a Dockerfile image as root, with the image user as _CONTAINER_USER/_REMOTE_USER, and restores USER', async (t) => {
      if (!(await needDocker(t))) return;
      const folder = await workspace(root, 'dockerfile-user', { build: { dockerfile: 'Dockerfile' }, features: { './hello': 'v9' } }, ['hello']);
      folders.push(folder);
      await writeFile(join(folder, '.devcontainer', 'Dockerfile'), `FROM ${IMAGE}\nRUN echo dev:x:1000:1000::/home/dev:/bin/sh >> /etc/passwd && echo dev:x:1000: >> /etc/group && mkdir -p /home/dev && chown 1000:1000 /home/dev\nUSER dev\n`);
      const result = await service.up({ workspaceFolder: folder }, context());
      assert.equal(result.remoteUser, 'dev');
      const out = await run(service, folder, 'id -un; ls -l /usr/local/hello/options.txt; cat /usr/local/hello/options.txt');
      assert.match(out, /^dev$/m);
      assert.match(out, /^-\S+\s+\d+\s+root\s+root\s/m, 'installed by root');
      assert.match(out, /^version=v9$/m, 'a string value is the version option');
      assert.match(out, /^container_user=dev$/m);
      assert.match(out, /^remote_user=dev$/m);
      assert.match(out, /^remote_home=\/home\/dev$/m);
      const info = await docker.getContainer(result.containerId).inspect();
      const image = await docker.getImage(info.Config.Image).inspect();
      assert.equal(image.Config.User, 'dev');
    });

    it('rejects a bad option value, naming the Feature, the option, the allowed values and where it is written', async (t) => {
      if (!(await needDocker(t))) return;
      const folder = await workspace(root, 'bad-option', { image: IMAGE, features: { './hello': { color: 'purple' } } }, ['hello']);
      folders.push(folder);
      const e = await failure(service.up({ workspaceFolder: folder }, context()));
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, /Feature "\.\/hello"/);
      assert.match(e.message, /option "color" takes one of "red", "green", "blue", not "purple"/);
      assert.equal(e.location?.file, join(folder, '.devcontainer', 'devcontainer.json'));
      assert.equal(e.location?.line, 5, 'the line of "color": "purple"');
      const bool = await failure(
        (async () => {
          await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: IMAGE, features: { './hello': { loud: 'very' } } }));
          await service.up({ workspaceFolder: folder }, context());
        })(),
      );
      assert.match(bool.message, /option "loud" takes true or false, not "very"/);
    });

    it('rejects a local Feature outside .devcontainer', async (t) => {
      if (!(await needDocker(t))) return;
      const folder = await workspace(root, 'escape', { image: IMAGE, features: { '../../hello': {} } });
      folders.push(folder);
      const e = await failure(service.up({ workspaceFolder: folder }, context()));
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, /outside the workspace's \.devcontainer folder/);
      assert.equal(e.location?.path, 'features["../../hello"]');
    });

    it('reports a failing install script with the Feature, its options, the exit code and its output', async (t) => {
      if (!(await needDocker(t))) return;
      const folder = await workspace(root, 'failing', { image: IMAGE, features: { './hello': {}, './failing': { mode: 'crash' } } }, ['hello', 'failing']);
      folders.push(folder);
      const e = await failure(service.up({ workspaceFolder: folder }, context()));
      assert.equal(e.code, 'build-failed');
      assert.match(e.message, /Feature "\.\/failing" \(version 0\.1\.0\) failed to install: install\.sh exited with code 3; options: mode="crash"/);
      assert.ok(e.output.includes('something went wrong in mode crash'), e.output.join('\n'));
      assert.ok(e.output.includes('preparing the failing Feature'), e.output.join('\n'));
      assert.ok(!e.output.some((l) => l.includes('hello installed')), 'only the failing step\'s output');
    });
  });

  describe('Features from an OCI registry', () => {
    let registry: TestRegistry | undefined;
    let cacheState: string;
    let helloDigest = '';
    let greeterDigest = '';

    before(async () => {
      cacheState = await mkdtemp(join(tmpdir(), 'berth-state-'));
    });
    after(async () => {
      await registry?.dispose();
      await rm(cacheState, { recursive: true, force: true });
    });

    const ensureRegistry = async (t: Parameters<typeof needRegistry>[0]) => {
      if (!(await needDocker(t)) || !(await needRegistry(t))) return false;
      if (!registry) {
        registry = await startRegistry();
        helloDigest = (await publishFixture(registry, 'hello', ['1', '1.2', '1.2.0', 'latest'])).manifestDigest;
        greeterDigest = (await publishFixture(registry, 'greeter', ['1', '1.0', '1.0.0', 'latest'])).manifestDigest;
      }
      return true;
    };

    it('fetches a Feature and its dependsOn, installs the dependency first, and writes the lockfile', async (t) => {
      if (!(await ensureRegistry(t)) || !registry) return;
      const svc = createBerthService({ env: process.env, platform: process.platform, stateDir: cacheState });
      const greeter = `${registry.host}/berth-test/greeter:1`;
      const hello = `${registry.host}/berth-test/hello:1`;
      const folder = await workspace(root, 'oci-greeter', { image: IMAGE, features: { [greeter]: { name: 'Berth' } } });
      folders.push(folder);
      const events: BerthEvent[] = [];
      const result = await svc.up({ workspaceFolder: folder, writeLockfile: true }, context(events));
      assert.ok(logs(events).some((m) => m.startsWith(`Feature ${greeter}: downloaded from ${registry?.host}`)), logs(events).join('\n'));
      assert.ok(logs(events).some((m) => m.startsWith(`Feature ${hello}: downloaded`)));
      const out = await run(svc, folder, 'cat /usr/local/greeter.txt; cat /tmp/feature-hooks.log');
      assert.match(out, /^greeter after hey from hello for Berth$/m, 'hello (with the options greeter asked for) was installed first');
      assert.match(out, /hello-feature-postCreate\ngreeter-feature-postCreate/);
      const info = await docker.getContainer(result.containerId).inspect();
      const ids = (JSON.parse(info.Config.Labels['devcontainer.metadata']) as { id?: string }[]).map((e) => e.id).filter(Boolean);
      assert.deepEqual(ids, [hello, greeter]);

      const lock = await readFile(join(folder, '.devcontainer', 'devcontainer-lock.json'), 'utf8');
      const expected = {
        features: {
          [greeter]: { version: '1.0.0', resolved: `${registry.host}/berth-test/greeter@${greeterDigest}`, integrity: greeterDigest, dependsOn: [hello] },
          [hello]: { version: '1.2.0', resolved: `${registry.host}/berth-test/hello@${helloDigest}`, integrity: helloDigest },
        },
      };
      const sorted = Object.fromEntries(Object.keys(expected.features).sort().map((k) => [k, expected.features[k as keyof typeof expected.features]]));
      assert.equal(lock, `${JSON.stringify({ features: sorted }, null, 2)}\n`);
    });

    it('honours the lockfile and --frozen-lockfile', async (t) => {
      if (!(await ensureRegistry(t)) || !registry) return;
      const svc = createBerthService({ env: process.env, platform: process.platform, stateDir: cacheState });
      const folder = join(root, 'oci-greeter');
      const lockFile = join(folder, '.devcontainer', 'devcontainer-lock.json');
      const before = await readFile(lockFile, 'utf8');
      // Republish hello:1 with different content: the lockfile keeps the old digest.
      const moved = await publishFixture(registry, 'failing', ['1'], 'hello');
      assert.notEqual(moved.manifestDigest, helloDigest);
      const events: BerthEvent[] = [];
      await svc.build({ workspaceFolder: folder, writeLockfile: true, frozenLockfile: true }, context(events));
      assert.ok(logs(events).some((m) => /hello:1: from cache .*pinned by the lockfile/.test(m)), logs(events).join('\n'));
      assert.equal(await readFile(lockFile, 'utf8'), before, 'unchanged');

      const config = JSON.parse(await readFile(join(folder, '.devcontainer', 'devcontainer.json'), 'utf8'));
      config.features[`${registry.host}/berth-test/hello:1.2.0`] = {};
      await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify(config));
      const changed = await failure(svc.build({ workspaceFolder: folder, writeLockfile: true, frozenLockfile: true }, context()));
      assert.equal(changed.code, 'lockfile-mismatch');
      assert.match(changed.message, /would change/);
      assert.equal(await readFile(lockFile, 'utf8'), before, '--frozen-lockfile never writes');

      // Restore hello:1 (same content, same digest) for the tests after this one.
      assert.equal((await publishFixture(registry, 'hello', ['1'])).manifestDigest, helloDigest);
      await rm(lockFile);
      const missing = await failure(svc.build({ workspaceFolder: folder, frozenLockfile: true }, context()));
      assert.equal(missing.code, 'lockfile-mismatch');
      assert.match(missing.message, /there is no/);
      await writeFile(lockFile, before);
      delete config.features[`${registry.host}/berth-test/hello:1.2.0`];
      await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify(config));
    });

    it('rejects a layer whose content does not match its digest', async (t) => {
      if (!(await ensureRegistry(t)) || !registry) return;
      const published = await publishFixture(registry, 'hello', ['1'], 'tampered');
      const file = blobPath(registry, published.layerDigest);
      const data = await readFile(file);
      data[data.length - 600] ^= 0xff;
      await writeFile(file, data);
      const cacheDir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
      try {
        const folder = await workspace(root, 'tampered', { image: IMAGE, features: { [`${registry.host}/berth-test/tampered:1`]: {} } });
        const e = await failure(
          resolveFeatures({
            config: { features: { [`${registry.host}/berth-test/tampered:1`]: {} }, configFile: join(folder, '.devcontainer', 'devcontainer.json'), workspaceFolderHost: folder },
            cacheDir,
            env: {},
            events: () => undefined,
          }),
        );
        assert.equal(e.code, 'feature-unavailable');
        assert.match(e.message, new RegExp(`failed its digest check: the registry sent content with the digest sha256:(?!${published.layerDigest.slice(7)})`));
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    });

    it('fetches a legacy tarball Feature (gzip), locks it by its sha256, and serves it from the cache when its host is down', async (t) => {
      if (!(await needDocker(t))) return;
      const tgz = gzipSync(await packFeature(join(FEATURE_FIXTURES, 'hello')));
      const server = createServer((req, res) => {
        if (req.url === '/features/devcontainer-feature-hello.tgz') res.writeHead(200).end(tgz);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/features/devcontainer-feature-hello.tgz`;
      const cacheDir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
      try {
        const folder = await workspace(root, 'tarball', { image: IMAGE, features: { [url]: { greeting: 'yo' } } });
        const resolve = (events: BerthEvent[] = []) =>
          resolveFeatures({
            config: { features: { [url]: { greeting: 'yo' } }, configFile: join(folder, '.devcontainer', 'devcontainer.json'), workspaceFolderHost: folder },
            cacheDir,
            env: {},
            events: (e) => events.push(e),
            writeLockfile: true,
          });
        const first = await resolve();
        assert.equal(first.features[0].json.id, 'hello');
        assert.equal(first.features[0].options.greeting, 'yo');
        const lock = JSON.parse(await readFile(join(folder, '.devcontainer', 'devcontainer-lock.json'), 'utf8'));
        assert.deepEqual(lock.features[url], { version: '1.2.0', resolved: url, integrity: `sha256:${createHash('sha256').update(tgz).digest('hex')}` });
        await new Promise((r) => server.close(r));
        const events: BerthEvent[] = [];
        const offline = await resolve(events);
        assert.equal(offline.features[0].origin.via, 'cache');
        assert.ok(logs(events).some((m) => m.includes('from cache')), logs(events).join('\n'));
      } finally {
        server.close();
        await rm(cacheDir, { recursive: true, force: true });
      }
    });

    it('works offline from the cache: with the lockfile, and from a cached resolution without it', async (t) => {
      if (!(await ensureRegistry(t)) || !registry) return;
      const svc = createBerthService({ env: process.env, platform: process.platform, stateDir: cacheState });
      await registry.stop();
      try {
        const folder = join(root, 'oci-greeter');
        await removeWorkspaceResources(folder);
        const events: BerthEvent[] = [];
        await svc.up({ workspaceFolder: folder, writeLockfile: true }, context(events));
        assert.ok(logs(events).filter((m) => /: from cache .*pinned by the lockfile/.test(m)).length === 2, logs(events).join('\n'));
        assert.match(await run(svc, folder, 'cat /usr/local/greeter.txt'), /greeter after hey from hello for Berth/);

        await rm(join(folder, '.devcontainer', 'devcontainer-lock.json'));
        const again: BerthEvent[] = [];
        await svc.build({ workspaceFolder: folder, writeLockfile: true }, context(again));
        assert.ok(logs(again).filter((m) => /: from cache .*the registry is unreachable/.test(m)).length === 2, logs(again).join('\n'));
        assert.ok(!logs(again).some((m) => /downloaded/.test(m)));

        const fresh = await mkdtemp(join(tmpdir(), 'berth-state-'));
        try {
          const cold = createBerthService({ env: process.env, platform: process.platform, stateDir: fresh });
          const e = await failure(cold.build({ workspaceFolder: folder }, context()));
          assert.equal(e.code, 'feature-unavailable');
          assert.match(e.message, /Cannot reach the registry 127\.0\.0\.1:\d+/);
        } finally {
          await rm(fresh, { recursive: true, force: true });
        }
      } finally {
        await registry.start();
      }
    });
  });
});
