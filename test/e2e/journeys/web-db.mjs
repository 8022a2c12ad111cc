// examples/web-db (Docker Compose: app + PostgreSQL db) with berth.autoStart "always": Berth builds and
// starts both services, the status bar names them, the app's tests pass in a container terminal, and
// "Open Terminal in Service..." opens a shell in db. Cleanup removes the whole Compose project.
import assert from 'node:assert/strict';
import { composeLeftovers, composeProjectsOf, removeComposeProject } from '../harness/docker.mjs';
import { status } from '../harness/berth.mjs';

/** The Compose status text: both services running, in either order, with the published port count. */
const bothRunning = /^Berth: (app \+ db|db \+ app) running( · \d+ ports?)?$/;

export default {
  name: 'web-db',
  title: 'Compose spec (app + PostgreSQL), auto-start always: both services running, tests in app, a shell in db',
  order: 70,
  // A cold first build installs PostgreSQL and Python with apt: minutes, not seconds.
  timeoutMs: 15 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    const { wb, ws } = await ctx.launch({ from: 'examples/web-db', settings: { 'berth.autoStart': 'always' } });
    await wb.recordStatusBar('Berth:');

    // A Compose file can reach beyond the container, so the first start of this spec asks once (modal).
    await ctx.step('review', async () => {
      const dialog = wb.page.locator('.monaco-dialog-box').filter({ hasText: /docker-compose|Compose/i });
      await dialog.waitFor({ state: 'visible', timeout: 90_000 });
      ctx.log(`review dialog: ${((await dialog.textContent()) ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
      await wb.screenshot('review-dialog');
      await dialog.locator('.dialog-buttons .monaco-button').filter({ hasText: 'Start Anyway' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    });

    await ctx.step('running', () => wb.waitForStatusBarText(bothRunning, 12 * 60_000, { failOn: status.broken }));
    ctx.log(`status bar went through: ${(await wb.statusHistory()).join(' → ')}`);
    const projects = await composeProjectsOf(ws);
    assert.equal(projects.length, 1, `expected one Compose project for ${ws}, found ${JSON.stringify(projects)}`);
    const [project] = projects;
    ctx.log(`Compose project ${project}`);

    await ctx.step('app tests', async () => {
      await wb.runCommand('Berth: Open Terminal in Container');
      await wb.waitForTerminal(/Berth: web-db/);
      await wb.typeInTerminal('pwd; python3 -m unittest -v');
      // unittest ends with "Ran N tests in Xs", a blank line and OK (or FAILED (...)).
      const text = await wb.waitForTerminalText(/Ran \d+ tests? in [\d.]+s\n+(OK|FAILED[^\n]*)$/m, 2 * 60_000);
      assert.match(text, /^\/workspaces\/web-db$/m, 'the terminal opened in the workspace folder');
      const ran = /Ran (\d+) tests? in [\d.]+s\n+(OK|FAILED[^\n]*)$/m.exec(text);
      assert.equal(ran?.[2], 'OK', `the app's tests did not pass:\n${text}`);
      assert.ok(Number(ran?.[1]) > 0, 'no test ran');
      ctx.log(`app tests: ${ran?.[1]} ran, ${ran?.[2]}`);
    });

    await ctx.step('db terminal', async () => {
      await wb.runCommand('Berth: Open Terminal in Service...');
      await wb.pickQuickItem(/\bdb\s*[0-9a-f]{12}/);
      await wb.waitForTerminal(/Berth: db/);
      // db/start.sh puts PostgreSQL's socket in /tmp.
      await wb.typeInTerminal('pg_isready -h /tmp; hostname; id -un');
      const text = await wb.waitForTerminalText(/\/tmp:5432 - accepting connections/, 60_000);
      ctx.log(`db terminal: ${text.split('\n').filter((l) => /accepting|^\w+$/.test(l)).join(' | ')}`);
    });

    await ctx.step('cleanup', async () => {
      const removed = await removeComposeProject(project);
      ctx.log(`removed ${removed.join(', ')}`);
      const left = await composeLeftovers(project);
      assert.deepEqual(left, { containers: 0, volumes: 0, networks: 0 }, `Compose project ${project} left things behind`);
      assert.ok(removed.some((r) => r.startsWith('volume ')), 'the named volume dbdata was made and removed');
    });
  },
};
