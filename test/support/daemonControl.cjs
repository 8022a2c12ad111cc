// Stopping and restarting the local Docker daemon, for tests of what Berth does when the engine goes
// away: shared by the integration tests (test/support/daemon.ts, TypeScript) and the e2e journeys
// (test/e2e/harness/daemon.mjs, plain Node), hence plain CommonJS with its types in daemonControl.d.cts.
// Only possible as root with dockerd a local process on a unix socket; daemonProblem() says why not.
'use strict';
const { execFile } = require('node:child_process');
const { request } = require('node:http');
const { resolve } = require('node:path');
const { promisify } = require('node:util');

const run = promisify(execFile);
const ENSURE_DOCKER = resolve(__dirname, '..', '..', 'scripts', 'ensure-docker.sh');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function socketPath() {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

function daemonAnswers() {
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
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function daemonProblem() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'stopping dockerd needs root';
  if (!socketPath()) return `DOCKER_HOST=${process.env.DOCKER_HOST} is not a local socket`;
  if ((await dockerdPids()).length === 0) return 'no local dockerd process (pidof dockerd found none)';
  if (!(await daemonAnswers())) return 'the local dockerd does not answer /_ping';
  return undefined;
}

async function stopDaemon(timeoutMs = 60_000) {
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

async function startDaemon() {
  const t0 = Date.now();
  await run('bash', [ENSURE_DOCKER], { timeout: 60_000 });
  if (!(await daemonAnswers())) throw new Error('dockerd does not answer /_ping after scripts/ensure-docker.sh');
  return Date.now() - t0;
}

module.exports = { ENSURE_DOCKER, daemonAnswers, daemonProblem, startDaemon, stopDaemon };
