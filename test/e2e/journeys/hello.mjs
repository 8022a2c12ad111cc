// examples/hello (a Dockerfile spec with a non-root user and hooks) with berth.autoStart "always":
// the window opens, Berth builds and starts it by itself, a container terminal answers, the status bar stops it.
import assert from 'node:assert/strict';
import { isBusy, status, theContainer } from '../harness/berth.mjs';

export default {
  name: 'hello',
  title: 'Dockerfile spec, auto-start always: building → running, container terminal, stop from the status bar',
  order: 10,
  timeoutMs: 8 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'examples/hello', settings: { 'berth.autoStart': 'always' } });
    await wb.recordStatusBar('Berth:');

    await ctx.step('busy', () => wb.waitForStatusHistory(status.busy, 90_000));
    await ctx.step('running', () => wb.waitForStatusBarText(status.running('hello'), 5 * 60_000, { failOn: status.broken }));
    const history = await wb.statusHistory();
    ctx.log(`status bar went through: ${history.join(' → ')}`);
    assert.ok(history.findIndex(isBusy) < history.findIndex((t) => status.running('hello').test(t)), 'busy before running');
    assert.equal((await theContainer(ws)).State, 'running');

    await ctx.step('terminal', async () => {
      await wb.runCommand('Berth: Open Terminal in Container');
      await wb.waitForTerminal(/Berth: hello/);
      await wb.typeInTerminal('cat /etc/os-release; id');
      const text = await wb.waitForTerminalText(/uid=\d+\(dev\)[^\n]*/, 60_000);
      assert.match(text, /ID=debian/, 'the container answered with its os-release');
    });

    await ctx.step('stopping', async () => {
      await wb.clickStatusBarItem(status.running('hello'));
      await wb.waitForStatusBarText(status.stopped, 90_000);
    });
    const c = await theContainer(ws);
    assert.notEqual(c.State, 'running', `container still ${c.State} after Stop`);
  },
};
