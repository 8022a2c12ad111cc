/**
 * `berth read-configuration` against the reference `devcontainer read-configuration` on every valid
 * fixture: the `configuration` and `workspace` objects must agree. No Docker is needed (no fixture
 * has a container), but it spawns the reference tool, so it lives with the integration tests.
 *
 * Normalised, and why:
 * - `configuration.configFilePath`: the reference prints a VS Code URI object; Berth the plain path.
 *   The reference's `fsPath` is compared with Berth's string.
 * - Top-level fields only the reference prints (`ociAuthDiagnostics`) are not compared.
 * Fixtures are copied to a temporary folder outside any git repository: the reference mounts the
 * git root by default and Berth the workspace folder (see the README), which agree there.
 * The last test builds a small labelled image (dev.berth.test=1, removed after) to compare
 * `mergedConfiguration`; it is the only one that needs Docker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES } from '../support/configFixtures';
import { needDocker } from '../support/docker';

const ROOT = resolve(__dirname, '..', '..');
const REFERENCE = join(ROOT, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');
const BERTH = join(ROOT, 'src', 'cli', 'main.ts');

/** Fixture → extra arguments. */
const CASES: Record<string, string[]> = {
  image: [],
  'dockerfile-context': [],
  compose: [],
  'legacy-dockerfile': [],
  variables: [],
  mounts: [],
  hooks: [],
  subfolders: ['--config', '.devcontainer/python/devcontainer.json'],
  dotfile: [],
  features: [],
  ports: [],
  'all-options': [],
};

const env: NodeJS.ProcessEnv = { ...process.env, BERTH_FIXTURE_VAR: 'fixture value', BERTH_FIXTURE_HOME: '/home/fixture' };
delete env.BERTH_FIXTURE_UNSET;

function runReference(ws: string, extra: string[]) {
  return spawnSync(process.execPath, [REFERENCE, 'read-configuration', '--workspace-folder', ws, ...extra], { cwd: ws, env, encoding: 'utf8', timeout: 60_000 });
}

function runBerth(ws: string, extra: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', BERTH, 'read-configuration', '--workspace-folder', ws, ...extra], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

interface Output {
  configuration: Record<string, unknown>;
  workspace: Record<string, unknown>;
}

function parseOutput(text: string, who: string): Output {
  const line = text.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Output;
  } catch {
    assert.fail(`${who} printed no JSON: ${text.slice(0, 500)}`);
  }
}

describe('read-configuration agrees with the reference CLI', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-readconf-'));
    cpSync(FIXTURES, dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, extra] of Object.entries(CASES)) {
    it(name, () => {
      const ws = join(dir, name);
      const ref = runReference(ws, extra);
      assert.equal(ref.status, 0, `reference failed: ${ref.stderr}`);
      const berth = runBerth(ws, extra);
      assert.equal(berth.status, 0, `berth failed: ${berth.stderr}`);
      const expected = parseOutput(ref.stdout, 'reference');
      const actual = parseOutput(berth.stdout, 'berth');
      const uri = expected.configuration.configFilePath as { fsPath: string };
      assert.equal(typeof uri?.fsPath, 'string');
      expected.configuration.configFilePath = uri.fsPath;
      assert.deepEqual(actual.configuration, expected.configuration);
      assert.deepEqual(actual.workspace, expected.workspace);
    });
  }

  // The reference's parser recovers from a missing comma and reads the spec anyway (exit 0); Berth
  // refuses, naming the place, because a recovered spec may not be the one the author meant.
  it('Berth rejects malformed JSON the reference recovers from, naming file:line:col on stderr', () => {
    const ws = join(dir, 'invalid-syntax');
    const berth = runBerth(ws, []);
    assert.equal(berth.status, 1);
    assert.equal(berth.stdout, '');
    assert.ok(berth.stderr.includes(`${join(ws, '.devcontainer', 'devcontainer.json')}:3:3: syntax error: expected a ','`), berth.stderr);
  });
});

describe('read-configuration --include-merged-configuration agrees with the reference CLI', () => {
  const image = `berth-test/config-merged:${process.pid}`;
  let ws = '';
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-merged-'));
  });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    spawnSync('docker', ['rmi', '-f', image], { encoding: 'utf8' });
  });

  it('merges the image label before devcontainer.json the same way', async (t) => {
    if (!(await needDocker(t))) return;
    const metadata = JSON.stringify([
      { remoteUser: 'imguser', containerUser: 'c', postCreateCommand: 'from image', capAdd: ['NET_ADMIN'], forwardPorts: [3000], remoteEnv: { A: 'image', B: 'image' },
        mounts: ['source=v,target=/data,type=volume'], customizations: { vscode: { extensions: ['a.b'] } }, init: true },
      { id: 'feature', onCreateCommand: ['echo', 'feature'], securityOpt: ['seccomp=unconfined'], containerEnv: { F: '1' } },
    ]);
    const dockerfile = `FROM berth-test/busybox:latest\nLABEL dev.berth.test=1\nLABEL devcontainer.metadata=${JSON.stringify(metadata)}\n`;
    const built = spawnSync('docker', ['build', '-q', '-t', image, '-'], { input: dockerfile, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    mkdirSync(join(ws, '.devcontainer'));
    writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify({
      image, postCreateCommand: 'mine', capAdd: ['SYS_PTRACE'], forwardPorts: ['localhost:3000', 8080], remoteEnv: { B: 'mine' },
      mounts: [{ type: 'volume', source: 'w', target: '/data' }], customizations: { vscode: { extensions: ['c.d'] } }, remoteUser: 'me',
    }));
    const ref = runReference(ws, ['--include-merged-configuration']);
    assert.equal(ref.status, 0, ref.stderr);
    const berth = runBerth(ws, ['--include-merged-configuration']);
    assert.equal(berth.status, 0, berth.stderr);
    const expected = parseOutput(ref.stdout, 'reference') as Output & { mergedConfiguration: Record<string, unknown> };
    const actual = parseOutput(berth.stdout, 'berth') as Output & { mergedConfiguration: Record<string, unknown> };
    expected.mergedConfiguration.configFilePath = (expected.mergedConfiguration.configFilePath as { fsPath: string }).fsPath;
    assert.deepEqual(actual.mergedConfiguration, expected.mergedConfiguration);
  });
});
