// The Docker daemon stops while the window is idle with a container terminal open, then comes back
// (issue 9). The terminal says the connection to Docker was lost and what to do, the status bar says
// Docker is unavailable, then shows the container's true state once dockerd answers again, and the
// next Start works with no cleanup. Stopping dockerd takes `flock -x /tmp/berth-docker.lock` (others
// take it shared) and dockerd is always started again before the lock is let go.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { status, theContainer } from '../harness/berth.mjs';
import { daemonAnswers, daemonProblem, holdDockerLock, startDaemon, stopDaemon } from '../harness/daemon.mjs';

const unavailable = /^Berth: Docker unavailable$/;
// The note spans two rows of an 80-column terminal, so it is matched with the rows joined and blanks dropped.
const squash = (text) => text.replace(/\s+/g, '');
const lostNote = new RegExp(squash('\\[Berth: the connection to Docker was lost: Docker is not running[^\\]]*\\. Start Docker, then run Berth: Start Container\\.\\]'));

export default {
  name: 'daemon-outage',
  title: 'dockerd stopped while idle with a terminal open, then started: terminal message, Docker unavailable, the truth, Start again',
  // Last: it stops the engine every other journey needs.
  order: 90,
  // Up to 8 minutes of it may be waiting for others to let go of the Docker lock.
  timeoutMs: 14 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const problem = await daemonProblem();
    if (problem) throw new Error(`this journey stops and restarts the local dockerd, and cannot here: ${problem}`);
    const { wb, ws } = await ctx.launch({ from: 'test/e2e/workspaces/quick', settings: { 'berth.autoStart': 'off' } });
    await wb.recordStatusBar('Berth:');

    await ctx.step('running', async () => {
      // The palette lists Start only once Berth knows the container's state.
      await wb.waitForStatusBarText(status.stopped, 90_000);
      await wb.runCommand('Berth: Start Container');
      await wb.waitForStatusBarText(status.running('quick'), 3 * 60_000, { failOn: status.broken });
    });
    const before = await theContainer(ws);
    assert.equal(before.State, 'running');

    await ctx.step('terminal', async () => {
      await wb.runCommand('Berth: Open Terminal in Container');
      await wb.waitForTerminal(/Berth: quick/);
      await wb.typeInTerminal('echo "before the outage $((6 * 7))"');
      await wb.waitForTerminalText(/^before the outage 42$/m, 60_000);
    });

    const lock = await holdDockerLock({ logFile: join(ctx.shotsDir, 'docker-lock.log'), waitMs: 8 * 60_000, log: (l) => ctx.log(l) });
    // Also on a timeout or a failure: the holder restarts dockerd (ensure-docker.sh) before letting go.
    ctx.cleanups.push(() => lock.release());
    let truth;
    try {
      // Both waits start with the SIGTERM (dockerd takes seconds to exit), to time what Berth shows.
      const stoppedAt = Date.now();
      const stopping = stopDaemon();
      const since = (p) => p.then((v) => ({ v, ms: Date.now() - stoppedAt }));
      const ended = since(wb.waitForTerminalText(/Press any key to close the terminal\.$/, 30_000));
      const told = since(wb.waitForStatusBarText(unavailable, 30_000));
      ended.catch(() => {});
      told.catch(() => {});
      await ctx.step('daemon stopped', async () => {
        const ms = await stopping;
        ctx.log(`dockerd stopped (SIGTERM) and gone after ${ms} ms`);
      });

      await ctx.step('terminal says why', async () => {
        const { v: text, ms } = await ended;
        const note = text.slice(text.lastIndexOf('[Berth:')).split('\n').slice(0, -1).join('');
        ctx.log(`terminal shows the message within ${ms} ms of SIGTERM: ${note}`);
        assert.match(squash(text), lostNote, `the terminal names the lost connection and what to do; it shows:\n${text}`);
        assert.doesNotMatch(text, /process exited with code unknown/, 'the lost connection is named, not an unknown exit code');
      });

      await ctx.step('docker unavailable', async () => {
        const { ms } = await told;
        ctx.log(`status bar says Docker unavailable within ${ms} ms of SIGTERM`);
      });

      await ctx.step('daemon started', async () => {
        const ms = await startDaemon();
        ctx.log(`dockerd answers again after ${ms} ms (scripts/ensure-docker.sh)`);
      });
      const backAt = Date.now();

      await ctx.step('status is the truth', async () => {
        // dockerd stops its containers on shutdown unless live-restore or a restart policy says otherwise.
        truth = (await theContainer(ws)).State;
        ctx.log(`after the restart Docker says the container is ${truth}`);
        const expected = truth === 'running' ? status.running('quick') : status.stopped;
        await wb.waitForStatusBarText(expected, 30_000);
        ctx.log(`status bar shows ${expected} ${((Date.now() - backAt) / 1000).toFixed(1)} s after dockerd answered`);
      });
    } finally {
      // Never leave the engine down, whatever failed above.
      if (!(await daemonAnswers())) await startDaemon().catch((e) => ctx.log(`startDaemon: ${e.message}`));
      await lock.release();
    }
    ctx.log(`status bar went through: ${(await wb.statusHistory()).join(' → ')}`);

    await ctx.step('started again', async () => {
      if (truth !== 'running') await wb.clickStatusBarItem(status.stopped);
      await wb.waitForStatusBarText(status.running('quick'), 3 * 60_000, { failOn: status.broken });
    });
    const after = await theContainer(ws);
    assert.equal(after.State, 'running');
    assert.equal(after.Id, before.Id, 'the same container is started again: nothing needed cleaning up');

    await ctx.step('new terminal', async () => {
      await wb.runCommand('Berth: Open Terminal in Container');
      await wb.waitForTerminal(/Berth: quick/);
      await wb.typeInTerminal('echo "after the outage $((6 * 7))"; cat /tmp/quick-created.txt');
      await wb.waitForTerminalText(/^after the outage 42\nquick-created$/m, 60_000);
    });
  },
};
