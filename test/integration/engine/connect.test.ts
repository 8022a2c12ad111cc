import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerEngine } from '../../../src/core/engine/engine';
import { BerthError } from '../../../src/core/errors';
import { needDocker } from '../../support/docker';
import { makeEngine } from './support';

describe('engine connection (real engine)', () => {
  const engine = makeEngine();

  it('pings and reports its version', async (t) => {
    if (!(await needDocker(t))) return;
    await engine.ping();
    const info = await engine.version();
    assert.match(info.apiVersion, /^1\.\d+$/);
    // Independent of Berth's detection: what the engine itself lists as its components.
    const components = ((await engine.docker.version()).Components ?? []).map((c) => c.Name);
    assert.equal(info.isPodman, components.some((n) => /podman/i.test(n)), components.join(', '));
    assert.equal(await engine.version(), info, 'version is cached');
  });

  it("tells Podman from Docker by /_ping's headers, and reads rootless from /info on Podman", async (t) => {
    if (!(await needDocker(t))) return;
    const fresh = makeEngine();
    const facts = await fresh.facts();
    const components = ((await fresh.docker.version()).Components ?? []).map((c) => c.Name);
    const podman = components.some((n) => /podman/i.test(n));
    assert.equal(facts.isPodman, podman, components.join(', '));
    const info = (await fresh.docker.info()) as { Rootless?: boolean; SecurityOptions?: string[] | null };
    const rootless = info.Rootless === true || (info.SecurityOptions ?? []).some((o) => o.split(',').includes('name=rootless'));
    // Read for Podman only (its plan depends on it); Docker's plan does not.
    assert.equal(facts.rootless, podman && rootless);
    assert.equal(await fresh.facts(), facts, 'facts are cached');
  });

  it('a DOCKER_HOST pointing at a missing socket is docker-unavailable, naming the socket', async (t) => {
    if (!(await needDocker(t))) return;
    const missing = new DockerEngine({ connect: { env: { DOCKER_HOST: 'unix:///tmp/berth-no-such-engine.sock' } } });
    await assert.rejects(missing.ping(), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'docker-unavailable');
      assert.equal(e.message, 'Docker is not running (no engine at /tmp/berth-no-such-engine.sock)');
      assert.match(e.hint ?? '', /DOCKER_HOST/);
      return true;
    });
  });

  it('an explicit host wins over DOCKER_HOST', async (t) => {
    if (!(await needDocker(t))) return;
    const e = new DockerEngine({ connect: { host: 'unix:///var/run/docker.sock', env: { DOCKER_HOST: 'unix:///tmp/berth-no-such-engine.sock' } } });
    await e.ping();
    assert.equal(e.endpoint.source, 'berth.dockerHost');
  });

  it('an aborted signal cancels a call', async (t) => {
    if (!(await needDocker(t))) return;
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(engine.findContainers({}, { signal: ac.signal }), (e: unknown) => e instanceof BerthError && e.code === 'cancelled');
  });
});
