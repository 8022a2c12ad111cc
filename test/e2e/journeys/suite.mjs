// The in-host mocha suites (test/e2e/suite/*.test.ts) run inside the real
// extension host on a copy of test/e2e/workspaces/suite; results come back through codeAutomationExit.
// scripts/e2e.mjs bundles them into the run's temp folder (ctx.suiteBundle).
import { join } from 'node:path';
import { MARKER } from '../harness/workbench.mjs';

export default {
  name: 'suite',
  title: 'in-host mocha suites (test/e2e/suite/*.test.ts)',
  order: 0,
  timeoutMs: 15 * 60_000,
  /** @param {import('../harness/run.mjs').JourneyContext} ctx */
  async run(ctx) {
    let result;
    let mochaStarted = false;
    let exit;
    const exited = new Promise((resolve) => { exit = resolve; });
    await ctx.launch({
      from: 'test/e2e/workspaces/suite',
      settings: { 'berth.autoStart': 'off' },
      extensionTestsPath: join(ctx.suiteBundle, 'index.js'),
      hostEnv: { ...(ctx.grep ? { BERTH_E2E_GREP: ctx.grep } : {}) },
      onHostLog: (line) => {
        const m = new RegExp(`${MARKER} result (.*)$`).exec(line);
        if (m) { result = JSON.parse(m[1]); return; }
        if (line.includes(`${MARKER} start`)) { mochaStarted = true; return; }
        // Only mocha's output goes to the console; the workbench's own chatter goes to the journey log.
        if (mochaStarted && !result) for (const l of line.split('\n')) ctx.print(`  │ ${l}`);
        else ctx.trace(`host: ${line.split('\n')[0]}`);
      },
      onHostExit: (code) => exit(code),
    });
    const code = await exited;
    await ctx.wb?.screenshot('end');
    ctx.log(`extension tests exited with ${code}`);
    if (!result) return { passed: 0, failed: 1, error: `the in-host runner reported no result (exit code ${code}); see ${ctx.shotsDir}` };
    if (code !== 0 && result.failed === 0) return { passed: result.passed, failed: 1, error: `extension host exit code ${code}` };
    return { passed: result.passed, failed: result.failed, error: result.failed ? `${result.failed} in-host test(s) failed` : undefined };
  },
};
