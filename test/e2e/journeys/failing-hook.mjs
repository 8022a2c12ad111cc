// A postCreateCommand that fails: the status bar says failed, the log shows the hook's own output,
// and the container stays up so the user can look inside.
import assert from 'node:assert/strict';
import { status, theContainer } from '../harness/berth.mjs';

export default {
  name: 'failing-hook',
  title: 'failing postCreateCommand: failed in the status bar, hook output in the log, container stays up',
  order: 50,
  timeoutMs: 4 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/failing-hook', settings: { 'berth.autoStart': 'always' } });
    await ctx.step('failed', () => wb.waitForStatusBarText(status.failed, 3 * 60_000, { failOn: status.running('failing-hook') }));
    await ctx.step('log shows the hook output', async () => {
      await wb.runCommand('Berth: Show Log');
      await wb.waitForOutputText(/hook says: about to fail/, 30_000);
    });
    assert.equal((await theContainer(ws)).State, 'running', 'the container stays up after its hook failed');
  },
};
