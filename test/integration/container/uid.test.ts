/**
 * The generated UID Dockerfile on the real engine: a Debian and a busybox image with a user `dev`
 * (uid 1000) get the new ids, a taken UID leaves the user alone, a taken GID keeps the old GID.
 * The image runs as Berth would run it (planContainer's keep-alive entrypoint), which also checks
 * that `stop` is immediate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planContainer } from '../../../src/core/container/plan';
import { planUidUpdate } from '../../../src/core/container/uid';
import { DockerEngine } from '../../../src/core/engine/engine';
import { ignoreEvents } from '../../../src/core/events';
import { dockerProblem, needDocker } from '../../support/docker';
import { imageConfig } from '../../unit/core/container/configFixture';

const TEST_LABEL = { 'dev.berth.test': 'uid' };
const engine = new DockerEngine({ connect: { env: process.env } });
const dirs: string[] = [];
const containers: string[] = [];

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-uid-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function build(tag: string, dockerfileText: string, buildArgs: Record<string, string> = {}): Promise<void> {
  const dir = folder({ Dockerfile: dockerfileText });
  await engine.buildImage({ context: dir, dockerfile: join(dir, 'Dockerfile'), tags: [tag], buildArgs, cacheFrom: [], labels: TEST_LABEL }, ignoreEvents);
}

/** Builds the UID image over `base` for host ids uid:gid; returns its name. */
async function buildUid(base: string, uid: number, gid: number, suffix: string): Promise<string> {
  const plan = planUidUpdate({ enabled: true, platform: 'linux', isNewContainer: true, hostUid: uid, hostGid: gid, remoteUser: 'dev', imageUser: 'dev', image: base });
  assert.ok(plan.run, 'the update is planned');
  const name = `${plan.imageName}${suffix}`;
  await build(name, plan.dockerfile, plan.buildArgs);
  return name;
}

/** Runs `script` in a keep-alive container of `image` (planned as Berth plans it); returns stdout. */
async function runIn(image: string, script: string): Promise<string> {
  const spec = planContainer(imageConfig({ workspaceMount: undefined, image }), { image, idLabels: TEST_LABEL, metadataLabel: '[]', hostEnv: {} });
  const id = await engine.createContainer(spec);
  containers.push(id);
  await engine.startContainer(id);
  let out = '';
  const { exitCode } = await engine.exec(id, { cmd: ['/bin/sh', '-c', script], user: 'root', onStdout: (c) => (out += c.toString()), onStderr: (c) => (out += c.toString()) });
  assert.equal(exitCode, 0, out);
  const started = Date.now();
  await engine.stopContainer(id, { timeoutSeconds: 10 });
  assert.ok(Date.now() - started < 5000, `stop took ${Date.now() - started} ms: the keep-alive script must exit on TERM`);
  await engine.removeContainer(id, { force: true });
  return out.trim();
}

const CHECK = 'id dev; stat -c "%u:%g" /home/dev /home/dev/file';

describe('updateRemoteUserUID Dockerfile (real engine)', () => {
  let ready = false;
  before(async () => {
    if (await dockerProblem()) return; // each test then skips (or fails in CI) through needDocker
    await build('berth-test/uid-debian:1', [
      'FROM debian:bookworm-slim',
      'RUN groupadd -g 1000 dev && useradd -m -u 1000 -g 1000 -s /bin/bash dev && touch /home/dev/file && chown dev:dev /home/dev/file \\',
      ' && useradd -M -u 1500 taken && groupadd -g 1600 takengroup',
      'USER dev',
    ].join('\n'));
    await build('berth-test/uid-busybox:1', [
      'FROM berth-test/busybox:latest',
      'RUN mkdir -p /etc /home/dev && echo "root:x:0:0:root:/root:/bin/sh" >> /etc/passwd && echo "root:x:0:" >> /etc/group \\',
      ' && echo "dev:x:1000:1000::/home/dev:/bin/sh" >> /etc/passwd && echo "dev:x:1000:" >> /etc/group \\',
      ' && touch /home/dev/file && chown -R 1000:1000 /home/dev',
      'USER dev',
    ].join('\n'));
    ready = true;
  });

  after(async () => {
    for (const id of containers) await engine.removeContainer(id, { force: true }).catch(() => undefined);
    if (ready) {
      const images = await engine.docker.listImages({ filters: JSON.stringify({ label: ['dev.berth.test=uid'] }) });
      for (const image of images) await engine.docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('gives dev the host ids and its home (debian)', async (t) => {
    if (!(await needDocker(t))) return;
    const image = await buildUid('berth-test/uid-debian:1', 2345, 2346, '');
    assert.equal(image, 'berth-test/uid-debian:1-uid');
    const out = await runIn(image, CHECK);
    assert.match(out, /^uid=2345\(dev\) gid=2346\(dev\)/m);
    assert.match(out, /^2345:2346\n2345:2346$/m);
    const info = await engine.inspectImage(image);
    assert.equal((info as { Config?: { User?: string } } | undefined)?.Config?.User, 'dev', 'USER is restored');
  });

  it('works without usermod (busybox)', async (t) => {
    if (!(await needDocker(t))) return;
    const out = await runIn(await buildUid('berth-test/uid-busybox:1', 2345, 2346, ''), CHECK);
    assert.match(out, /uid=2345\(dev\) gid=2346\(dev\)/);
    assert.match(out, /^2345:2346\n2345:2346$/m);
  });

  it('leaves dev alone when the UID is taken', async (t) => {
    if (!(await needDocker(t))) return;
    const out = await runIn(await buildUid('berth-test/uid-debian:1', 1500, 2346, '-taken'), CHECK);
    assert.match(out, /^uid=1000\(dev\) gid=1000\(dev\)/m);
    assert.match(out, /^1000:1000\n1000:1000$/m);
  });

  it('keeps the old GID when the new one is taken', async (t) => {
    if (!(await needDocker(t))) return;
    const out = await runIn(await buildUid('berth-test/uid-debian:1', 2345, 1600, '-gid'), CHECK);
    assert.match(out, /^uid=2345\(dev\) gid=1000\(dev\)/m);
    assert.match(out, /^2345:1000\n2345:1000$/m);
  });

  it('is a no-op when the ids already match', async (t) => {
    if (!(await needDocker(t))) return;
    const out = await runIn(await buildUid('berth-test/uid-debian:1', 1000, 1000, '-same'), CHECK);
    assert.match(out, /^uid=1000\(dev\) gid=1000\(dev\)/m);
  });
});
