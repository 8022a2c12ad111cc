// The extensionTestsPath module: VS Code requires the bundle of this file inside the real extension host
// and calls run(). scripts/e2e.mjs bundles it to <run dir>/suite-bundle/index.js (mocha bundled in, `vscode`
// external) and bundles each test/e2e/suite/*.test.ts beside it; run() loads every *.test.js found there.
// Everything printed goes back to the driver through window.codeAutomationLog.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Markers the driver looks for in the log: where mocha's output starts, and the counts at the end. */
const START_MARKER = '__BERTH_E2E__ start';
const RESULT_MARKER = '__BERTH_E2E__ result';

/** Runs every bundled suite file with mocha (TDD: `suite` / `test`); rejects when a test failed. */
export function run(): Promise<void> {
  const grep = process.env.BERTH_E2E_GREP;
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    // Tests start real containers: generous per-test time, each test may lower or raise it.
    timeout: Number(process.env.BERTH_E2E_TEST_TIMEOUT_MS ?? 180_000),
    ...(grep ? { grep } : {}),
  });
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  console.log(START_MARKER);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passed = runner.stats?.passes ?? 0;
        const failed = runner.stats?.failures ?? failures;
        console.log(`${RESULT_MARKER} ${JSON.stringify({ passed, failed, pending: runner.stats?.pending ?? 0, files })}`);
        if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      // A suite that throws while loading fails the whole run, and says which.
      console.log(`${RESULT_MARKER} ${JSON.stringify({ passed: 0, failed: 1, pending: 0, files })}`);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
