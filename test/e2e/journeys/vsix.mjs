// The packaged extension (npm run package → berth.vsix), installed with code-server --install-extension
// as a user would: it activates, starts a container, opens a terminal in it, and its schema is shipped.
import assert from 'node:assert/strict';
import { status, theContainer } from '../harness/berth.mjs';

export default {
  name: 'vsix',
  title: 'packaged berth.vsix installed into code-server: start, terminal, schema, stop',
  order: 60,
  needs: ['vsix'],
  timeoutMs: 5 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/quick', extension: 'vsix', settings: { 'berth.autoStart': 'always' } });
    await ctx.step('running', () => wb.waitForStatusBarText(status.running('quick'), 3 * 60_000, { failOn: status.broken }));
    assert.equal((await theContainer(ws)).State, 'running');

    await ctx.step('terminal', async () => {
      await wb.runCommand('Berth: Open Terminal in Container');
      await wb.waitForTerminal(/Berth: quick/);
      await wb.typeInTerminal('cat /tmp/quick-created.txt; id -u');
      await wb.waitForTerminalText(/quick-created\n0$/m, 60_000);
    });

    await ctx.step('schema hover', async () => {
      await wb.openFile('.devcontainer/devcontainer.json');
      const line = (await wb.editorText()).split('\n').findIndex((l) => l.includes('"name"')) + 1;
      await wb.goToPosition(line, 5);
      await wb.hoverAtCursor(/display name for the dev container/i, 60_000);
    });

    await ctx.step('stopped', async () => {
      await wb.runCommand('Berth: Stop Container');
      await wb.waitForStatusBarText(status.stopped, 90_000);
    });
    assert.notEqual((await theContainer(ws)).State, 'running');
  },
};
