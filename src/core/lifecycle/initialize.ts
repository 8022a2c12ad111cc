/**
 * Runs `initializeCommand` on the host, before anything is built: it is code from the repository, so
 * the caller (the use case) must check Workspace Trust before calling {@link runInitializeCommand}.
 */
import { nodeChildProcess } from '../lazyNode';
import type { LifecycleCommand } from '../config/types';
import { BerthError } from '../errors';
import type { EventSink } from '../events';
import { isEmptyCommand, toInvocations, type CommandInvocation } from './commandForms';
import { HookFailedError } from './hookFailedError';
import { OutputTail } from './outputTail';

export interface InitializeOptions {
  /** The workspace folder on the host; the command runs there. */
  cwd: string;
  /** The host environment the command gets (passed in: the core does not read process.env). */
  env: Record<string, string | undefined>;
  events: EventSink;
  signal?: AbortSignal;
  /** Host platform; decides the shell for the string form (`cmd /c` on Windows). Default: this process's. */
  platform?: NodeJS.Platform;
  /** Where the command came from, for messages. Default `devcontainer.json`. */
  origin?: string;
}

interface HostOutcome {
  invocation: CommandInvocation;
  exitCode: number;
  tail: OutputTail;
  spawnError?: Error;
}

const HOOK = 'initializeCommand';

/**
 * Runs the command (string through the shell, array without one, object forms in parallel, all
 * settling) with output streamed as `{ type: 'output', source: 'initialize' }` events. Throws
 * {@link HookFailedError} (`hook-failed`) with the exit code and output tail, or `BerthError('cancelled')`
 * when `signal` aborts (the process group is sent SIGTERM). Security: the caller checks Workspace Trust.
 */
export async function runInitializeCommand(command: LifecycleCommand | undefined, options: InitializeOptions): Promise<void> {
  if (command === undefined || isEmptyCommand(command)) {
    options.events({ type: 'hook', hook: HOOK, state: 'skipped', reason: 'not defined' });
    return;
  }
  if (options.signal?.aborted) throw new BerthError('cancelled', `Cancelled before ${HOOK} ran`);
  const platform = options.platform ?? process.platform;
  const shell = platform === 'win32' ? ['cmd.exe', '/c'] : ['/bin/sh', '-c'];
  const invocations = toInvocations(command, shell);
  const parallel = !(typeof command === 'string' || Array.isArray(command));
  const started = Date.now();
  options.events({ type: 'hook', hook: HOOK, state: 'started' });

  const outcomes = await Promise.all(invocations.map((inv) => runOnHost(inv, parallel, platform, options)));
  const durationMs = Date.now() - started;
  if (options.signal?.aborted) {
    options.events({ type: 'hook', hook: HOOK, state: 'failed', durationMs, reason: 'cancelled' });
    throw new BerthError('cancelled', `Cancelled while running ${HOOK}`);
  }
  const failed = outcomes.find((o) => o.spawnError !== undefined || o.exitCode !== 0);
  if (!failed) {
    options.events({ type: 'hook', hook: HOOK, state: 'succeeded', exitCode: 0, durationMs });
    return;
  }
  options.events({ type: 'hook', hook: HOOK, state: 'failed', exitCode: failed.exitCode, durationMs });
  throw new HookFailedError(
    { hook: HOOK, origin: options.origin ?? 'devcontainer.json', command: failed.invocation.name, exitCode: failed.exitCode, outputTail: failed.tail.lines() },
    {
      hint: `It runs on this machine in ${options.cwd} before the container is built; fix it and run up again.`,
      cause: failed.spawnError,
      detail: failed.spawnError ? `could not start ${failed.invocation.argv[0]}: ${failed.spawnError.message}` : undefined,
    },
  );
}

function runOnHost(invocation: CommandInvocation, parallel: boolean, platform: NodeJS.Platform, options: InitializeOptions): Promise<HostOutcome> {
  const tail = new OutputTail();
  const name = invocation.name === undefined ? HOOK : `${HOOK}:${invocation.name}`;
  const started = Date.now();
  if (parallel) options.events({ type: 'hook', hook: HOOK, command: invocation.name, state: 'started' });
  return new Promise<HostOutcome>((resolve) => {
    const [file, ...args] = invocation.argv;
    // Its own process group on POSIX, so cancelling stops the shell's children too.
    const detached = platform !== 'win32';
    const child = nodeChildProcess().spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached, windowsHide: true });
    const onAbort = () => {
      try {
        if (detached && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const emit = (chunk: Buffer, stream: string) => {
      const text = tail.push(chunk, stream);
      if (text) options.events({ type: 'output', source: 'initialize', name, text });
    };
    child.stdout.on('data', (c: Buffer) => emit(c, 'stdout'));
    child.stderr.on('data', (c: Buffer) => emit(c, 'stderr'));
    let spawnError: Error | undefined;
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      // Like a shell: a process killed by signal n exits 128+n; -1 when it never started.
      const exitCode = spawnError ? -1 : (code ?? 128 + signalNumber(signal));
      if (parallel) {
        const ok = !spawnError && exitCode === 0;
        options.events({ type: 'hook', hook: HOOK, command: invocation.name, state: ok ? 'succeeded' : 'failed', exitCode, durationMs: Date.now() - started });
      }
      resolve({ invocation, exitCode, tail, spawnError });
    });
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (SIGNALS[signal] ?? 0) : 0;
}
