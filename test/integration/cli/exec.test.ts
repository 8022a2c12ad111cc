/**
 * `berth exec` as a process, on a real engine: what is piped in reaches the command, `< /dev/null`
 * gives it /dev/null itself (no stdin attached, as `docker exec` without -i), and the exit code is the
 * command's. BERTH_CLI=dist/cli.js runs a built CLI; by default the sources run through tsx.
 */
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stdinIsEmpty } from '../../../src/cli/commands/exec';
import { needDocker } from '../../support/docker';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const ROOT = resolve(__dirname, '..', '..', '..');
const BERTH = process.env.BERTH_CLI ? [resolve(ROOT, process.env.BERTH_CLI)] : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('berth exec (CLI process, real engine)', () => {
  let ws: TempWorkspace;
  let stateDir: string;

  const berth = (args: string[], stdin: { input: string } | { fd: number }): Promise<Ran> =>
    new Promise((resolvePromise, reject) => {
      const stdio: StdioOptions = ['input' in stdin ? 'pipe' : stdin.fd, 'pipe', 'pipe'];
      const child = spawn(process.execPath, [...BERTH, ...args], { cwd: ROOT, env: { ...process.env, XDG_STATE_HOME: stateDir }, stdio });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      if ('input' in stdin) child.stdin?.end(stdin.input);
    });
  const exec = (cmd: string[], stdin: { input: string } | { fd: number }) => berth(['exec', '--workspace-folder', ws.folder, '--', ...cmd], stdin);

  before(async () => {
    ws = await tempWorkspace('reliability-image');
    stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
  });
  after(async () => {
    await ws?.cleanup();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('passes piped stdin through, gives /dev/null as is, and exits with the command’s code', { timeout: 120_000 }, async (t) => {
    if (!(await needDocker(t))) return;
    const up = await berth(['up', '--workspace-folder', ws.folder], { input: '' });
    assert.equal(up.code, 0, up.stderr);

    const piped = await exec(['sh', '-c', 'cat; echo "[rc=$?]"'], { input: 'line one\nline two\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'line one\nline two\n[rc=0]\n');

    const devNull = openSync('/dev/null', 'r');
    try {
      assert.equal(stdinIsEmpty(devNull), true);
      const r = await exec(['sh', '-c', 'readlink /proc/self/fd/0; cat; echo "[rc=$?]"'], { fd: devNull });
      assert.equal(r.code, 0, r.stderr);
      // Not a pipe that Berth feeds: the engine's own /dev/null.
      assert.equal(r.stdout, '/dev/null\n[rc=0]\n');
    } finally {
      closeSync(devNull);
    }

    const failing = await exec(['sh', '-c', 'echo out; echo err >&2; exit 7'], { input: '' });
    assert.equal(failing.code, 7);
    assert.equal(failing.stdout, 'out\n');
    assert.match(failing.stderr, /^err$/m);
  });
});
