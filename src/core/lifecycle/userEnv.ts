/**
 * Probes the environment the remote user's shell sets up (PATH from /etc/profile.d, nvm, …), the way
 * the spec's `userEnvProbe` asks, so hooks and `exec` see what a terminal would.
 */
import { randomHex } from '../lazyNode';
import type { DevContainerJson } from '../config/types';
import type { ContainerExec } from '../engine/types';
import { BerthError } from '../errors';
import { ignoreEvents, logger, type EventSink } from '../events';

export type UserEnvProbeMode = NonNullable<DevContainerJson['userEnvProbe']>;

export interface ProbeUserEnvOptions {
  /** The remote user; the probe runs as this user with its passwd shell. */
  user?: string;
  mode: UserEnvProbeMode;
  /** Default 10 000, like the reference CLI. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Receives the diagnosis when the probe times out or prints nothing usable. */
  events?: EventSink;
  /**
   * A one-time setup script run first, in the same exec and as the same user (a whole exec costs
   * ~50 ms): its failure is reported with `failure` and does not stop the probe.
   */
  setup?: { script: string; failure: string };
}

const SHELL_FLAGS: Record<Exclude<UserEnvProbeMode, 'none'>, string> = {
  loginInteractiveShell: '-lic',
  interactiveShell: '-ic',
  loginShell: '-lc',
};

// $1 = shell flags, $2 = the command for the user's shell. The shell: $SHELL, else the passwd entry
// (getent, else /etc/passwd for images without getent), else /bin/sh.
const LAUNCHER = [
  's="$SHELL"',
  '[ -n "$s" ] || s=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f7)',
  '[ -n "$s" ] || s=$(grep "^[^:]*:[^:]*:$(id -u):" /etc/passwd 2>/dev/null | head -n 1 | cut -d: -f7)',
  '[ -x "$s" ] || s=/bin/sh',
  'exec "$s" "$1" "$2"',
].join('\n');

/**
 * The probe's command for the user's shell. The marker is printed from two halves so that a shell that
 * echoes its input (verbose mode) cannot produce it. Exported for tests.
 */
export function probeCommand(token: string): string {
  const mark = `printf '%s-%s' BERTHENV ${token}`;
  return `${mark}; cat /proc/self/environ 2>/dev/null || printenv; ${mark}`;
}

/**
 * Takes the env out of the probe's stdout: the text between the two markers, split on NUL (or on
 * newlines for the `printenv` fallback), without `PWD`. Undefined when the markers are missing.
 */
export function parseProbeOutput(stdout: string, token: string): Record<string, string> | undefined {
  const mark = `BERTHENV-${token}`;
  const start = stdout.indexOf(mark);
  const end = start < 0 ? -1 : stdout.indexOf(mark, start + mark.length);
  if (end < 0) return undefined;
  const body = stdout.slice(start + mark.length, end);
  const entries = body.includes('\0') ? body.split('\0') : body.split('\n');
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  delete env.PWD;
  return env;
}

/**
 * Runs the user's shell in the container and returns the environment it ends up with. `mode: 'none'`
 * returns `{}` without an exec. A probe that does not finish in `timeoutMs`, or prints no markers,
 * returns `{}` and emits a warning that names the likely cause; cancellation throws
 * `BerthError('cancelled')`.
 */
export async function probeUserEnv(exec: ContainerExec, containerId: string, options: ProbeUserEnvOptions): Promise<Record<string, string>> {
  if (options.mode === 'none') return {};
  const log = logger(options.events ?? ignoreEvents, 'lifecycle');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const token = randomHex(8);
  const who = options.user ? `user ${options.user}` : 'the container user';
  const flags = SHELL_FLAGS[options.mode];
  const chunks: Buffer[] = [];
  const stderr: Buffer[] = [];

  // Our own controller stops the exec on timeout as well as when the caller cancels.
  const controller = new AbortController();
  if (options.signal?.aborted) throw new BerthError('cancelled', 'Cancelled while probing the user environment');
  let resolveCancelled: (value: 'cancelled') => void = () => undefined;
  const cancelledByCaller = new Promise<'cancelled'>((resolve) => (resolveCancelled = resolve));
  const onAbort = () => {
    controller.abort(options.signal?.reason);
    resolveCancelled('cancelled');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  // The setup runs in a subshell, so its `exit` cannot end the probe; its failure leaves a marked line.
  const setupFailed = `BERTHSETUP-${token}`;
  const script = options.setup ? `(\n${options.setup.script}\n) >/dev/null 2>&1 || echo "${setupFailed} $?" >&2\n${LAUNCHER}` : LAUNCHER;
  const run = exec.exec(containerId, {
    cmd: ['/bin/sh', '-c', script, 'berth-probe', flags, probeCommand(token)],
    user: options.user,
    signal: controller.signal,
    onStdout: (c) => chunks.push(c),
    onStderr: (c) => stderr.push(c),
  });
  // The race may leave `run` unsettled or rejecting later; it must not become an unhandled rejection.
  run.catch(() => undefined);

  try {
    const result = await Promise.race([run, timedOut, cancelledByCaller]);
    if (result === 'cancelled') throw new BerthError('cancelled', 'Cancelled while probing the user environment');
    if (result === 'timeout') {
      controller.abort(new Error('userEnvProbe timed out'));
      const shellKind = options.mode === 'interactiveShell' ? 'interactive shell' : 'login shell';
      log.warn(
        `The ${shellKind} of ${who} did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}, so hooks run without its environment: ` +
          `a ~/.bashrc, ~/.profile or /etc/profile that waits for input or runs a long command is the usual cause ` +
          `(set "userEnvProbe": "none" to skip the probe).`,
      );
      return {};
    }
    const setupExit = new RegExp(`${setupFailed} (\\d+)`).exec(Buffer.concat(stderr).toString('utf8'));
    if (options.setup && setupExit) log.warn(`${options.setup.failure} (exit ${setupExit[1]})`);
    const env = parseProbeOutput(Buffer.concat(chunks).toString('utf8'), token);
    if (env === undefined) {
      const err = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-3).join(' / ');
      log.warn(`The shell of ${who} printed no environment (exit code ${result.exitCode})${err ? `: ${err}` : ''}; continuing without it.`);
      return {};
    }
    return env;
  } catch (e) {
    if (options.signal?.aborted) throw new BerthError('cancelled', 'Cancelled while probing the user environment', { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Remembers probe results per (containerId, user, mode) for one process, so repeated execs do not
 * re-probe. The caller decides when to use it (e.g. not across a container restart).
 */
export class UserEnvCache {
  private readonly entries = new Map<string, Promise<Record<string, string>>>();

  private static key(containerId: string, user: string | undefined, mode: UserEnvProbeMode): string {
    return `${containerId}\0${user ?? ''}\0${mode}`;
  }

  /** The cached probe, or a new one (failed probes are not kept). */
  probe(exec: ContainerExec, containerId: string, options: ProbeUserEnvOptions): Promise<Record<string, string>> {
    const key = UserEnvCache.key(containerId, options.user, options.mode);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = probeUserEnv(exec, containerId, options);
      this.entries.set(key, entry);
      entry.catch(() => this.entries.delete(key));
    }
    return entry;
  }

  get(containerId: string, user: string | undefined, mode: UserEnvProbeMode): Promise<Record<string, string>> | undefined {
    return this.entries.get(UserEnvCache.key(containerId, user, mode));
  }

  /** Forgets one container (e.g. after it was restarted or removed), or everything. */
  clear(containerId?: string): void {
    if (containerId === undefined) return this.entries.clear();
    for (const key of this.entries.keys()) if (key.startsWith(`${containerId}\0`)) this.entries.delete(key);
  }
}
