// examples/node-app (one multi-stage Dockerfile: dev stage for the dev container, prod stage in
// customizations.berth.production): "Berth: Show Dev/Prod Parity" builds both images with progress
// and opens a webview with the two layer stacks over the layers they share.
import assert from 'node:assert/strict';
import { imageTagFor, inspectImage } from '../harness/docker.mjs';

export default {
  name: 'parity',
  title: 'multi-stage Dockerfile: Show Dev/Prod Parity builds dev + prod and draws shared layers in a webview',
  order: 80,
  timeoutMs: 12 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'examples/node-app', settings: { 'berth.autoStart': 'off' } });
    await wb.waitForStatusBarText(/^Berth: /, 60_000);
    await wb.recordStatusBar('Berth:');

    await ctx.step('building', async () => {
      await wb.runCommand('Berth: Show Dev/Prod Parity');
      // Progress: the status bar's activity label or a progress notification, whichever shows first.
      const progress = await Promise.any([
        wb.waitForStatusHistory(/^Berth: (?!stopped$|failed$)/, 60_000),
        wb.notificationMessage(/Comparing|building|Building/, 60_000),
      ]).catch(() => undefined);
      ctx.check(progress !== undefined, 'no progress (status bar activity or notification) while the images build');
    });

    // The panel is a webview: an iframe (class webview) holding the page in another iframe (#active-frame).
    const view = wb.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    const sharedLabel = view.locator('.shared-label');
    await ctx.step('parity view', async () => {
      await sharedLabel.waitFor({ state: 'visible', timeout: 10 * 60_000 });
    });
    ctx.log(`status bar went through: ${(await wb.statusHistory()).join(' → ')}`);

    const shared = (await sharedLabel.textContent()) ?? '';
    ctx.log(`webview: ${shared}`);
    const m = /^Shared: (\d+) layers?, /.exec(shared.trim());
    assert.ok(m, `the shared band reads "${shared}"`);
    assert.ok(Number(m[1]) > 0, `dev and prod share no layers: "${shared}"`);
    const heads = (await view.locator('.picture .head').allTextContents()).map((t) => t.trim());
    assert.equal(heads.length, 2, `two stack headings, got ${JSON.stringify(heads)}`);
    assert.match(heads[0], /^Dev \(\d+ own, /);
    assert.match(heads[1], /^Production \(\d+ own, /);
    const counts = {
      shared: await view.locator('.layer.shared').count(),
      dev: await view.locator('.layer.dev').count(),
      prod: await view.locator('.layer.prod').count(),
    };
    ctx.log(`layer boxes: ${JSON.stringify(counts)}; headings ${JSON.stringify(heads)}`);
    assert.equal(counts.shared, Number(m[1]), 'one box per shared layer');
    assert.ok(counts.dev > 0 && counts.prod > 0, 'each image has layers of its own (dev: tools + user; prod: app + user)');
    const base = (await view.locator('.summary dd').first().textContent()) ?? '';
    assert.match(base, /debian:bookworm-slim/, `the shared base named in the summary: "${base}"`);

    // Both images are there under the tags the view names; the harness removes them after the journey.
    for (const tag of [imageTagFor(ws), `${imageTagFor(ws)}-prod`]) {
      const info = await inspectImage(tag);
      ctx.log(`image ${tag.slice(0, 30)}… ${info.Id.slice(7, 19)}`);
    }
    await view.locator('.picture').scrollIntoViewIfNeeded();
    await wb.screenshot('parity-layers');
    // Side by side and both in view: long RUN lines once pushed the production stack off the right edge.
    const [devBox, prodBox] = [await view.locator('.picture .head').nth(0).boundingBox(), await view.locator('.picture .head').nth(1).boundingBox()];
    const width = wb.page.viewportSize()?.width ?? 1280;
    assert.ok(devBox && prodBox && prodBox.x > devBox.x && prodBox.x + prodBox.width <= width,
      `the production stack is not beside the dev stack in view: dev ${JSON.stringify(devBox)}, prod ${JSON.stringify(prodBox)}`);
  },
};
