import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ImageBuildSpec } from '../../../src/core/engine/types';
import { BerthError } from '../../../src/core/errors';
import type { BerthEvent } from '../../../src/core/events';
import { dockerProblem, needDocker } from '../../support/docker';
import { cleanup, delay, makeEngine, spec, TEST_LABEL, TEST_VALUE, uniq } from './support';

const fixtures = resolve(__dirname, '../../fixtures/engine');

describe('image builds (real engine)', () => {
  const engine = makeEngine();
  const tags: string[] = [];
  const tag = (name: string) => {
    const t = `berth-test-engine/${name}:${uniq('t')}`;
    tags.push(t);
    return t;
  };
  /** Intermediate images the builds reported (` ---> id`): untagged, so removed by id afterwards. */
  const layers = new Set<string>();
  const track =
    (sink: (e: BerthEvent) => void = () => undefined) =>
    (e: BerthEvent) => {
      const m = e.type === 'output' ? /^ ---> ([0-9a-f]{12})\n$/.exec(e.text) : null;
      if (m) layers.add(m[1]);
      sink(e);
    };
  after(async () => {
    if (await dockerProblem()) return;
    await cleanup(engine);
    for (const t of tags) await engine.docker.getImage(t).remove({ force: true }).catch(() => undefined);
    // Newest first, so children go before their parents. Tagged ones (the base images) are never
    // touched: removing an image by id would untag it.
    for (const id of [...layers].reverse()) {
      const image = await engine.inspectImage(id);
      if (!image || (image.RepoTags ?? []).length > 0) continue;
      await engine.docker.getImage(id).remove().catch(() => undefined);
    }
  });

  function buildSpec(dir: string, overrides: Partial<ImageBuildSpec> = {}): ImageBuildSpec {
    return {
      context: join(fixtures, dir),
      dockerfile: join(fixtures, dir, 'Dockerfile'),
      tags: [],
      buildArgs: {},
      cacheFrom: [],
      labels: { [TEST_LABEL]: TEST_VALUE },
      ...overrides,
    };
  }

  /** Runs `sh -c cmd` in a throwaway container of the image and returns its stdout. */
  async function runIn(image: string, cmd: string): Promise<string> {
    const id = await engine.createContainer(spec({ image, cmd: ['sleep', '60'] }));
    await engine.startContainer(id);
    let out = '';
    const r = await engine.exec(id, { cmd: ['sh', '-c', cmd], onStdout: (c) => (out += c.toString()) });
    await engine.removeContainer(id, { force: true });
    assert.equal(r.exitCode, 0, `${cmd}: ${out}`);
    return out;
  }

  it('honours .dockerignore (ignored files absent, ! exceptions present) and reports steps', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const name = tag('ignore');
    const { imageId } = await engine.buildImage(buildSpec('ignore-ctx', { tags: [name], noCache: true }), track((e) => events.push(e)));
    assert.match(imageId, /^(sha256:)?[0-9a-f]{12,64}$/);
    assert.deepEqual(
      events.filter((e) => e.type === 'build-step').map((e) => (e.type === 'build-step' ? [e.step, e.total] : [])),
      // The classic builder applies build labels as one more step.
      [[1, 4], [2, 4], [3, 4], [4, 4]],
    );
    // The builder's own step line: Docker's `Step 2/4 : COPY …`, Podman's (buildah) `STEP 2/4: COPY …`.
    assert.ok(events.some((e) => e.type === 'output' && /(Step 2\/4 :|STEP 2\/4:) COPY \. \/ctx\//.test(e.text)));
    const files = (await runIn(name, 'cd /ctx && find . -type f | sort')).trim().split('\n');
    // The Dockerfile is sent (the build needs it) but, being excluded, the engine keeps it out of COPY, as with `docker build`.
    assert.deepEqual(files, ['./.dockerignore', './kept.txt', './secrets/public.txt', './sub/keep.txt']);
    const image = await engine.inspectImage(name);
    assert.equal(image?.Config.Labels?.[TEST_LABEL], TEST_VALUE);
  });

  it('a rebuild hits the cache and reports build-cached', async (t) => {
    if (!(await needDocker(t))) return;
    const first = await engine.buildImage(buildSpec('ignore-ctx', { tags: [tag('cache')] }), track());
    const events: BerthEvent[] = [];
    const second = await engine.buildImage(buildSpec('ignore-ctx', { tags: [tag('cache')] }), track((e) => events.push(e)));
    assert.equal(second.imageId, first.imageId);
    assert.deepEqual(events.filter((e) => e.type === 'build-cached').map((e) => (e.type === 'build-cached' ? e.step : 0)), [2, 3, 4]);
  });

  it('builds a target stage with build args', async (t) => {
    if (!(await needDocker(t))) return;
    const dev = tag('dev');
    await engine.buildImage(buildSpec('stages', { tags: [dev], target: 'dev', buildArgs: { GREETING: 'ahoy' } }), track());
    assert.equal(await runIn(dev, 'cat /greeting /stage'), 'ahoy\ndev\n');
    const prod = tag('prod');
    await engine.buildImage(buildSpec('stages', { tags: [prod], target: 'prod' }), track());
    assert.equal(await runIn(prod, 'cat /greeting /stage'), 'hello\nprod\n');
  });

  it('builds with a Dockerfile outside the context', async (t) => {
    if (!(await needDocker(t))) return;
    const name = tag('outside');
    await engine.buildImage(
      { ...buildSpec('outside/ctx'), dockerfile: join(fixtures, 'outside', 'outside.Dockerfile'), tags: [name] },
      () => undefined,
    );
    assert.equal(await runIn(name, 'cat /data.txt; ls -a / | grep -c berth-dockerfile || true'), 'outside-data\n0\n');
  });

  it('a failing step is build-failed naming the Dockerfile, step and line', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const name = tag('broken');
    await assert.rejects(engine.buildImage(buildSpec('broken', { tags: [name] }), track((e) => events.push(e))), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'build-failed');
      assert.match(e.message, /broken\/Dockerfile failed at step 3\/5 \(RUN echo failing-on-purpose >&2 &&/);
      assert.match(e.message, /non-zero code: 7|exit status 7/);
      assert.deepEqual(e.location, { file: join(fixtures, 'broken', 'Dockerfile'), line: 4, column: 1 });
      assert.ok(e.hint);
      return true;
    });
    assert.ok(events.some((e) => e.type === 'output' && e.text.includes('failing-on-purpose')), 'the step output was streamed');
    assert.equal(await engine.imageExists(name), false);
  });

  it('a missing base image is build-failed with a hint about the registry', async (t) => {
    if (!(await needDocker(t))) return;
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'berth-engine-nobase-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM berth-test/no-such-base:1\n');
    try {
      await assert.rejects(
        engine.buildImage({ ...buildSpec('broken'), context: dir, dockerfile: join(dir, 'Dockerfile') }, track()),
        (e: unknown) => e instanceof BerthError && e.code === 'build-failed' && /step 1\/2 \(FROM berth-test\/no-such-base:1\)/.test(e.message) && /base image/.test(e.hint ?? ''),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cancelled build rejects with cancelled and leaves no tagged image', async (t) => {
    if (!(await needDocker(t))) return;
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'berth-engine-cancel-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM berth-test/busybox:latest\nRUN sleep 2.5\n');
    const name = tag('cancelled');
    const ac = new AbortController();
    const steps: number[] = [];
    try {
      const started = Date.now();
      // The abort waits for Berth to read step 2: a builder whose step lines it cannot read is never
      // cancelled and finishes (how this once failed on Podman, before buildah's `STEP n/m:` was read).
      await assert.rejects(
        engine.buildImage({ ...buildSpec('broken'), context: dir, dockerfile: join(dir, 'Dockerfile'), tags: [name], noCache: true }, (e) => {
          if (e.type === 'build-step') steps.push(e.step);
          if (e.type === 'build-step' && e.step === 2) setTimeout(() => ac.abort(), 300);
        }, ac.signal),
        (e: unknown) => e instanceof BerthError && e.code === 'cancelled',
        `the build was never cancelled; steps read: ${JSON.stringify(steps)}`,
      );
      assert.ok(Date.now() - started < 2500, 'rejected promptly');
      // Past the point where an uncancelled build would have finished and tagged. Podman (4.3) does
      // not stop the running step when the client goes: the step ends, then fails on its closed output.
      await delay(3000);
      assert.equal(await engine.imageExists(name), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a context file that cannot be sent is build-failed naming it, not an engine problem', async (t) => {
    if (!(await needDocker(t))) return;
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'berth-engine-fifo-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM berth-test/busybox:latest\nCOPY . /x/\n');
    // A named pipe cannot go into a tar (whoever runs the test, root included).
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    try {
      await assert.rejects(
        engine.buildImage({ ...buildSpec('broken'), context: dir, dockerfile: join(dir, 'Dockerfile') }, track()),
        (e: unknown) => {
          assert.ok(e instanceof BerthError, String(e));
          assert.equal(e.code, 'build-failed');
          assert.match(e.message, /Cannot send the build context .*pipe/);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
