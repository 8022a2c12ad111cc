import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ContainerHookName, HookSource } from '../../../../src/core/config/types';
import type { ExecOptions } from '../../../../src/core/engine/types';
import { BerthError, isBerthError } from '../../../../src/core/errors';
import type { BerthEvent } from '../../../../src/core/events';
import { HookFailedError } from '../../../../src/core/lifecycle/hookFailedError';
import { planLifecycle } from '../../../../src/core/lifecycle/plan';
import { runLifecycle, withMarker, type RunLifecycleOptions } from '../../../../src/core/lifecycle/run';
import { shellWords } from '../../../../src/core/shell';
import { FakeContainerExec, type FakeCall, type FakeReply } from '../../../support/fakeContainerExec';

const CREATED = '2026-11-30T01:00:00Z';
const STARTED = '2026-11-30T02:00:00Z';

function hooks(over: Partial<Record<ContainerHookName, HookSource['command'][]>>): Record<ContainerHookName, HookSource[]> {
  const out = {} as Record<ContainerHookName, HookSource[]>;
  for (const h of ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'] as const) {
    out[h] = (over[h] ?? []).map((command) => ({ origin: 'devcontainer.json', command }));
  }
  return out;
}

function plan(over: Partial<Record<ContainerHookName, HookSource['command'][]>>, waitFor: ContainerHookName = 'updateContentCommand') {
  return planLifecycle({ hooks: hooks(over), waitFor, reason: 'created', markers: {}, containerCreatedAt: CREATED, containerStartedAt: STARTED });
}

const isMarkerWrite = (c: FakeCall) => c.cmd[3] === 'berth-marker';

function setup(respond: (call: FakeCall) => FakeReply | undefined = () => undefined, over: Partial<RunLifecycleOptions> = {}) {
  const exec = new FakeContainerExec(respond);
  const events: BerthEvent[] = [];
  const options: RunLifecycleOptions = {
    exec,
    containerId: 'c1',
    user: 'dev',
    workdir: '/workspaces/p',
    env: { A: '1' },
    events: (e) => events.push(e),
    ...over,
  };
  return { exec, events, options };
}

describe('runLifecycle', () => {
  it('runs hooks in order with the right argv forms, user, workdir and env', async () => {
    const { exec, options } = setup();
    const result = await runLifecycle(plan({ onCreateCommand: ['echo one'], postCreateCommand: [['node', 'x.js', 'a b']], postAttachCommand: ['echo last'] }), options);
    assert.deepEqual(result.ran, ['onCreateCommand', 'postCreateCommand', 'postAttachCommand']);
    assert.deepEqual(exec.calls.map((c) => c.cmd), [['/bin/sh', '-c', 'echo one'], ['node', 'x.js', 'a b'], ['/bin/sh', '-c', 'echo last']]);
    for (const c of exec.calls) {
      assert.equal(c.user, 'dev');
      assert.equal(c.workdir, '/workspaces/p');
      assert.deepEqual(c.env, { A: '1' });
      assert.equal(c.containerId, 'c1');
    }
  });

  it('falls back to home when there is no workspace folder', async () => {
    const { exec, options } = setup(undefined, { workdir: undefined, home: '/home/dev' });
    await runLifecycle(plan({ postCreateCommand: ['true'] }), options);
    assert.equal(exec.calls[0].workdir, '/home/dev');
  });

  it('runs several sources of one hook in sequence (features first)', async () => {
    const { exec, options } = setup((c) => ({ delayMs: c.cmd[2] === 'first' ? 30 : 0 }));
    await runLifecycle(plan({ postCreateCommand: ['first', 'second'] }), options);
    assert.deepEqual(exec.scripts(), ['first', 'second']);
    assert.ok(exec.calls[1].startedAt >= (exec.calls[0].endedAt ?? Infinity));
  });

  it('runs the object form in parallel and waits for all', async () => {
    const { exec, events, options } = setup((c) => ({ delayMs: 60, stdout: `${c.cmd.join(' ')}\n` }));
    const started = Date.now();
    await runLifecycle(plan({ postCreateCommand: [{ a: 'echo a', b: ['echo', 'b'], c: 'echo c' }] }), options);
    const elapsed = Date.now() - started;
    assert.equal(exec.calls.length, 3);
    assert.ok(elapsed < 170, `three 60 ms commands took ${elapsed} ms: not parallel`);
    const latestStart = Math.max(...exec.calls.map((c) => c.startedAt));
    const earliestEnd = Math.min(...exec.calls.map((c) => c.endedAt ?? Infinity));
    assert.ok(latestStart <= earliestEnd, 'all started before the first ended');
    const perCommand = events.filter((e) => e.type === 'hook' && e.command !== undefined && e.state === 'succeeded');
    assert.deepEqual(perCommand.map((e) => e.type === 'hook' && e.command).sort(), ['a', 'b', 'c']);
    const outputNames = events.flatMap((e) => (e.type === 'output' ? [e.name] : [])).sort();
    assert.deepEqual(outputNames, ['postCreateCommand:a', 'postCreateCommand:b', 'postCreateCommand:c']);
  });

  it('an object form fails if any command fails, after all settled', async () => {
    const { exec, options } = setup((c) => (c.cmd[2] === 'bad' ? { exitCode: 2, stdout: 'boom\n' } : { delayMs: 40 }));
    await assert.rejects(runLifecycle(plan({ postCreateCommand: [{ ok: 'good', broken: 'bad' }], postStartCommand: ['later'] }), options), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.equal(e.code, 'hook-failed');
      assert.equal(e.command, 'broken');
      assert.equal(e.message, 'postCreateCommand (broken) from devcontainer.json failed with exit code 2');
      assert.deepEqual(e.outputTail, ['boom']);
      return true;
    });
    assert.ok(exec.calls.every((c) => c.endedAt !== undefined), 'the good command was awaited');
    assert.ok(!exec.scripts().includes('later'));
  });

  it('a failure stops later hooks, carries exit code and output tail, and is not marked', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const { exec, events, options } = setup(
      (c) => (c.cmd[2] === 'exit 3' ? { stdout: lines.slice(0, 15).join('\n') + '\n', stderr: lines.slice(15).join('\n') + '\n', exitCode: 3 } : undefined),
      { markerDir: '/home/dev/.devcontainer' },
    );
    const p = plan({ onCreateCommand: ['echo ok'], postCreateCommand: ['exit 3'], postStartCommand: ['echo never'], postAttachCommand: ['echo never2'] });
    await assert.rejects(runLifecycle(p, options), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.equal(e.message, 'postCreateCommand from devcontainer.json failed with exit code 3');
      assert.equal(e.exitCode, 3);
      assert.equal(e.hook, 'postCreateCommand');
      assert.equal(e.outputTail.length, 20);
      assert.equal(e.outputTail[0], 'line 11');
      assert.equal(e.outputTail[19], 'line 30');
      assert.ok(e.hint);
      return true;
    });
    const run = exec.calls.filter((c) => !isMarkerWrite(c)).map((c) => c.cmd[2]);
    assert.deepEqual(run, ['echo ok', 'exit 3']);
    const marked = exec.markersWritten().map((m) => m[1]);
    assert.deepEqual(marked, ['onCreateCommand'], 'only the hook that succeeded is marked');
    const hookEvents = events.flatMap((e) => (e.type === 'hook' && e.state !== 'skipped' ? [`${e.hook}:${e.state}`] : []));
    assert.deepEqual(hookEvents, ['onCreateCommand:started', 'onCreateCommand:succeeded', 'postCreateCommand:started', 'postCreateCommand:failed']);
    const failed = events.find((e) => e.type === 'hook' && e.state === 'failed');
    assert.equal(failed?.type === 'hook' && failed.exitCode, 3);
    assert.ok(failed?.type === 'hook' && typeof failed.durationMs === 'number');
  });

  it('writes each marker with the hook\'s timestamp, as the remote user', async () => {
    const { exec, options } = setup(undefined, { markerDir: '/home/dev/.devcontainer' });
    await runLifecycle(plan({ onCreateCommand: ['a'], postStartCommand: ['b'], postAttachCommand: ['c'] }), options);
    assert.deepEqual(exec.markersWritten(), [
      ['/home/dev/.devcontainer', 'onCreateCommand', CREATED],
      ['/home/dev/.devcontainer', 'postStartCommand', STARTED],
    ]);
    assert.ok(exec.calls.every((c) => c.user === 'dev'));
    assert.equal(exec.calls.filter(isMarkerWrite).length, 0, 'a one-command hook writes its marker in its own exec');
  });

  it('a hook made of several commands gets its marker from a separate exec after them', async () => {
    const { exec, options } = setup(undefined, { markerDir: '/m' });
    await runLifecycle(plan({ onCreateCommand: ['a', 'b'] }), options);
    assert.deepEqual(exec.calls.map((c) => (isMarkerWrite(c) ? 'marker' : c.cmd[2])), ['a', 'b', 'marker']);
    assert.deepEqual(exec.markersWritten(), [['/m', 'onCreateCommand', CREATED]]);
  });

  it('does not write markers without markerDir', async () => {
    const { exec, options } = setup();
    await runLifecycle(plan({ onCreateCommand: ['a'] }), options);
    assert.equal(exec.calls.filter(isMarkerWrite).length, 0);
  });

  it('a failed marker write is a warning, not a failure', async () => {
    const { events, options } = setup((c) => (isMarkerWrite(c) ? { exitCode: 1, stderr: 'read-only' } : undefined), { markerDir: '/m' });
    const result = await runLifecycle(plan({ onCreateCommand: ['a', 'b'] }), options);
    assert.deepEqual(result.ran, ['onCreateCommand']);
    assert.ok(events.some((e) => e.type === 'log' && e.level === 'warn' && /marker/.test(e.message)));
  });

  it('streams output as hook output events and reports durations', async () => {
    const { events, options } = setup(() => ({ stdout: 'hello ', stderr: 'world\n' }));
    await runLifecycle(plan({ postCreateCommand: ['x'] }), options);
    const out = events.filter((e) => e.type === 'output');
    assert.deepEqual(out, [
      { type: 'output', source: 'hook', name: 'postCreateCommand', text: 'hello ' },
      { type: 'output', source: 'hook', name: 'postCreateCommand', text: 'world\n' },
    ]);
    const done = events.find((e) => e.type === 'hook' && e.state === 'succeeded');
    assert.ok(done?.type === 'hook' && done.exitCode === 0 && typeof done.durationMs === 'number');
  });

  it('emits skipped events with the reason', async () => {
    const { events, options } = setup();
    await runLifecycle(plan({ postCreateCommand: ['x'] }), options);
    const skipped = events.flatMap((e) => (e.type === 'hook' && e.state === 'skipped' ? [[e.hook, e.reason]] : []));
    assert.deepEqual(skipped.map((s) => s[0]), ['onCreateCommand', 'updateContentCommand', 'postStartCommand', 'postAttachCommand']);
    assert.ok(skipped.every((s) => s[1] === 'not defined'));
  });

  it('calls onWaitForReached once, right after the waitFor hook', async () => {
    const order: string[] = [];
    const { options } = setup((c) => {
      order.push(c.cmd[2]);
      return undefined;
    }, { onWaitForReached: () => order.push('READY') });
    await runLifecycle(plan({ onCreateCommand: ['a'], updateContentCommand: ['b'], postCreateCommand: ['c'] }, 'updateContentCommand'), options);
    assert.deepEqual(order, ['a', 'b', 'READY', 'c']);
  });

  it('calls onWaitForReached before any step when waitFor is already satisfied', async () => {
    const order: string[] = [];
    const { options } = setup((c) => {
      order.push(c.cmd[2]);
      return undefined;
    }, { onWaitForReached: () => order.push('READY') });
    await runLifecycle(plan({ postStartCommand: ['s'] }, 'postCreateCommand'), options);
    assert.deepEqual(order, ['READY', 's']);
  });

  it('does not report waitFor when a hook before it fails', async () => {
    let reached = false;
    const { options } = setup(() => ({ exitCode: 1 }), { onWaitForReached: () => (reached = true) });
    await assert.rejects(runLifecycle(plan({ onCreateCommand: ['a'] }), options));
    assert.equal(reached, false);
  });

  it('cancellation stops the running hook and the rest', async () => {
    const controller = new AbortController();
    const { exec, options } = setup((c) => (c.cmd[2] === 'slow' ? { hang: true } : undefined), { signal: controller.signal, markerDir: '/m' });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(runLifecycle(plan({ onCreateCommand: ['slow'], postCreateCommand: ['after'] }), options), (e) => {
      assert.ok(isBerthError(e));
      assert.equal(e.code, 'cancelled');
      assert.match(e.message, /onCreateCommand/);
      return true;
    });
    assert.deepEqual(exec.scripts(), ['slow'], 'nothing ran or was marked after the cancel');
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { exec, options } = setup(undefined, { signal: controller.signal });
    await assert.rejects(runLifecycle(plan({ onCreateCommand: ['a'] }), options), { code: 'cancelled' });
    assert.equal(exec.calls.length, 0);
  });

  it('an engine error becomes hook-failed naming the command', async () => {
    const exec = new FakeContainerExec();
    exec.exec = async () => {
      throw new Error('no such container');
    };
    const events: BerthEvent[] = [];
    await assert.rejects(runLifecycle(plan({ postCreateCommand: ['a'] }), { exec, containerId: 'c', events: (e) => events.push(e) }), (e) => {
      assert.ok(e instanceof HookFailedError);
      assert.match(e.message, /postCreateCommand from devcontainer.json could not run: no such container/);
      return true;
    });
  });

  it('the engine going away mid-hook is docker-unavailable naming the hook, not hook-failed', async () => {
    const exec = new FakeContainerExec();
    exec.exec = async () => {
      throw new BerthError('docker-unavailable', 'Docker is not running (no engine at /var/run/docker.sock)');
    };
    await assert.rejects(runLifecycle(plan({ postCreateCommand: ['a'] }), { exec, containerId: 'c', events: () => undefined }), (e) => {
      assert.ok(isBerthError(e) && !(e instanceof HookFailedError));
      assert.equal(e.code, 'docker-unavailable');
      assert.match(e.message, /Docker stopped while postCreateCommand from devcontainer.json was running/);
      assert.match(e.hint ?? '', /berth up/);
      return true;
    });
  });
});

describe('withMarker (the wrapper script, run by a real sh)', () => {
  const sh = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });

  it('writes the marker only when the hook exits 0, and keeps its exit code and output', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'berth-marker-')), 'd');
    const ok = sh(withMarker(['/bin/sh', '-c', 'echo "it ran"'], { dir, hook: 'postCreateCommand', value: '2026-11-30T00:00:00Z' }));
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout, 'it ran\n');
    assert.equal(readFileSync(join(dir, '.postCreateCommandMarker'), 'utf8'), '2026-11-30T00:00:00Z\n');
    const bad = sh(withMarker(['/bin/sh', '-c', 'exit 3'], { dir, hook: 'onCreateCommand', value: 'x' }));
    assert.equal(bad.status, 3);
    assert.equal(existsSync(join(dir, '.onCreateCommandMarker')), false);
  });

  it('passes an array hook its arguments untouched, and warns (without failing) when the marker cannot be written', () => {
    const r = sh(withMarker(['printf', '%s|', 'a b', '$HOME', ''], { dir: '/proc/berth-cannot-write', hook: 'onCreateCommand', value: 'x' }));
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'a b|$HOME||');
    assert.match(r.stderr, /onCreateCommand succeeded but its marker could not be written/);
  });
});

/**
 * The container side of probeThenRun, scripted: the probe prints `probed`, then the command Berth
 * sends on stdin (`exec env K=V ... argv`) is taken apart. Plain execs are answered with exit 0.
 */
class ProbingExec {
  readonly calls: { cmd: string[]; env?: Record<string, string>; workdir?: string; sent?: { env: Record<string, string>; argv: string[] } }[] = [];
  constructor(private readonly probed: Record<string, string>) {}
  async exec(_id: string, o: ExecOptions): Promise<{ exitCode: number }> {
    const call: ProbingExec['calls'][number] = { cmd: o.cmd, env: o.env, workdir: o.workdir };
    this.calls.push(call);
    if (o.cmd[3] !== 'berth-probe') return { exitCode: 0 };
    const token = /BERTHENV (\w+)/.exec(o.cmd[5])?.[1] ?? '';
    const env = Object.entries(this.probed).map(([k, v]) => `${k}=${v}\0`).join('');
    const shared = o.cmd[2].includes('BERTHDONE');
    o.onStdout?.(Buffer.from(`rc noise\nBERTHENV-${token}${env}BERTHENV-${token}${shared ? `BERTHDONE-${token} 0;` : ''}`));
    if (!shared) return { exitCode: 0 };
    const chunks: Buffer[] = [];
    for await (const c of o.stdin as AsyncIterable<Buffer>) chunks.push(c);
    // `export 'K=V' ...` then `exec argv...`: every assignment holds a `=`, the word `exec` none.
    const words = shellWords(Buffer.concat(chunks).toString());
    assert.equal(words[0], 'export');
    const at = words.indexOf('exec');
    const pairs = words.slice(1, at).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
    assert.notEqual(words[at + 1], 'env', 'every name here can be exported');
    call.sent = { env: Object.fromEntries(pairs), argv: words.slice(at + 1) };
    o.onStdout?.(Buffer.from('hook output\n'));
    return { exitCode: 0 };
  }
}

describe('runLifecycle with the env probe still to run', () => {
  const probed = { HOME: '/home/dev', PATH: '/usr/bin', TRICKY: "it's \"x\" $y\nz" };
  const resolved = { env: { ...probed, REMOTE: 'r' }, markerDir: '/home/dev/.devcontainer', home: '/home/dev' };

  it('runs the probe and a single-command first hook in one exec; later hooks get the env it found', async () => {
    const exec = new ProbingExec(probed);
    const seen: Record<string, string>[] = [];
    const events: BerthEvent[] = [];
    await runLifecycle(plan({ postCreateCommand: ["echo 'created'"], postStartCommand: [['node', 'a b']] }), {
      exec,
      containerId: 'c1',
      user: 'dev',
      workdir: '/workspaces/p',
      events: (e) => events.push(e),
      probe: { options: { user: 'dev', mode: 'loginInteractiveShell' }, resolve: async (p) => (seen.push(p), resolved) },
    });
    assert.equal(exec.calls.length, 2);
    assert.deepEqual(seen, [probed]);
    const [first, second] = exec.calls;
    assert.equal(first.workdir, '/workspaces/p');
    assert.deepEqual(first.sent?.env, resolved.env);
    assert.deepEqual(first.sent?.argv, withMarker(['/bin/sh', '-c', "echo 'created'"], { dir: resolved.markerDir, hook: 'postCreateCommand', value: CREATED }));
    // The marker folder came from the probe too.
    assert.deepEqual(second.cmd, withMarker(['node', 'a b'], { dir: resolved.markerDir, hook: 'postStartCommand', value: STARTED }));
    assert.deepEqual(second.env, resolved.env);
    const output = events.filter((e) => e.type === 'output').map((e) => (e.type === 'output' ? e.text : ''));
    assert.deepEqual(output, ['hook output\n'], 'the probe output stays out');
  });

  it('probes on its own first when the first hook is the object form (parallel commands)', async () => {
    const exec = new ProbingExec(probed);
    await runLifecycle(plan({ postCreateCommand: [{ a: 'echo a', b: 'echo b' }] }), {
      exec,
      containerId: 'c1',
      user: 'dev',
      workdir: '/workspaces/p',
      events: () => undefined,
      probe: { options: { user: 'dev', mode: 'loginShell' }, resolve: async () => resolved },
    });
    // The probe, the two commands, then the marker (in the folder the probe gave).
    assert.equal(exec.calls.length, 4);
    assert.equal(exec.calls[0].cmd[3], 'berth-probe');
    assert.ok(!exec.calls[0].cmd[2].includes('BERTHDONE'), 'a probe of its own');
    for (const c of exec.calls.slice(1, 3)) assert.deepEqual(c.env, resolved.env);
    assert.deepEqual(exec.calls[3].cmd.slice(3, 6), ['berth-marker', resolved.markerDir, 'postCreateCommand']);
  });
});
