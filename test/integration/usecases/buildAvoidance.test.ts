/**
 * Build avoidance on the real engine: a Dockerfile build whose inputs, settings and base images are
 * all unchanged reuses the image it made before without asking the engine to build; any change, an
 * input Berth cannot hash (ADD from a URL) or --no-cache goes to the engine.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type BuildOptions } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';

const docker = new Docker();
const BASE = 'berth-test/busybox:latest';

interface BuildRun {
  imageId: string;
  /** Whether the engine was asked to build (Berth says so, and the engine tagged the image). */
  built: boolean;
  tagged: boolean;
}

describe('build avoidance', () => {
  let root: string;
  let folder: string;
  let service: BerthService;
  const tag = `berth-test/avoid-${process.pid}:dev`;
  const baseAlias = `berth-test/avoid-base-${process.pid}:latest`;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-avoid-'));
    folder = join(root, 'ws');
    await mkdir(join(folder, '.devcontainer', 'src'), { recursive: true });
    await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify({ build: { dockerfile: 'Dockerfile', args: { GREETING: 'hi' } } }));
    await writeFile(join(folder, '.devcontainer', 'src', 'app.txt'), 'one');
    await writeFile(join(folder, '.devcontainer', 'notes.md'), 'not copied');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => {
    for (const ref of [tag, baseAlias]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function dockerfile(text: string): Promise<void> {
    await writeFile(join(folder, '.devcontainer', 'Dockerfile'), text);
  }

  async function build(options: Partial<BuildOptions> = {}, env: NodeJS.ProcessEnv = process.env): Promise<BuildRun> {
    const events: BerthEvent[] = [];
    const tags: string[] = [];
    const stream = await docker.getEvents({ filters: { type: ['image'], event: ['tag'] } });
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) tags.push((JSON.parse(line) as { Actor?: { Attributes?: { name?: string } } }).Actor?.Attributes?.name ?? '');
    });
    try {
      const r = await service.build({ workspaceFolder: folder, imageNames: [tag], ...options }, { events: (e) => events.push(e), env: { ...env } });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the engine's events arrive
      const upToDate = events.some((e) => e.type === 'log' && /is up to date/.test(e.message));
      const building = events.some((e) => e.type === 'phase' && e.phase === 'building');
      assert.notEqual(upToDate, building, 'exactly one of: up to date, building');
      return { imageId: r.imageId, built: building, tagged: tags.includes(tag) };
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
  }

  it('builds once, then reuses the image while nothing that goes into it changes', async (t) => {
    if (!(await needDocker(t))) return;
    await dockerfile(`FROM ${BASE}\nARG GREETING\nCOPY src/ /app/\nRUN echo "$GREETING" > /greeting\n`);
    const first = await build();
    assert.equal(first.built, true);
    const second = await build();
    assert.deepEqual(second, { imageId: first.imageId, built: false, tagged: false });
    // A file the Dockerfile does not copy is not an input.
    await writeFile(join(folder, '.devcontainer', 'notes.md'), 'edited');
    assert.equal((await build()).built, false);
  });

  it('builds again when a copied file, a build arg, the base image or the settings change', async (t) => {
    if (!(await needDocker(t))) return;
    await writeFile(join(folder, '.devcontainer', 'src', 'app.txt'), 'two');
    const edited = await build();
    assert.equal(edited.built, true);
    assert.equal(edited.tagged, true);
    assert.equal((await build()).built, false);

    await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify({ build: { dockerfile: 'Dockerfile', args: { GREETING: 'hello' } } }));
    assert.equal((await build()).built, true, 'a build arg changed');
    assert.equal((await build()).built, false);

    assert.equal((await build({ noCache: true })).built, true, '--no-cache always builds');
    assert.equal((await build({}, { ...process.env, BERTH_REUSE_UNCHANGED_IMAGE: '0' })).built, true, 'the switch turns it off');

    // The same base name now names another image: the build must start from it.
    await docker.getImage(BASE).tag({ repo: baseAlias.split(':')[0], tag: 'latest' });
    await dockerfile(`FROM ${baseAlias}\nARG GREETING\nCOPY src/ /app/\nRUN echo "$GREETING" > /greeting\n`);
    assert.equal((await build()).built, true, 'Dockerfile changed');
    assert.equal((await build()).built, false);
    const other = await docker.getImage('debian:bookworm-slim').inspect();
    await docker.getImage(other.Id).tag({ repo: baseAlias.split(':')[0], tag: 'latest' });
    const rebased = await build();
    assert.equal(rebased.built, true, 'the base image changed');
  });

  it('always asks the engine when the Dockerfile reads something Berth cannot hash (ADD from a URL)', async (t) => {
    if (!(await needDocker(t))) return;
    // A URL nothing answers at: the build fails, which proves the engine was asked both times.
    await dockerfile(`FROM ${BASE}\nADD http://127.0.0.1:9/nothing /nothing\n`);
    for (let i = 0; i < 2; i++) {
      const events: BerthEvent[] = [];
      await assert.rejects(service.build({ workspaceFolder: folder, imageNames: [tag] }, { events: (e) => events.push(e), env: { ...process.env } }));
      assert.ok(events.some((e) => e.type === 'phase' && e.phase === 'building'));
    }
  });
});
