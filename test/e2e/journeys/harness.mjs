// The page helpers themselves, on VS Code's own features only (a host terminal, the settings.json
// schema): when this journey fails the harness or code-server is broken, not Berth.
import assert from 'node:assert/strict';

export default {
  name: 'harness',
  title: 'page helpers on VS Code itself: palette, host terminal, editor hover and completion',
  order: 1,
  timeoutMs: 3 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb } = await ctx.launch({ from: 'test/e2e/workspaces/quick', settings: { 'berth.autoStart': 'off', 'editor.fontSize': 14 } });

    await ctx.step('host terminal', async () => {
      await wb.runCommand('Terminal: Create New Terminal');
      await wb.waitForTerminal(/bash/);
      await wb.typeInTerminal('echo "harness $((6 * 7))"');
      await wb.waitForTerminalText(/^harness 42$/m, 30_000);
    });

    await ctx.step('settings hover', async () => {
      await wb.openFile('.vscode/settings.json');
      ctx.log('file open');
      assert.match(await wb.editorText(), /editor\.fontSize/);
      const lines = (await wb.editorText()).split('\n');
      const line = lines.findIndex((l) => l.includes('editor.fontSize')) + 1;
      await wb.goToPosition(line, 8);
      ctx.log('cursor placed');
      const hover = await wb.hoverAtCursor(/font size/i);
      ctx.log(`hover: ${hover.slice(0, 80)}`);
    });

    await ctx.step('settings completion', async () => {
      const lines = (await wb.editorText()).split('\n');
      const line = lines.findIndex((l) => l.includes('editor.fontSize')) + 1;
      await wb.goToPosition(line, 1);
      await wb.page.keyboard.type('"editor.fontFam');
      const labels = await wb.suggestionsAtCursor(/editor\.fontFamily/);
      ctx.log(`suggestions: ${labels.slice(0, 3).join(' | ')}`);
    }); // the step's screenshot shows the suggestions
  },
};
