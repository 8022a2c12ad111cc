/**
 * Stops and restarts the local Docker daemon, for tests of what Berth does when the engine goes away
 * (the steps live in daemonControl.cjs, shared with the e2e journeys).
 */
import { daemonProblem } from './daemonControl.cjs';

export { daemonAnswers, daemonProblem, startDaemon, stopDaemon } from './daemonControl.cjs';

/**
 * Call first (after needDocker) in a test that stops the daemon: skips with the reason when this
 * process cannot, except in CI (CI=true) or with BERTH_REQUIRE_DOCKER=1, where it fails instead.
 */
export async function needDaemonControl(t: { skip(message?: string): void }): Promise<boolean> {
  const problem = await daemonProblem();
  if (!problem) return true;
  if (process.env.CI === 'true' || process.env.BERTH_REQUIRE_DOCKER === '1') {
    throw new Error(`this test must stop and restart dockerd here (CI or BERTH_REQUIRE_DOCKER=1): ${problem}`);
  }
  t.skip(problem);
  return false;
}
