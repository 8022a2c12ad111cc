import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DockerEngine } from '../../../src/core/engine/engine';
import type { BerthEvent } from '../../../src/core/events';
import { readMarkers } from '../../../src/core/lifecycle/markers';
import { probeThenRun, probeUserEnv, UserEnvCache, type ProbeThenRunOptions } from '../../../src/core/lifecycle/userEnv';
import { dockerProblem, needDocker } from '../../support/docker';
import { removeTestContainers, sh, startTestContainer, type TestContainer } from '../../support/lifecycleContainer';

const engine = new DockerEngine({ connect: { env: process.env } });

describe('probeUserEnv on real containers', { timeout: 120_000 }, () => {
  let debian: TestContainer;
  let busybox: TestContainer;

  before(async () => {
    if (await dockerProblem()) return;
    await removeTestContainers();
    [debian, busybox] = await Promise.all([startTestContainer('debian:bookworm-slim'), startTestContainer('berth-test/busybox:latest')]);
    await sh(
      debian.id,
      [
        `echo 'export BERTH_PROFILE_VAR="from profile.d"' > /etc/profile.d/berth-test.sh`,
        `printf 'export BERTH_MULTI="line1\\nline2"\\n' >> /etc/profile.d/berth-test.sh`,
        'useradd -m -s /bin/bash dev',
        'useradd -m -s /bin/bash hang',
        // A ~/.bashrc that never finishes: the probe must give up, not hang the up.
        `echo 'sleep 600' >> /home/hang/.bashrc`,
        // A chatty one, and one that reads stdin: neither may reach (or eat) the command that follows.
        'useradd -m -s /bin/bash chatty',
        `printf 'echo rc-says-hello\\necho rc-complains >&2\\nread -r line && echo "rc-read:$line"\\n' >> /home/chatty/.bashrc`,
      ].join(' && '),
    );
  });
  after(async () => {
    if (!(await dockerProblem())) await removeTestContainers();
  });

  it('a bash login shell picks up a variable exported from /etc/profile.d', async (t) => {
    if (!(await needDocker(t))) return;
    const env = await probeUserEnv(engine, debian.id, { user: 'dev', mode: 'loginInteractiveShell' });
    assert.equal(env.BERTH_PROFILE_VAR, 'from profile.d');
    assert.equal(env.BERTH_MULTI, 'line1\nline2', 'values with newlines survive the NUL split');
    assert.equal(env.HOME, '/home/dev');
    assert.ok(env.PATH?.includes('/usr/bin'));
    assert.equal(env.PWD, undefined);
    const login = await probeUserEnv(engine, debian.id, { user: 'dev', mode: 'loginShell' });
    assert.equal(login.BERTH_PROFILE_VAR, 'from profile.d');
  });

  it('a non-login interactive shell does not read /etc/profile', async (t) => {
    if (!(await needDocker(t))) return;
    const env = await probeUserEnv(engine, debian.id, { user: 'dev', mode: 'interactiveShell' });
    assert.ok(env.PATH, 'the probe worked');
    assert.equal(env.BERTH_PROFILE_VAR, undefined);
  });

  it('a hanging ~/.bashrc times out with {} and a diagnosis', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const started = Date.now();
    const env = await probeUserEnv(engine, debian.id, { user: 'hang', mode: 'loginInteractiveShell', timeoutMs: 1500, events: (e) => events.push(e) });
    const took = Date.now() - started;
    assert.deepEqual(env, {});
    assert.ok(took >= 1400 && took < 5000, `took ${took} ms`);
    const warn = events.find((e) => e.type === 'log' && e.level === 'warn');
    assert.ok(warn?.type === 'log');
    assert.match(warn.message, /login shell of user hang did not finish within 2 s/);
    assert.match(warn.message, /bashrc/);
    // The engine still answers promptly afterwards.
    const after = await readMarkers(engine, debian.id, { user: 'dev' });
    assert.equal(after.home, '/home/dev');
  });

  it('busybox: no getent, no bash, falls back to /etc/passwd and /bin/sh', async (t) => {
    if (!(await needDocker(t))) return;
    const env = await probeUserEnv(engine, busybox.id, { mode: 'loginInteractiveShell' });
    assert.equal(env.HOME, '/root');
    assert.ok(env.PATH);
    assert.equal(env.PWD, undefined);
    const state = await readMarkers(engine, busybox.id);
    assert.deepEqual(state, { home: '/root', markerDir: '/root/.devcontainer', markers: {} });
  });

  it('the cache probes a container once per user and mode', async (t) => {
    if (!(await needDocker(t))) return;
    let execs = 0;
    const counting = { exec: (id: string, o: Parameters<DockerEngine['exec']>[1]) => (execs++, engine.exec(id, o)) };
    const cache = new UserEnvCache();
    const a = await cache.probe(counting, debian.id, { user: 'dev', mode: 'loginShell' });
    const b = await cache.probe(counting, debian.id, { user: 'dev', mode: 'loginShell' });
    assert.equal(a, b);
    assert.equal(execs, 1);
  });

  describe('probeThenRun: the probe and one command in one exec', () => {
    interface Ran {
      env: Record<string, string>;
      exitCode?: number;
      stdout: string;
      stderr: string;
      probed?: Record<string, string>;
      events: BerthEvent[];
    }
    const run = async (id: string, options: Partial<ProbeThenRunOptions> & { argv: string[]; extraEnv?: Record<string, string> }): Promise<Ran> => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const events: BerthEvent[] = [];
      let probed: Record<string, string> | undefined;
      const r = await probeThenRun(engine, id, {
        mode: 'loginInteractiveShell',
        workdir: '/tmp',
        events: (e) => events.push(e),
        onStdout: (c) => out.push(c),
        onStderr: (c) => err.push(c),
        next: async (env) => {
          probed = env;
          return { argv: options.argv, env: { ...env, ...options.extraEnv } };
        },
        ...options,
      });
      return { env: r.env, exitCode: r.result?.exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), probed, events };
    };

    it("runs the command with the probed env, in its folder, as the user, with the probe's output kept out", async (t) => {
      if (!(await needDocker(t))) return;
      const tricky = `it's "quoted" $HOME \\ \`x\`\nsecond line`;
      const r = await run(debian.id, {
        user: 'chatty',
        extraEnv: { FROM_REMOTE_ENV: tricky },
        argv: ['/bin/sh', '-c', 'echo "cwd=$(pwd) user=$(id -un) profile=$BERTH_PROFILE_VAR"; printf "%s" "$FROM_REMOTE_ENV" > /tmp/seen; echo "$1|$2"; read -r x || echo stdin-empty; echo oops >&2; exit 3', 'sh', "a 'b'", 'c d'],
      });
      assert.equal(r.exitCode, 3);
      assert.equal(r.stdout, `cwd=/tmp user=chatty profile=from profile.d\na 'b'|c d\nstdin-empty\n`);
      assert.equal(r.stderr, 'oops\n');
      assert.equal(r.probed?.BERTH_PROFILE_VAR, 'from profile.d');
      assert.equal(r.env.HOME, '/home/chatty');
      assert.deepEqual(r.env, r.probed);
      assert.equal(await sh(debian.id, 'cat /tmp/seen'), tricky);
      assert.equal(r.events.filter((e) => e.type === 'log' && e.level === 'warn').length, 0);
    });

    it('names `export` cannot take reach the command through env(1)', async (t) => {
      if (!(await needDocker(t))) return;
      // (A shell started by the command would drop them: env(1) shows them as the process got them.)
      const r = await run(debian.id, { user: 'dev', extraEnv: { 'odd-name': 'odd value', SHELLOPTS: 'braceexpand' }, argv: ['env'] });
      assert.equal(r.exitCode, 0);
      assert.match(r.stdout, /^odd-name=odd value$/m);
      assert.match(r.stdout, /^SHELLOPTS=braceexpand$/m);
    });

    it('a probe that runs over its time is stopped; the command is left to the caller', async (t) => {
      if (!(await needDocker(t))) return;
      const started = Date.now();
      const r = await run(debian.id, { user: 'hang', timeoutMs: 1500, argv: ['touch', '/tmp/should-not-exist'] });
      assert.ok(Date.now() - started < 6000);
      assert.equal(r.exitCode, undefined);
      assert.deepEqual(r.env, {});
      assert.equal(r.probed, undefined, 'next is not asked');
      assert.ok(r.events.some((e) => e.type === 'log' && e.level === 'warn' && /did not finish within 2 s/.test(e.message)));
      assert.equal(await sh(debian.id, 'test -e /tmp/should-not-exist && echo yes || echo no'), 'no\n');
      // Nothing of the probe is left running.
      assert.equal(await sh(debian.id, 'ps -eo user,args | grep -c "^hang" || true'), '0\n');
    });

    it('without env(1) the exec ends after the probe, with its env, and the command is left to the caller', async (t) => {
      if (!(await needDocker(t))) return;
      // (Not busybox: its shell runs its env applet even without the file.)
      const bare = await startTestContainer('debian:bookworm-slim');
      await sh(bare.id, 'rm /usr/bin/env && ! command -v env');
      const r = await run(bare.id, { argv: ['touch', '/tmp/ran'] });
      assert.equal(r.exitCode, undefined);
      assert.equal(r.env.HOME, '/root');
      assert.equal(r.probed, undefined);
      assert.equal(await sh(bare.id, 'test -e /tmp/ran && echo yes || echo no'), 'no\n');
    });
  });
});
