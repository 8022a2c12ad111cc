/**
 * Gate for tests that need a real Docker engine. Locally, with no engine, such a test is skipped and
 * says why. In CI (CI=true) or with BERTH_REQUIRE_DOCKER=1 a missing engine fails the test instead:
 * Docker tests never skip silently there.
 */
import { request } from 'node:http';
import type { TestContext } from 'node:test';

export const dockerRequired = process.env.CI === 'true' || process.env.BERTH_REQUIRE_DOCKER === '1';

function socketPath(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

let cached: Promise<string | undefined> | undefined;

/** Resolves to undefined when the engine answers `/_ping`, else to the reason it does not. */
export function dockerProblem(): Promise<string | undefined> {
  cached ??= new Promise((resolve) => {
    const socket = socketPath();
    if (!socket) return resolve(undefined); // tcp engines are checked by the first real call
    const req = request({ socketPath: socket, path: '/_ping', timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `Docker answered /_ping with HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(`no Docker engine at ${socket} (${e.message}); run scripts/ensure-docker.sh`));
    req.end();
  });
  return cached;
}

/**
 * Call first in a Docker test: `if (!(await needDocker(t))) return;`. Skips (locally) or throws (CI)
 * when no engine answers.
 */
export async function needDocker(t: TestContext): Promise<boolean> {
  const problem = await dockerProblem();
  if (!problem) return true;
  if (dockerRequired) throw new Error(`Docker is required here (CI or BERTH_REQUIRE_DOCKER=1): ${problem}`);
  t.skip(problem);
  return false;
}
