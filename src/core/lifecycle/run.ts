/**
 * Runs a {@link LifecyclePlan} in a container through {@link ContainerExec}: hooks in order, each
 * hook's sources in order, the object form in parallel. Output streams out as events; the first
 * failure stops everything after it and leaves the container running.
 */
import type { ContainerHookName, HookSource } from '../config/types';
import type { ContainerExec } from '../engine/types';
import { BerthError, isBerthError } from '../errors';
import { logger, type EventSink } from '../events';
import { toInvocations, type CommandInvocation } from './commandForms';
import { HookFailedError } from './hookFailedError';
import { writeMarker } from './markers';
import { OutputTail } from './outputTail';
import type { LifecyclePlan, LifecycleStep, MarkedHookName } from './plan';

/** How and where {@link runLifecycle} runs the hooks. */
export interface RunLifecycleOptions {
  exec: ContainerExec;
  containerId: string;
  /** The remote user. */
  user?: string;
  /** The workspace folder in the container; falls back to `home`. */
  workdir?: string;
  /** The user's home in the container (from `readMarkers`), used when there is no `workdir`. */
  home?: string;
  /** Probed user env combined with remoteEnv (see `combineRemoteEnv`). */
  env?: Record<string, string>;
  /** Run hooks with a TTY (stdout and stderr merge; progress bars draw). Default false. */
  tty?: boolean;
  events: EventSink;
  signal?: AbortSignal;
  /** When set, each marked hook's marker is written here right after the hook succeeds. */
  markerDir?: string;
  /** Called once, as soon as the hooks up to `waitFor` have succeeded. */
  onWaitForReached?: () => void;
}

/** What ran. */
export interface LifecycleRunResult {
  ran: ContainerHookName[];
}

interface CommandOutcome {
  invocation: CommandInvocation;
  exitCode: number;
  tail: OutputTail;
  error?: unknown;
}

function cancelled(hook: ContainerHookName, cause?: unknown): BerthError {
  return new BerthError('cancelled', `Cancelled while running ${hook}`, {
    hint: 'The container is left running; later hooks did not run and will run on the next up.',
    cause,
  });
}

/**
 * Runs the plan. Throws {@link HookFailedError} (code `hook-failed`) for the first failing command,
 * `BerthError('cancelled')` when `signal` aborts; hooks that did not succeed are not marked, so the
 * next up retries them.
 */
export async function runLifecycle(plan: LifecyclePlan, options: RunLifecycleOptions): Promise<LifecycleRunResult> {
  const log = logger(options.events, 'lifecycle');
  const markerWrites: Promise<void>[] = [];
  const ran: ContainerHookName[] = [];
  let waitForReported = false;
  const reportWaitFor = () => {
    if (waitForReported) return;
    waitForReported = true;
    options.onWaitForReached?.();
  };

  const skippedByHook = new Map(plan.skipped.map((s) => [s.hook, s]));
  for (const s of skippedByHook.values()) {
    options.events({ type: 'hook', hook: s.hook, state: 'skipped', reason: s.reason });
  }

  try {
    if (plan.waitForIndex < 0) reportWaitFor();
    for (const [index, step] of plan.steps.entries()) {
      if (options.signal?.aborted) throw cancelled(step.hook, options.signal.reason);
      const marker = options.markerDir && step.markerValue !== undefined && step.hook !== 'postAttachCommand'
        ? { dir: options.markerDir, hook: step.hook as MarkedHookName, value: step.markerValue }
        : undefined;
      // A hook that is one command writes its own marker in the same exec, when it succeeds.
      const inline = marker && isSingleCommand(step) ? marker : undefined;
      await runStep(step, options, log, inline);
      ran.push(step.hook);
      if (marker && !inline && options.markerDir && step.markerValue !== undefined) {
        // Written beside the next hook rather than before it: one exec less on the critical path.
        markerWrites.push(
          writeMarker(options.exec, options.containerId, {
            user: options.user,
            markerDir: options.markerDir,
            hook: step.hook as MarkedHookName,
            value: step.markerValue,
          }).catch((e: unknown) => log.warn(`${step.hook} succeeded but its marker was not written, so it will run again: ${e instanceof Error ? e.message : String(e)}`)),
        );
      }
      if (index === plan.waitForIndex) reportWaitFor();
    }
  } finally {
    await Promise.all(markerWrites);
  }
  return { ran };
}

/** Where and what to write once a hook succeeded. */
interface InlineMarker {
  dir: string;
  hook: MarkedHookName;
  value: string;
}

function isSingleCommand(step: LifecycleStep): boolean {
  if (step.commands.length !== 1) return false;
  const command = step.commands[0].command;
  return typeof command === 'string' || Array.isArray(command);
}

// Runs the hook's argv ("$@" after the marker's three values), then writes the marker only when it
// exited 0. The values are positional parameters, never spliced into the script.
export const WITH_MARKER_SCRIPT = [
  'd=$1 h=$2 v=$3',
  'shift 3',
  '"$@"',
  'rc=$?',
  'if [ "$rc" -eq 0 ]; then',
  '  { mkdir -p "$d" && printf "%s\\n" "$v" > "$d/.${h}Marker"; } 2>/dev/null || echo "berth: $h succeeded but its marker could not be written in $d, so it will run again" >&2',
  'fi',
  'exit "$rc"',
].join('\n');

/** The argv that runs `argv` and then writes `marker`. */
export function withMarker(argv: string[], marker: InlineMarker): string[] {
  return ['/bin/sh', '-c', WITH_MARKER_SCRIPT, 'berth-hook', marker.dir, marker.hook, marker.value, ...argv];
}

async function runStep(step: LifecycleStep, options: RunLifecycleOptions, log: ReturnType<typeof logger>, marker?: InlineMarker): Promise<void> {
  const started = Date.now();
  log.info(`Running ${step.hook}: ${step.why}`);
  options.events({ type: 'hook', hook: step.hook, state: 'started' });
  try {
    for (const source of step.commands) await runSource(step.hook, source, options, marker);
  } catch (e) {
    const exitCode = e instanceof HookFailedError ? e.exitCode : undefined;
    options.events({ type: 'hook', hook: step.hook, state: 'failed', exitCode, durationMs: Date.now() - started });
    throw e;
  }
  options.events({ type: 'hook', hook: step.hook, state: 'succeeded', exitCode: 0, durationMs: Date.now() - started });
}

async function runSource(hook: ContainerHookName, source: HookSource, options: RunLifecycleOptions, marker?: InlineMarker): Promise<void> {
  const invocations = toInvocations(source.command);
  const parallel = !(typeof source.command === 'string' || Array.isArray(source.command));
  logger(options.events, 'lifecycle').debug(`${hook} from ${source.origin}: ${invocations.map((i) => JSON.stringify(i.argv)).join(', ')}`);

  const outcomes = await Promise.all(invocations.map((inv) => runInvocation(hook, inv, parallel, options, marker)));
  if (options.signal?.aborted) throw cancelled(hook, options.signal.reason);
  const failed = outcomes.find((o) => o.error !== undefined || o.exitCode !== 0);
  if (!failed) return;
  if (failed.error !== undefined && isBerthError(failed.error) && failed.error.code === 'cancelled') throw failed.error;
  // The engine went away mid-hook: the command did not fail, so "fix the command" would mislead.
  if (failed.error !== undefined && isBerthError(failed.error) && failed.error.code === 'docker-unavailable') {
    throw new BerthError('docker-unavailable', `Docker stopped while ${hook} from ${source.origin} was running (${failed.error.message})`, {
      cause: failed.error,
      hint: `start Docker again, then run \`berth up\`: ${hook} runs again, hooks that completed are not rerun`,
    });
  }
  throw new HookFailedError(
    { hook, origin: source.origin, command: failed.invocation.name, exitCode: failed.exitCode, outputTail: failed.tail.lines() },
    {
      hint: 'The container is still running: fix the command (or run it with `berth exec` to debug), then run up again; hooks that succeeded are not rerun.',
      cause: failed.error,
      detail: failed.error === undefined ? undefined : `could not run: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`,
    },
  );
}

async function runInvocation(
  hook: ContainerHookName,
  invocation: CommandInvocation,
  parallel: boolean,
  options: RunLifecycleOptions,
  marker?: InlineMarker,
): Promise<CommandOutcome> {
  const tail = new OutputTail();
  const name = invocation.name === undefined ? hook : `${hook}:${invocation.name}`;
  const started = Date.now();
  const emit = (chunk: Buffer, stream: string) => {
    const text = tail.push(chunk, stream);
    if (text) options.events({ type: 'output', source: 'hook', name, text });
  };
  if (parallel) options.events({ type: 'hook', hook, command: invocation.name, state: 'started' });
  let outcome: CommandOutcome;
  try {
    const { exitCode } = await options.exec.exec(options.containerId, {
      cmd: marker ? withMarker(invocation.argv, marker) : invocation.argv,
      user: options.user,
      workdir: options.workdir ?? options.home,
      env: options.env,
      tty: options.tty ?? false,
      signal: options.signal,
      onStdout: (c) => emit(c, 'stdout'),
      onStderr: (c) => emit(c, 'stderr'),
    });
    outcome = { invocation, exitCode, tail };
  } catch (error) {
    const e = options.signal?.aborted ? cancelled(hook, error) : error;
    outcome = { invocation, exitCode: -1, tail, error: e };
  }
  if (parallel) {
    const ok = outcome.error === undefined && outcome.exitCode === 0;
    options.events({
      type: 'hook',
      hook,
      command: invocation.name,
      state: ok ? 'succeeded' : 'failed',
      exitCode: outcome.exitCode,
      durationMs: Date.now() - started,
    });
  }
  return outcome;
}
