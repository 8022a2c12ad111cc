// A spec with a syntax error: starting fails with an error that names the line, "Open Spec File" puts
// the cursor on it, and the spec's JSON schema (contributed through jsonValidation) gives hover and
// completion in that editor.
import assert from 'node:assert/strict';
import { status } from '../harness/berth.mjs';
import { containersFor } from '../harness/docker.mjs';

export default {
  name: 'broken-spec',
  title: 'broken spec: the error names the line, Open Spec File goes there, schema hover and completion work',
  order: 30,
  timeoutMs: 4 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/broken-spec', settings: { 'berth.autoStart': 'off' } });
    await wb.waitForStatusBarText(/^Berth: /, 90_000);

    // The fixture's comma is missing at the end of line 5, so the parser stops at line 6.
    const failed = /Start Container failed/;
    await ctx.step('error names the line', async () => {
      await wb.runCommand('Berth: Start Container');
      const text = await wb.notificationMessage(failed, 90_000);
      ctx.log(`error: ${text.slice(0, 300)}`);
      ctx.check(/line 6\b|:6:\d+/.test(text), `the error notification does not name line 6: "${text.slice(0, 200)}"`);
      await wb.waitForStatusBarText(status.failed, 30_000);
    });
    assert.deepEqual(await containersFor(ws), [], 'a broken spec starts nothing');

    await ctx.step('open spec file at the line', async () => {
      await wb.clickNotificationButton(failed, 'Open Spec File');
      const pos = await wb.cursorPosition();
      assert.equal(pos.line, 6, `cursor at ${pos.line}:${pos.column}, expected line 6`);
      assert.match(await wb.editorText(), /"remoteUser": "root"/);
    });

    await ctx.step('schema hover', async () => {
      await wb.goToPosition(4, 5); // on "name"
      const hover = await wb.hoverAtCursor(/display name for the dev container/i, 60_000);
      ctx.log(`hover: ${hover.replace(/\s+/g, ' ').slice(0, 120)}`);
    });

    await ctx.step('schema completion', async () => {
      await wb.goToPosition(3, 2); // after the opening brace
      await wb.page.keyboard.press('Enter');
      await wb.page.keyboard.type('"postCr');
      const labels = await wb.suggestionsAtCursor(/postCreateCommand/, 60_000);
      ctx.log(`suggestions: ${labels.slice(0, 3).join(' | ')}`);
    }); // the step's screenshot shows the suggestions
  },
};
