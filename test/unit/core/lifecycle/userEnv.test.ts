import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ContainerExec } from '../../../../src/core/engine/types';
import type { BerthEvent } from '../../../../src/core/events';
import { commandScript, parseProbeOutput, probeCommand, probeUserEnv, UserEnvCache } from '../../../../src/core/lifecycle/userEnv';
import { shellQuote } from '../../../../src/core/shell';
import { FakeContainerExec, type FakeCall } from '../../../support/fakeContainerExec';

/** Answers like a real shell: noise, marker, NUL-separated env, marker, noise. */
function shellReply(env: string[], sep = '\0') {
  return (call: FakeCall) => {
    const token = /BERTHENV (\w+)/.exec(call.cmd[5])?.[1] ?? 'missing';
    return { stdout: `motd text\nBERTHENV-${token}${env.join(sep)}${sep}BERTHENV-${token}bye\n`, stderr: 'bash: no job control in this shell\n' };
  };
}

describe('parseProbeOutput', () => {
  it('takes only the text between the markers, splits on NUL, keeps = and newlines in values, drops PWD', () => {
    const out = 'hello\nBERTHENV-t1A=1\0MULTI=line1\nline2\0EQ=a=b\0PWD=/x\0EMPTY=\0\0BERTHENV-t1trailer';
    assert.deepEqual(parseProbeOutput(out, 't1'), { A: '1', MULTI: 'line1\nline2', EQ: 'a=b', EMPTY: '' });
  });
  it('falls back to lines (printenv) when there is no NUL', () => {
    assert.deepEqual(parseProbeOutput('BERTHENV-t\nA=1\nB=2\nPWD=/\nBERTHENV-t', 't'), { A: '1', B: '2' });
  });
  it('is undefined without both markers', () => {
    assert.equal(parseProbeOutput('BERTHENV-t A=1', 't'), undefined);
    assert.equal(parseProbeOutput('A=1', 't'), undefined);
  });
  it('the probe command never contains the marker it prints', () => {
    assert.ok(!probeCommand('abc').includes('BERTHENV-abc'));
    assert.match(probeCommand('abc'), /cat \/proc\/self\/environ/);
  });
});

describe('probeUserEnv', () => {
  it('mode none returns {} without an exec', async () => {
    const exec = new FakeContainerExec();
    assert.deepEqual(await probeUserEnv(exec, 'c', { mode: 'none' }), {});
    assert.equal(exec.calls.length, 0);
  });

  for (const [mode, flags] of [['loginInteractiveShell', '-lic'], ['interactiveShell', '-ic'], ['loginShell', '-lc']] as const) {
    it(`${mode} runs the user's shell with ${flags}`, async () => {
      const exec = new FakeContainerExec(shellReply(['PATH=/usr/local/bin:/usr/bin', 'PWD=/home/u', 'NVM_DIR=/home/u/.nvm']));
      const env = await probeUserEnv(exec, 'c', { mode, user: 'u' });
      assert.deepEqual(env, { PATH: '/usr/local/bin:/usr/bin', NVM_DIR: '/home/u/.nvm' });
      assert.equal(exec.calls.length, 1);
      assert.equal(exec.calls[0].user, 'u');
      assert.equal(exec.calls[0].cmd[4], flags);
      assert.match(exec.calls[0].cmd[2], /getent passwd/);
      assert.match(exec.calls[0].cmd[2], /\/etc\/passwd/);
    });
  }

  it('times out with {} and a diagnosis naming the user and likely cause', async () => {
    const exec = new FakeContainerExec(() => ({ hang: true }));
    const events: BerthEvent[] = [];
    const started = Date.now();
    const env = await probeUserEnv(exec, 'c', { mode: 'loginInteractiveShell', user: 'vscode', timeoutMs: 80, events: (e) => events.push(e) });
    assert.deepEqual(env, {});
    assert.ok(Date.now() - started < 1000);
    const warn = events.find((e) => e.type === 'log' && e.level === 'warn');
    assert.ok(warn?.type === 'log');
    assert.match(warn.message, /login shell of user vscode did not finish within 80 ms/);
    assert.match(warn.message, /bashrc/);
    assert.ok(exec.calls[0].signal?.aborted, 'the exec is told to stop');
  });

  it('returns {} with a warning when the shell prints no markers', async () => {
    const exec = new FakeContainerExec(() => ({ exitCode: 127, stderr: 'exec: /bin/zsh: not found\n' }));
    const events: BerthEvent[] = [];
    assert.deepEqual(await probeUserEnv(exec, 'c', { mode: 'loginShell', events: (e) => events.push(e) }), {});
    assert.ok(events.some((e) => e.type === 'log' && e.level === 'warn' && /zsh: not found/.test(e.message)));
  });

  it('cancellation throws cancelled', async () => {
    const exec = new FakeContainerExec(() => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(probeUserEnv(exec, 'c', { mode: 'loginShell', signal: controller.signal }), { code: 'cancelled' });
  });
});

describe('UserEnvCache', () => {
  it('probes once per (container, user, mode)', async () => {
    const exec = new FakeContainerExec(shellReply(['A=1']));
    const cache = new UserEnvCache();
    const a = await cache.probe(exec, 'c1', { mode: 'loginShell', user: 'u' });
    const b = await cache.probe(exec, 'c1', { mode: 'loginShell', user: 'u' });
    assert.deepEqual(a, { A: '1' });
    assert.equal(a, b);
    assert.equal(exec.calls.length, 1);
    await cache.probe(exec, 'c1', { mode: 'loginShell', user: 'root' });
    await cache.probe(exec, 'c1', { mode: 'interactiveShell', user: 'u' });
    await cache.probe(exec, 'c2', { mode: 'loginShell', user: 'u' });
    assert.equal(exec.calls.length, 4);
    assert.ok(cache.get('c1', 'u', 'loginShell'));
    cache.clear('c1');
    assert.equal(cache.get('c1', 'u', 'loginShell'), undefined);
    assert.ok(cache.get('c2', 'u', 'loginShell'));
  });

  it('does not keep a cancelled probe', async () => {
    const exec = new FakeContainerExec(() => ({ hang: true }));
    const cache = new UserEnvCache();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(cache.probe(exec, 'c', { mode: 'loginShell', signal: controller.signal }));
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.get('c', undefined, 'loginShell'), undefined);
  });
});

/** Runs the exec's argv on the host with /bin/sh as the user's shell: the real shell composition. */
const hostExec: ContainerExec = {
  async exec(_containerId, options) {
    const r = spawnSync(options.cmd[0], options.cmd.slice(1), { env: { SHELL: '/bin/sh', PATH: '/usr/bin:/bin', BERTH_MARK: 'probed' } });
    if (r.stdout.length > 0) options.onStdout?.(r.stdout);
    if (r.stderr.length > 0) options.onStderr?.(r.stderr);
    return { exitCode: r.status ?? 1 };
  },
};

describe('probeUserEnv with a setup script (run by a real /bin/sh)', () => {
  it('runs the setup first, and its `exit` does not end the probe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-setup-'));
    const events: BerthEvent[] = [];
    const env = await probeUserEnv(hostExec, 'c', {
      mode: 'loginShell',
      events: (e) => events.push(e),
      setup: { script: `echo done > ${dir}/ran\nexit 0`, failure: 'setup failed' },
    });
    assert.equal(readFileSync(join(dir, 'ran'), 'utf8'), 'done\n');
    assert.equal(env.BERTH_MARK, 'probed');
    assert.deepEqual(events, []);
  });

  it('reports a failing setup with its exit code and still returns the env', async () => {
    const events: BerthEvent[] = [];
    const env = await probeUserEnv(hostExec, 'c', { mode: 'loginShell', events: (e) => events.push(e), setup: { script: 'exit 7', failure: 'Could not prepare it' } });
    assert.equal(env.BERTH_MARK, 'probed');
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn').map((e) => (e.type === 'log' ? e.message : ''));
    assert.deepEqual(warnings, ['Could not prepare it (exit 7)']);
  });
});

describe('commandScript (what starts the command after a shared probe)', () => {
  it('exports what the shell can export and execs the quoted argv', () => {
    assert.equal(commandScript({ A: "it's", B_2: 'x y' }, ['/bin/sh', '-c', 'echo "$A"']), `export 'A=it'\\''s' 'B_2=x y'\nexec '/bin/sh' '-c' 'echo "$A"'\n`);
  });

  it('passes odd and read-only names through env(1), and needs no export line without others', () => {
    assert.equal(commandScript({ 'BASH_FUNC_f%%': '() { :\n}', SHELLOPTS: 'vi' }, ['true']), `exec env 'BASH_FUNC_f%%=() { :\n}' 'SHELLOPTS=vi' 'true'\n`);
  });

  it('quotes so that a POSIX shell reads the word back unchanged', () => {
    const tricky = `a'b"c$d\`e\\f\ng h'`;
    const r = spawnSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(tricky)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, tricky);
  });
});

