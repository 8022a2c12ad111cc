/**
 * Secrets stay out of what Berth prints: a `${localEnv:…}` value in containerEnv, echoed by hooks,
 * appears nowhere in `berth up` (text and JSON logs), `berth status --json` or read-configuration's log,
 * while the container still gets the real value.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const ROOT = resolve(__dirname, '..', '..', '..');
const BERTH = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
const SECRET = `s3cr3t-${Date.now().toString(36)}-value`;

describe('secrets redaction through the CLI', () => {
  let ws: TempWorkspace;
  let stateDir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ws = await tempWorkspace('secret-env');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    env = { ...process.env, MY_SECRET: SECRET, XDG_STATE_HOME: stateDir };
  });
  after(async () => {
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const berth = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(process.execPath, [...BERTH, ...args, '--workspace-folder', ws.folder], { env, cwd: ROOT, maxBuffer: 1 << 24 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  };

  it('never prints the secret in text or JSON logs or status; the container has it', async (t) => {
    if (!(await needDocker(t))) return;
    const before = await hashTree(ws.folder);
    const up = await berth('up');
    assert.equal(up.code, 0, up.stderr);
    assert.ok(!up.stdout.includes(SECRET) && !up.stderr.includes(SECRET), `secret in up output:\n${up.stderr}`);
    // The hooks ran and their output was shown, masked.
    assert.match(up.stderr, /token is \*\*\*/);
    assert.match(up.stderr, /plain is plain-visible-value/);
    assert.match(up.stderr, /attach sees \*\*\* and \*\*\*/);

    const again = await berth('up', '--log-format', 'json', '--log-level', 'trace');
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!again.stderr.includes(SECRET) && !again.stderr.includes('literal-db-password'), 'secret in JSON logs');

    const status = await berth('status', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).state, 'running');
    assert.ok(!status.stdout.includes(SECRET) && !status.stderr.includes(SECRET));

    // read-configuration's stdout is data for tools, as the reference CLI prints it; its log is redacted.
    const config = await berth('read-configuration', '--log-level', 'trace');
    assert.equal(config.code, 0, config.stderr);
    assert.ok(!config.stderr.includes(SECRET), 'secret in read-configuration log');
    assert.equal(JSON.parse(config.stdout).configuration.containerEnv.API_TOKEN, SECRET);

    const containerId = JSON.parse(up.stdout.trim().split('\n').pop() ?? '{}').containerId as string;
    const info = await new Docker().getContainer(containerId).inspect();
    assert.ok(info.Config.Env.includes(`API_TOKEN=${SECRET}`), 'the container gets the real value');
    assert.equal(await hashTree(ws.folder), before, 'workspace files unchanged');
  });
});
