// Stopping and restarting the local dockerd for journeys about an engine outage: the same steps as
// test/support/daemon.ts (SIGTERM, wait until it is gone; scripts/ensure-docker.sh to start it again),
// plus the machine's rule that whoever stops dockerd holds `flock -x /tmp/berth-docker.lock`
// (others take it shared) and restarts it before letting go.
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './workspace.mjs';

const run = promisify(execFile);
export const DOCKER_LOCK = process.env.BERTH_DOCKER_LOCK ?? '/tmp/berth-docker.lock';
const ENSURE_DOCKER = join(REPO, 'scripts', 'ensure-docker.sh');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function socketPath() {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

/** True when the engine answers `/_ping` within a second. */
export function daemonAnswers() {
  const socket = socketPath();
  return new Promise((done) => {
    if (!socket) return done(false);
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => done(false));
    req.end();
  });
}

async function dockerdPids() {
  try {
    const { stdout } = await run('pidof', ['dockerd']);
    return stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // pidof exits 1 when there is none
  }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Undefined when this process may stop and start dockerd, else why not (the journey fails with it). */
export async function daemonProblem() {
  if (process.getuid?.() !== 0) return 'stopping dockerd needs root';
  if (!socketPath()) return `DOCKER_HOST=${process.env.DOCKER_HOST} is not a local socket`;
  if ((await dockerdPids()).length === 0) return 'no local dockerd process (pidof dockerd found none)';
  if (!(await daemonAnswers())) return 'the local dockerd does not answer /_ping';
  return undefined;
}

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

/**
 * SIGTERMs dockerd and resolves once the socket no longer answers and the process is gone (a second
 * dockerd started before the first has exited would fight it for its pid file). Hold the lock first.
 * @returns {Promise<number>} ms until the daemon was gone
 */
export async function stopDaemon(timeoutMs = 60_000) {
  const pids = await dockerdPids();
  if (pids.length === 0) throw new Error('no dockerd to stop');
  const t0 = Date.now();
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  while (Date.now() - t0 < timeoutMs) {
    if (!pids.some(alive) && !(await daemonAnswers())) return Date.now() - t0;
    await sleep(100);
  }
  throw new Error(`dockerd (${pids.join(', ')}) did not stop within ${timeoutMs / 1000} s`);
}

/** Starts dockerd when nothing answers (scripts/ensure-docker.sh) and waits for `/_ping`; returns the ms it took. */
export async function startDaemon() {
  const t0 = Date.now();
  await run('bash', [ENSURE_DOCKER], { timeout: 60_000 });
  if (!(await daemonAnswers())) throw new Error('dockerd does not answer /_ping after scripts/ensure-docker.sh');
  return Date.now() - t0;
}
