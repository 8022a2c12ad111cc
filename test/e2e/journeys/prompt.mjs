// berth.autoStart "prompt" (the default): opening the folder asks whether to start; "Start" starts it.
import { status, theContainer } from '../harness/berth.mjs';
import assert from 'node:assert/strict';

export default {
  name: 'prompt',
  title: 'auto-start prompt: the notification asks, Start starts the container',
  order: 20,
  timeoutMs: 4 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/quick', settings: { 'berth.autoStart': 'prompt' } });
    const question = /Start the dev container for quick\?/;
    await ctx.step('asked', () => wb.waitForNotification(question, 90_000));
    assert.equal((await theContainer(ws).catch(() => undefined)), undefined, 'nothing starts before the answer');
    await ctx.step('running', async () => {
      await wb.clickNotificationButton(question, 'Start');
      await wb.waitForStatusBarText(status.running('quick'), 3 * 60_000, { failOn: status.broken });
    });
    assert.equal((await theContainer(ws)).State, 'running');
  },
};
