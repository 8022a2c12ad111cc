/**
 * A real OCI registry for Feature tests: Debian's `docker-registry` (the CNCF distribution registry)
 * on 127.0.0.1 with a temporary storage folder, started by the test and stopped in after(). Locally,
 * without the package, tests skip with the reason; in CI (CI=true, BERTH_REQUIRE_DOCKER=1) they fail.
 * Also publishes the Features under test/fixtures/features/ to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { OciClient } from '../../src/core/features/oci';
import { publishFeature, type PublishResult } from '../../src/core/features/publish';
import { dockerRequired } from './docker';

export const FEATURE_FIXTURES = resolve(__dirname, '..', 'fixtures', 'features');
const BINARY = process.env.BERTH_REGISTRY_BIN ?? '/usr/bin/docker-registry';

export interface TestRegistry {
  /** `127.0.0.1:<port>`. */
  host: string;
  /** The storage folder (blobs under docker/registry/v2/blobs/sha256/…). */
  storage: string;
  /** Stops the process (idempotent). */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** Call first: resolves false (and skips) locally when the registry is not installed; throws in CI. */
export async function needRegistry(t: TestContext): Promise<boolean> {
  try {
    await access(BINARY);
    return true;
  } catch {
    const problem = `${BINARY} is missing: run scripts/ensure-registry.sh (apt-get install docker-registry)`;
    if (dockerRequired) throw new Error(`The registry is required here (CI or BERTH_REQUIRE_DOCKER=1): ${problem}`);
    t.skip(problem);
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

async function waitReady(host: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${log()}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${host}: ${log()}`);
}

/** Starts a registry on 127.0.0.1; `htpasswd` (a file's content) turns on Basic auth. */
export async function startRegistry(options: { htpasswd?: string } = {}): Promise<TestRegistry> {
  const root = await mkdtemp(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const storage = join(root, 'storage');
  const auth = options.htpasswd ? `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(root, 'htpasswd')}\n` : '';
  if (options.htpasswd) await writeFile(join(root, 'htpasswd'), options.htpasswd);
  await writeFile(
    join(root, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n${auth}`,
  );
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    child = spawn(BINARY, ['serve', join(root, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await waitReady(host, child, () => output.slice(-2000));
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return { host, storage, start, stop, dispose: async () => { await stop(); await rm(root, { recursive: true, force: true }); } };
}

/**
 * Publishes test/fixtures/features/<name> as `<host>/berth-test/<as ?? name>` under `tags`, with
 * `{{REGISTRY}}` in its devcontainer-feature.json replaced by the registry's host.
 */
export async function publishFixture(registry: TestRegistry, name: string, tags: string[], as = name, env: Record<string, string | undefined> = {}): Promise<PublishResult> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-feature-'));
  try {
    const folder = join(dir, name);
    await cp(join(FEATURE_FIXTURES, name), folder, { recursive: true });
    const jsonFile = join(folder, 'devcontainer-feature.json');
    await writeFile(jsonFile, (await readFile(jsonFile, 'utf8')).split('{{REGISTRY}}').join(registry.host));
    return await publishFeature(new OciClient({ env }), registry.host, `berth-test/${as}`, folder, tags);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The file the registry stores a blob in (to tamper with it). */
export function blobPath(registry: TestRegistry, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(registry.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}
