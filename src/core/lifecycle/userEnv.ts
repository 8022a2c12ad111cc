/**
 * Probes the environment the remote user's shell sets up (PATH from /etc/profile.d, nvm, …), the way
 * the spec's `userEnvProbe` asks, so hooks and `exec` see what a terminal would.
 */
import { PassThrough } from 'node:stream';
import { randomHex } from '../lazyNode';
import { shellQuote } from '../shell';
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

/** The setup step, in a subshell so its `exit` cannot end the probe; its failure leaves a marked line on stderr. */
function setupLines(options: ProbeUserEnvOptions, token: string): string {
  return options.setup ? `(\n${options.setup.script}\n) >/dev/null 2>&1 || echo "BERTHSETUP-${token} $?" >&2\n` : '';
}

function who(options: ProbeUserEnvOptions): string {
  return options.user ? `user ${options.user}` : 'the container user';
}

function warnTimedOut(options: ProbeUserEnvOptions, timeoutMs: number): void {
  const shellKind = options.mode === 'interactiveShell' ? 'interactive shell' : 'login shell';
  logger(options.events ?? ignoreEvents, 'lifecycle').warn(
    `The ${shellKind} of ${who(options)} did not finish within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}, so hooks run without its environment: ` +
      `a ~/.bashrc, ~/.profile or /etc/profile that waits for input or runs a long command is the usual cause ` +
      `(set "userEnvProbe": "none" to skip the probe).`,
  );
}

/** The env in a finished probe's output, with its warnings: a failed setup step, or no environment ({}). */
function readProbe(options: ProbeUserEnvOptions, token: string, stdout: string, stderr: string, how: string): Record<string, string> {
  const log = logger(options.events ?? ignoreEvents, 'lifecycle');
  const setupExit = new RegExp(`BERTHSETUP-${token} (\\d+)`).exec(stderr);
  if (options.setup && setupExit) log.warn(`${options.setup.failure} (exit ${setupExit[1]})`);
  const env = parseProbeOutput(stdout, token);
  if (env === undefined) {
    const err = stderr.replace(/BERTHSETUP-\w+ \d+\n?/g, '').trim().split('\n').slice(-3).join(' / ');
    log.warn(`The shell of ${who(options)} printed no environment (${how})${err ? `: ${err}` : ''}; continuing without it.`);
    return {};
  }
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
  const flags = SHELL_FLAGS[options.mode];
  const token = randomHex(8);
  const chunks: Buffer[] = [];
  const stderr: Buffer[] = [];
  return underProbeSignal(options, async ({ controller, deadline, cancelled, timeoutMs }) => {
    const run = exec.exec(containerId, {
      cmd: ['/bin/sh', '-c', `${setupLines(options, token)}${LAUNCHER}`, 'berth-probe', flags, probeCommand(token)],
      user: options.user,
      signal: controller.signal,
      onStdout: (c) => chunks.push(c),
      onStderr: (c) => stderr.push(c),
    });
    // The race may leave `run` unsettled or rejecting later; it must not become an unhandled rejection.
    run.catch(() => undefined);
    const result = await Promise.race([run, deadline, cancelled]);
    if (result === 'cancelled') throw cancelledProbe();
    if (result === 'timeout') {
      controller.abort(new Error('userEnvProbe timed out'));
      warnTimedOut(options, timeoutMs);
      return {};
    }
    return readProbe(options, token, Buffer.concat(chunks).toString('utf8'), Buffer.concat(stderr).toString('utf8'), `exit code ${result.exitCode}`);
  });
}

function cancelledProbe(cause?: unknown): BerthError {
  return new BerthError('cancelled', 'Cancelled while probing the user environment', cause === undefined ? undefined : { cause });
}

/** What a probe's body gets from underProbeSignal. */
interface ProbeSignal {
  /** Aborted when the caller's signal is; the body aborts it itself at the deadline. */
  controller: AbortController;
  /** Settles at `timeoutMs`. */
  deadline: Promise<'timeout'>;
  /** Settles when the caller cancels. */
  cancelled: Promise<'cancelled'>;
  timeoutMs: number;
}

/** Runs a probe's body under the caller's signal and the probe's deadline; a cancellation comes out as BerthError('cancelled'). */
async function underProbeSignal<T>(options: ProbeUserEnvOptions, body: (s: ProbeSignal) => Promise<T>): Promise<T> {
  if (options.signal?.aborted) throw cancelledProbe();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const controller = new AbortController();
  let onCancel: () => void = () => undefined;
  const cancelled = new Promise<'cancelled'>((resolve) => (onCancel = () => resolve('cancelled')));
  const onAbort = () => {
    controller.abort(options.signal?.reason);
    onCancel();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    return await body({ controller, deadline, cancelled, timeoutMs });
  } catch (e) {
    if (options.signal?.aborted) throw cancelledProbe(e);
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

/** What runs right after the probe, in the same exec (probeThenRun). */
export interface ProbeThenRunOptions extends ProbeUserEnvOptions {
  /** The command's folder. The probe itself runs in `probeWorkdir`, as it would on its own. */
  workdir: string;
  /** The container's working folder (Config.WorkingDir), else `/`. */
  probeWorkdir?: string;
  /**
   * The command, given the probed env ({} when the probe printed none): its argv and whole env (the
   * engine's base env stays underneath, as for an exec's Env).
   */
  next(probed: Record<string, string>): Promise<{ argv: string[]; env: Record<string, string> }>;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ProbeThenRunResult {
  env: Record<string, string>;
  /** The command's exit; undefined when it did not run here (the probe timed out or the exec ended first): run it on its own. */
  result?: { exitCode: number };
}

/** Probe output without the env between the marks (what is left is the shell's own messages). */
function withoutEnv(text: string): string {
  return text.replace(/BERTHENV-\w+[\s\S]*BERTHENV-\w+/, '');
}

// Variables bash (when it is /bin/sh) keeps read-only: `export` of one would end the shell.
const READ_ONLY_IN_BASH = new Set(['BASHOPTS', 'SHELLOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'UID']);

/**
 * The script that starts the command once the probe is done: `export`s (values stay out of any argv,
 * which other users in the container can read in /proc), then `exec` of the argv. Names `export` cannot
 * take (`BASH_FUNC_f%%`, read-only ones) go through env(1) instead. Every word is quoted.
 */
export function commandScript(env: Record<string, string>, argv: string[]): string {
  const exported: string[] = [];
  const viaEnv: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const word = shellQuote(`${name}=${value}`);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !READ_ONLY_IN_BASH.has(name)) exported.push(word);
    else viaEnv.push(word);
  }
  const run = [...(viaEnv.length > 0 ? ['env', ...viaEnv] : []), ...argv.map(shellQuote)].join(' ');
  return `${exported.length > 0 ? `export ${exported.join(' ')}\n` : ''}exec ${run}\n`;
}

// $1 shell flags, $2 the probe's command, $3 the probe's folder. The probe runs as probeUserEnv's
// (stdin /dev/null, its folder, no OLDPWD from getting there; output and errors on stdout), then an end mark; the command then comes in on
// stdin from Berth, which builds it from the probed env, and replaces this shell: its exit is the exec's.
const THEN_RUN = [
  'berth_flags=$1 berth_probe=$2 berth_dir=$3',
  'shift 3',
  '{',
  '%SETUP%(',
  // (`( ... ) </dev/null` is not enough: dash hands the subshell's last `exec` the outer stdin.)
  'exec </dev/null',
  'cd "$berth_dir" 2>/dev/null || cd /',
  'unset OLDPWD',
  'set -- "$berth_flags" "$berth_probe"',
  LAUNCHER,
  ')',
  '} 2>&1',
  'rc=$?',
  // No env(1) to start the command with: end here, and Berth runs the command in an exec of its own.
  'command -v env >/dev/null 2>&1 || exit 0',
  "printf '%s-%s %s;' BERTHDONE %TOKEN% \"$rc\"",
  'berth_run=$(cat)',
  'eval "$berth_run" </dev/null',
].join('\n');

/**
 * The env probe and then one command in a single exec: a whole exec (~45 ms) less than
 * probeUserEnv followed by the command's own exec, with what the command sees unchanged (user,
 * folder, env = engine base + `next`'s env, stdin /dev/null, argv, exit code). The probe keeps its
 * timeout: when it runs over, the exec is stopped, the usual warning given, and `result` is undefined.
 */
export async function probeThenRun(exec: ContainerExec, containerId: string, options: ProbeThenRunOptions): Promise<ProbeThenRunResult> {
  if (options.mode === 'none') throw new Error('probeThenRun needs a probe mode');
  const flags = SHELL_FLAGS[options.mode];
  const token = randomHex(8);
  const done = new RegExp(`BERTHDONE-${token} (\\d+);`);
  return underProbeSignal(options, async ({ controller, deadline, timeoutMs }) => {
    const input = new PassThrough();
    let probed: Record<string, string> | undefined;
    let probeDone: () => void = () => undefined;
    const probeEnded = new Promise<'done'>((resolve) => (probeDone = () => resolve('done')));
    let failure: unknown;
    let held = Buffer.alloc(0);
    const onStdout = (chunk: Buffer) => {
      if (probed !== undefined || failure !== undefined) {
        options.onStdout?.(chunk);
        return;
      }
      held = Buffer.concat([held, chunk]);
      // latin1 keeps one character per byte, so the match's offsets are byte offsets.
      const mark = done.exec(held.toString('latin1'));
      if (!mark) return;
      const text = held.subarray(0, mark.index).toString('utf8');
      const rest = held.subarray(mark.index + mark[0].length);
      held = Buffer.alloc(0);
      // As probeUserEnv, with the probe's errors on the same stream: the setup line and the tail are read from it.
      probed = readProbe(options, token, text, withoutEnv(text), `exit code ${mark[1]}`);
      probeDone();
      if (rest.length > 0) options.onStdout?.(rest);
      options
        .next(probed)
        .then(({ argv, env }) => input.end(commandScript(env, argv)))
        .catch((e: unknown) => {
          failure = e;
          controller.abort(e);
        });
    };
    // Functions as replacements: a `$` in the scripts must stay as it is.
    const script = THEN_RUN.replace('%SETUP%', () => setupLines(options, token)).replace('%TOKEN%', () => token);
    const run = exec.exec(containerId, {
      cmd: ['/bin/sh', '-c', script, 'berth-probe', flags, probeCommand(token), options.probeWorkdir || '/'],
      user: options.user,
      workdir: options.workdir,
      stdin: input,
      signal: controller.signal,
      onStdout,
      onStderr: (c) => options.onStderr?.(c),
    });
    run.catch(() => undefined);
    const first = await Promise.race([probeEnded, run, deadline]);
    if (first === 'timeout') {
      controller.abort(new Error('userEnvProbe timed out'));
      await run.catch(() => undefined);
      if (options.signal?.aborted) throw cancelledProbe();
      warnTimedOut(options, timeoutMs);
      return { env: {} };
    }
    if (first !== 'done') {
      // The exec ended without the end mark: no env(1) to go on with, or no shell at all. What it
      // printed is the probe's output; the command is the caller's to run.
      const text = held.toString('utf8');
      return { env: readProbe(options, token, text, withoutEnv(text), `exit code ${first.exitCode}`) };
    }
    const result = await run.catch((e: unknown) => {
      throw failure ?? e;
    });
    if (failure !== undefined) throw failure;
    return { env: probed ?? {}, result };
  });
}
