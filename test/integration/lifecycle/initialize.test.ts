// initializeCommand runs on the host, not in Docker, so these tests need no engine (no needDocker):
// they start real host processes, which is why they are not unit tests.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BerthEvent } from '../../../src/core/events';
import { HookFailedError } from '../../../src/core/lifecycle/hookFailedError';
import { runInitializeCommand } from '../../../src/core/lifecycle/initialize';

describe('runInitializeCommand on the host', { timeout: 60_000 }, () => {
  let ws: string;
  const env = { PATH: process.env.PATH, BERTH_INIT_VAR: 'passed in' };
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-init-'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('string form: /bin/sh -c in the workspace folder, with the given env, output streamed', async () => {
    const events: BerthEvent[] = [];
    await runInitializeCommand('pwd > where.txt; echo "var=$BERTH_INIT_VAR"; echo err >&2', { cwd: ws, env, events: (e) => events.push(e) });
    assert.equal(readFileSync(join(ws, 'where.txt'), 'utf8').trim(), ws);
    const out = events.flatMap((e) => (e.type === 'output' ? [`${e.source}:${e.name}:${e.text}`] : [])).sort();
    assert.deepEqual(out, ['initialize:initializeCommand:err\n', 'initialize:initializeCommand:var=passed in\n']);
    const states = events.flatMap((e) => (e.type === 'hook' ? [`${e.hook}:${e.state}`] : []));
    assert.deepEqual(states, ['initializeCommand:started', 'initializeCommand:succeeded']);
  });

  it('array form: no shell, arguments passed as written', async () => {
    await runInitializeCommand(['/bin/sh', '-c', 'printf "%s|" "$@" > args.txt', 'x', 'a b', '$HOME', '*'], { cwd: ws, env, events: () => undefined });
    assert.equal(readFileSync(join(ws, 'args.txt'), 'utf8'), 'a b|$HOME|*|');
  });

  it('object form: commands run in parallel', async () => {
    const wait = (me: string, other: string) =>
      `touch ${me}; i=0; while [ ! -f ${other} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; test -f ${other}`;
    const events: BerthEvent[] = [];
    await runInitializeCommand({ one: wait('one.started', 'two.started'), two: ['/bin/sh', '-c', wait('two.started', 'one.started')] }, { cwd: ws, env, events: (e) => events.push(e) });
    const named = events.flatMap((e) => (e.type === 'hook' && e.command ? [`${e.command}:${e.state}`] : [])).sort();
    assert.deepEqual(named, ['one:started', 'one:succeeded', 'two:started', 'two:succeeded']);
  });

  it('a failure throws hook-failed with the exit code and output tail', async () => {
    await assert.rejects(runInitializeCommand('seq 1 30; exit 4', { cwd: ws, env, events: () => undefined }), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.equal(e.code, 'hook-failed');
      assert.equal(e.message, 'initializeCommand from devcontainer.json failed with exit code 4');
      assert.equal(e.outputTail.length, 20);
      assert.deepEqual([e.outputTail[0], e.outputTail[19]], ['11', '30']);
      assert.match(e.hint ?? '', /on this machine/);
      return true;
    });
  });

  it('an object form fails when one command fails, naming it', async () => {
    await assert.rejects(runInitializeCommand({ good: 'true', bad: 'exit 7' }, { cwd: ws, env, events: () => undefined }), {
      message: 'initializeCommand (bad) from devcontainer.json failed with exit code 7',
    });
  });

  it('a missing program is reported as not started', async () => {
    await assert.rejects(runInitializeCommand(['berth-no-such-program'], { cwd: ws, env, events: () => undefined }), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.equal(e.exitCode, -1);
      assert.match(e.message, /could not start berth-no-such-program: .*ENOENT/);
      return true;
    });
  });

  it('cancellation kills the whole process group', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(
      runInitializeCommand('sleep 5; touch too-late; sleep 5', { cwd: ws, env, events: () => undefined, signal: controller.signal }),
      { code: 'cancelled' },
    );
    assert.ok(Date.now() - started < 3000);
    await new Promise((r) => setTimeout(r, 5500));
    assert.equal(existsSync(join(ws, 'too-late')), false, 'the shell was stopped, not only waited for');
  });

  it('no command: a skipped event and nothing run', async () => {
    const events: BerthEvent[] = [];
    await runInitializeCommand(undefined, { cwd: ws, env, events: (e) => events.push(e) });
    await runInitializeCommand('', { cwd: ws, env, events: (e) => events.push(e) });
    assert.deepEqual(events.map((e) => e.type === 'hook' && e.state), ['skipped', 'skipped']);
  });
});
