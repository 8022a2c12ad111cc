import { cpus, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../engine/engine';
import { build } from './build';
import type { CoreDeps } from './deps';
import { exec, openSession } from './exec';
import { review } from './review';
import { buildProduction, runProduction, stopProduction } from './production';
import { parity } from './productionParity';
import { SessionCache } from './sessionCache';
import { status } from './status';
import { down, shutdown, stop } from './stopDown';
import type { BerthService } from './types';
import { up } from './up';
import { watch } from './watch';

export interface BerthServiceOptions {
  /** An explicit engine address (`--docker-host`, `berth.dockerHost`); else DOCKER_HOST, the Docker context, the default socket. */
  dockerHost?: string;
  /** The host environment, for finding the engine (DOCKER_HOST, DOCKER_CONTEXT, HOME). */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** The Compose tool for Compose dev containers (`berth.dockerComposePath`); default: detected. */
  dockerComposePath?: string;
  /** Where Berth keeps per-container caches and locks; undefined: no cache, no cross-process lock. */
  stateDir?: string;
  /** Facts about the host in place of this process's user ids and machine size (tests of updateRemoteUserUID as root). */
  host?: Partial<CoreDeps['host']>;
}

/** The default state folder: `$XDG_STATE_HOME/berth`, else `~/.local/state/berth`. */
export function defaultStateDir(env: Record<string, string | undefined>): string | undefined {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'berth');
  const home = env.HOME ?? env.USERPROFILE;
  return home ? join(home, '.local', 'state', 'berth') : undefined;
}

/**
 * The composition root of the core: one engine (dockerode loads on the first call, not here) and the
 * use cases bound to it.
 */
export function createBerthService(options: BerthServiceOptions): BerthService {
  const stateDir = options.stateDir ?? defaultStateDir(options.env);
  const info = safeUserInfo();
  const deps: CoreDeps = {
    engine: createEngine({ host: options.dockerHost, env: options.env }),
    platform: options.platform,
    host: { uid: info.uid, gid: info.gid, cpus: cpus().length, memoryBytes: totalmem(), ...options.host },
    sessions: new SessionCache(stateDir && join(stateDir, 'containers')),
    lockDir: stateDir && join(stateDir, 'locks'),
    featuresCacheDir: stateDir && join(stateDir, 'features'),
    compose: { path: options.dockerComposePath, dockerHost: options.dockerHost, stateDir: stateDir && join(stateDir, 'compose') },
  };
  return {
    review: (ref, ctx) => review(deps, ref, ctx),
    up: (o, ctx) => up(deps, o, ctx),
    build: (o, ctx) => build(deps, o, ctx),
    stop: (ref, ctx) => stop(deps, ref, ctx),
    shutdown: (ref, ctx) => shutdown(deps, ref, ctx),
    down: (ref, ctx) => down(deps, ref, ctx),
    status: (ref, ctx) => status(deps, ref, ctx),
    exec: (ref, o, ctx) => exec(deps, ref, o, ctx),
    openSession: (ref, o, ctx) => openSession(deps, ref, o, ctx),
    watch: (ref, onChange, onError, signal) => watch(deps, ref, options.env, onChange, onError, signal),
    buildProduction: (o, ctx) => buildProduction(deps, o, ctx),
    runProduction: (o, ctx) => runProduction(deps, o, ctx),
    stopProduction: (ref, ctx) => stopProduction(deps, ref, ctx),
    parity: (o, ctx) => parity(deps, o, ctx),
  };
}

function safeUserInfo(): { uid: number; gid: number } {
  try {
    const u = userInfo();
    return { uid: u.uid, gid: u.gid };
  } catch {
    return { uid: -1, gid: -1 };
  }
}
