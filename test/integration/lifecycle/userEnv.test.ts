import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DockerEngine } from '../../../src/core/engine/engine';
import type { BerthEvent } from '../../../src/core/events';
import { readMarkers } from '../../../src/core/lifecycle/markers';
import { probeUserEnv, UserEnvCache } from '../../../src/core/lifecycle/userEnv';
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
});
