/**
 * `buildProduction` on the real engine: the production stage from the same context, tagged after
 * the dev image, progress streamed; the last stage when the spec has no production section.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { imageNameFor } from '../../../src/core/container/buildPlan';
import type { BerthEvent } from '../../../src/core/events';
import { createBerthService, type BerthService, type UseCaseContext } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { PROD_STAGES, productionSection, productionWorkspace, type ProductionWorkspace } from '../../support/productionWorkspace';

const docker = new Docker();
const ctx = (events: BerthEvent[] = []): UseCaseContext => ({ events: (e) => events.push(e), env: { ...process.env } });

/** A file's content in an image, read by a throwaway container. */
async function catInImage(image: string, path: string): Promise<string> {
  const c = await docker.createContainer({ Image: image, Entrypoint: ['cat', path], Cmd: [], Labels: { 'dev.berth.test': '1' } });
  try {
    await c.start();
    await c.wait();
    const logs = await c.logs({ stdout: true, stderr: true });
    // Multiplexed frames: strip the 8-byte headers.
    const out: Buffer[] = [];
    for (let i = 0; i + 8 <= logs.length; ) {
      const len = logs.readUInt32BE(i + 4);
      out.push(logs.subarray(i + 8, i + 8 + len));
      i += 8 + len;
    }
    return Buffer.concat(out).toString();
  } finally {
    await c.remove({ force: true });
  }
}

describe('buildProduction', () => {
  let ws: ProductionWorkspace;
  let service: BerthService;

  before(async () => {
    ws = await productionWorkspace(PROD_STAGES, 'prodbuild');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  it('builds the production target, tagged <dev image>-prod, streaming the steps', async (t) => {
    if (!(await needDocker(t))) return;
    const events: BerthEvent[] = [];
    const result = await service.buildProduction({ workspaceFolder: ws.folder }, ctx(events));
    assert.equal(result.imageName, `${imageNameFor(ws.folder)}-prod`);
    assert.equal(result.devImageName, imageNameFor(ws.folder));
    assert.equal(result.target, 'prod');
    const info = await docker.getImage(result.imageName).inspect();
    assert.equal(info.Id, result.imageId);
    assert.deepEqual(info.Config.Cmd, ['sh', '/srv/app.sh']);
    assert.equal((await catInImage(result.imageName, '/srv/app.sh')).includes('app started'), true);
    // The dev stage's file is not in the production image: the build stopped at prod's own content.
    assert.match(await catInImage(result.imageName, '/dev.txt'), /can't open|No such file/);
    assert.equal(info.Config.Labels['dev.berth.production'] !== undefined, true);
    assert.equal(info.Config.Labels['devcontainer.local_folder'], undefined, 'the dev container label would make up() take it for the dev container');
    assert.ok(events.some((e) => e.type === 'build-step'), 'build steps are streamed');
    assert.ok(events.some((e) => e.type === 'output' && e.source === 'build'), 'build output is streamed');
    // The spec's build arg reached the shared stage.
    assert.equal((await catInImage(result.imageName, '/base.txt')).trim(), 'base 1');
  });

  it('uses the imageName and buildArgs of the production section', async (t) => {
    if (!(await needDocker(t))) return;
    const tag = `vsc-prodbuild-custom-${process.pid}:v1`;
    await ws.editSpec((spec) => Object.assign(productionSection(spec), { imageName: tag, buildArgs: { STAMP: 'prod' } }));
    try {
      const result = await service.buildProduction({ workspaceFolder: ws.folder }, ctx());
      assert.equal(result.imageName, tag);
      assert.equal((await catInImage(tag, '/base.txt')).trim(), 'base prod');
    } finally {
      await docker.getImage(tag).remove({ noprune: true }).catch(() => undefined);
    }
  });

  it("builds the Dockerfile's last stage when the spec has no production section", async (t) => {
    if (!(await needDocker(t))) return;
    await ws.editSpec((spec) => delete spec.customizations);
    const result = await service.buildProduction({ workspaceFolder: ws.folder }, ctx());
    assert.equal(result.target, undefined);
    assert.equal((await catInImage(result.imageName, '/final.txt')).trim(), 'final');
  });

  it('refuses an image spec, naming the file', async (t) => {
    if (!(await needDocker(t))) return;
    await ws.editSpec((spec) => {
      delete spec.build;
      spec.image = 'berth-test/busybox:latest';
    });
    await assert.rejects(service.buildProduction({ workspaceFolder: ws.folder }, ctx()), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, /needs a Dockerfile spec/);
      return true;
    });
  });
});
