// Workspace trust on and this folder not trusted: Berth starts nothing, even with auto-start "always"
// or an explicit Start, and tells the user why.
import assert from 'node:assert/strict';
import { status } from '../harness/berth.mjs';
import { containersFor } from '../harness/docker.mjs';

export default {
  name: 'untrusted',
  title: 'untrusted workspace: nothing runs, the user is told why',
  order: 40,
  timeoutMs: 3 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/quick', trust: true, settings: { 'berth.autoStart': 'always' } });
    await ctx.step('restricted', async () => {
      await wb.waitForStatusBarText(status.restricted, 90_000);
      await wb.waitForNotification(/does not start the dev container of an untrusted workspace/, 60_000);
    });
    assert.deepEqual(await containersFor(ws), [], 'auto-start ran something in an untrusted workspace');

    await ctx.step('status bar leads to trust', async () => {
      // Start is not offered while restricted; the status bar item leads to the Workspace Trust editor.
      await wb.clickStatusBarItem(status.restricted);
      await wb.page.locator('.tabs-container .tab').filter({ hasText: 'Workspace Trust' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    });
    assert.deepEqual(await containersFor(ws), [], 'something ran in an untrusted workspace');
    await wb.waitForStatusBarText(status.restricted, 5_000);
  },
};
