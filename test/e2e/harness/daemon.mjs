// Stopping and restarting the local dockerd for journeys about an engine outage: the steps of
// test/support/daemonControl.cjs (shared with the integration tests), plus the machine's rule that
// whoever stops dockerd holds `flock -x /tmp/berth-docker.lock` (others take it shared) and restarts
// it before letting go.
import { spawn } from 'node:child_process';
import daemonControl from '../../support/daemonControl.cjs';

export const { daemonAnswers, daemonProblem, startDaemon, stopDaemon } = daemonControl;
const { ENSURE_DOCKER } = daemonControl;
export const DOCKER_LOCK = process.env.BERTH_DOCKER_LOCK ?? '/tmp/berth-docker.lock';

/**
 * Takes `flock -x` on the Docker lock, waiting up to `waitMs` for other users to let go. The lock is
 * held by a detached helper process that, when released (or when this process dies and its stdin
 * closes), first runs scripts/ensure-docker.sh: dockerd is never left down behind a released lock.
 * `flock -o`: a dockerd the helper starts must not inherit the lock.
 * @param {{ logFile: string, waitMs?: number, log?: (line: string) => void }} o  logFile: the helper's output
 * @returns {Promise<{ release(): Promise<void> }>}
 */
export function holdDockerLock({ logFile, waitMs = 10 * 60_000, log = () => {} }) {
  // The helper writes to a file, not to a pipe: after this process died a write to it would kill the helper.
  const sq = (v) => `'${v.replace(/'/g, `'\\''`)}'`;
  const script = `echo locked; exec >>${sq(logFile)} 2>&1; cat >/dev/null; bash ${sq(ENSURE_DOCKER)}`;
  const holder = spawn('flock', ['-x', '-o', '-w', String(Math.ceil(waitMs / 1000)), DOCKER_LOCK, 'sh', '-c', script], {
    stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  let stderr = '';
  holder.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => holder.once('exit', (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    holder.once('error', reject);
    holder.stdout.on('data', (c) => {
      if (!String(c).includes('locked')) return;
      log(`holding flock -x ${DOCKER_LOCK} (pid ${holder.pid})`);
      let releasing;
      resolve({
        release() {
          releasing ??= (async () => {
            holder.stdin.end();
            const code = await exited;
            log(`released ${DOCKER_LOCK}`);
            if (code !== 0) throw new Error(`the lock holder exited with ${code} (see ${logFile})`);
          })();
          return releasing;
        },
      });
    });
    void exited.then((code) => reject(new Error(`could not take flock -x ${DOCKER_LOCK} within ${waitMs / 1000} s (exit ${code}) ${stderr.trim()}`)));
  });
}
