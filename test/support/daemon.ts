/**
 * Stops and restarts the local Docker daemon, for tests of what Berth does when the engine goes away.
 * Only possible as root with dockerd a local process on a unix socket; `daemonProblem()` says why not
 * otherwise. `startDaemon()` uses scripts/ensure-docker.sh, as CI does.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENSURE_DOCKER = resolve(__dirname, '..', '..', 'scripts', 'ensure-docker.sh');

function socketPath(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

/** True when the engine answers `/_ping` within a second. */
export function daemonAnswers(): Promise<boolean> {
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

async function dockerdPids(): Promise<number[]> {
  try {
    const { stdout } = await run('pidof', ['dockerd']);
    return stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // pidof exits 1 when there is none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Undefined when this process may stop and start the daemon, else the reason it may not. */
export async function daemonProblem(): Promise<string | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'stopping dockerd needs root';
  if (!socketPath()) return `DOCKER_HOST=${process.env.DOCKER_HOST} is not a local socket`;
  if ((await dockerdPids()).length === 0) return 'no local dockerd process (pidof dockerd found none)';
  if (!(await daemonAnswers())) return 'the local dockerd does not answer /_ping';
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERMs dockerd and resolves once the socket no longer answers and the process is gone (a second
 * dockerd started before the first has exited would fight it for its pid file). Fails after `timeoutMs`.
 */
export async function stopDaemon(timeoutMs = 30_000): Promise<void> {
  const pids = await dockerdPids();
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(alive) && !(await daemonAnswers())) return;
    await sleep(100);
  }
  throw new Error(`dockerd (${pids.join(', ')}) did not stop within ${timeoutMs} ms`);
}

/** Starts dockerd when nothing answers (scripts/ensure-docker.sh) and waits for `/_ping`. */
export async function startDaemon(): Promise<void> {
  await run('bash', [ENSURE_DOCKER], { timeout: 60_000 });
  if (!(await daemonAnswers())) throw new Error('dockerd does not answer /_ping after ensure-docker.sh');
}

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
