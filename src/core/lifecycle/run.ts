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
import { probeThenRun, probeUserEnv, type ProbeUserEnvOptions } from './userEnv';
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
  /**
   * The env probe, when it has yet to run (a new or restarted container); then `env` (and `home`,
   * `markerDir` when unknown) come from its `resolve`. It shares the first command's exec when the
   * plan starts with a single command (probeThenRun: one exec, ~45 ms, less), else runs first.
   */
  probe?: PendingProbe;
}

/** See RunLifecycleOptions.probe. */
export interface PendingProbe {
  options: ProbeUserEnvOptions & { probeWorkdir?: string };
  resolve(probed: Record<string, string>): Promise<HookContext>;
}

/** What the hooks run with, once the probe is done. */
export interface HookContext {
  env?: Record<string, string>;
  home?: string;
  markerDir?: string;
}

/** Where and what a succeeded hook's marker says; the folder is the HookContext's. */
interface MarkerSpec {
  hook: MarkedHookName;
  value: string;
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

  const hc: HookContext = { env: options.env, home: options.home, markerDir: options.markerDir };
  let pending = options.probe;
  if (pending && !(plan.steps.length > 0 && canShareProbe(plan.steps[0], options))) {
    Object.assign(hc, await pending.resolve(await probeUserEnv(options.exec, options.containerId, { ...pending.options, signal: options.signal })));
    pending = undefined;
  }

  try {
    if (plan.waitForIndex < 0) reportWaitFor();
    for (const [index, step] of plan.steps.entries()) {
      if (options.signal?.aborted) throw cancelled(step.hook, options.signal.reason);
      const marker: MarkerSpec | undefined = step.markerValue !== undefined && step.hook !== 'postAttachCommand'
        ? { hook: step.hook as MarkedHookName, value: step.markerValue }
        : undefined;
      // A hook that is one command writes its own marker in the same exec, when it succeeds.
      const inline = marker && isSingleCommand(step) ? marker : undefined;
      await runStep(step, options, hc, log, inline, pending);
      pending = undefined;
      ran.push(step.hook);
      const markerDir = hc.markerDir;
      if (marker && !inline && markerDir) {
        // Written beside the next hook rather than before it: one exec less on the critical path.
        markerWrites.push(
          writeMarker(options.exec, options.containerId, { user: options.user, markerDir, hook: marker.hook, value: marker.value }).catch((e: unknown) =>
            log.warn(`${step.hook} succeeded but its marker was not written, so it will run again: ${e instanceof Error ? e.message : String(e)}`),
          ),
        );
      }
      if (index === plan.waitForIndex) reportWaitFor();
    }
  } finally {
    await Promise.all(markerWrites);
  }
  return { ran };
}

function isSingleCommand(step: LifecycleStep): boolean {
  if (step.commands.length !== 1) return false;
  const command = step.commands[0].command;
  return typeof command === 'string' || Array.isArray(command);
}

/**
 * Whether the probe can share the step's exec: one command, no TTY, a known folder, and an argv that
 * env(1) starts as given (a first word with `=` would be taken for a variable).
 */
function canShareProbe(step: LifecycleStep, options: RunLifecycleOptions): boolean {
  if (!isSingleCommand(step) || options.tty || !options.workdir || options.probe?.options.mode === 'none') return false;
  const [first] = toInvocations(step.commands[0].command);
  return first !== undefined && first.argv.length > 0 && !first.argv[0].includes('=');
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

/** The argv that runs `argv` and then writes `marker` in `dir`. */
export function withMarker(argv: string[], marker: MarkerSpec & { dir: string }): string[] {
  return ['/bin/sh', '-c', WITH_MARKER_SCRIPT, 'berth-hook', marker.dir, marker.hook, marker.value, ...argv];
}

async function runStep(
  step: LifecycleStep,
  options: RunLifecycleOptions,
  hc: HookContext,
  log: ReturnType<typeof logger>,
  marker?: MarkerSpec,
  probe?: PendingProbe,
): Promise<void> {
  const started = Date.now();
  log.info(`Running ${step.hook}: ${step.why}`);
  options.events({ type: 'hook', hook: step.hook, state: 'started' });
  try {
    for (const source of step.commands) await runSource(step.hook, source, options, hc, marker, probe);
  } catch (e) {
    const exitCode = e instanceof HookFailedError ? e.exitCode : undefined;
    options.events({ type: 'hook', hook: step.hook, state: 'failed', exitCode, durationMs: Date.now() - started });
    throw e;
  }
  options.events({ type: 'hook', hook: step.hook, state: 'succeeded', exitCode: 0, durationMs: Date.now() - started });
}

async function runSource(
  hook: ContainerHookName,
  source: HookSource,
  options: RunLifecycleOptions,
  hc: HookContext,
  marker?: MarkerSpec,
  probe?: PendingProbe,
): Promise<void> {
  const invocations = toInvocations(source.command);
  const parallel = !(typeof source.command === 'string' || Array.isArray(source.command));
  logger(options.events, 'lifecycle').debug(`${hook} from ${source.origin}: ${invocations.map((i) => JSON.stringify(i.argv)).join(', ')}`);

  // A pending probe comes only with a single command (canShareProbe): one invocation.
  const outcomes = await Promise.all(invocations.map((inv) => runInvocation(hook, inv, parallel, options, hc, marker, probe)));
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
  hc: HookContext,
  marker?: MarkerSpec,
  probe?: PendingProbe,
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
  const argv = () => (marker && hc.markerDir ? withMarker(invocation.argv, { ...marker, dir: hc.markerDir }) : invocation.argv);
  const onStdout = (c: Buffer) => emit(c, 'stdout');
  const onStderr = (c: Buffer) => emit(c, 'stderr');
  const execAlone = () =>
    options.exec.exec(options.containerId, {
      cmd: argv(),
      user: options.user,
      workdir: options.workdir ?? hc.home,
      env: hc.env,
      tty: options.tty ?? false,
      signal: options.signal,
      onStdout,
      onStderr,
    });
  try {
    let exitCode: number;
    if (probe && options.workdir) {
      const shared = await probeThenRun(options.exec, options.containerId, {
        ...probe.options,
        workdir: options.workdir,
        signal: options.signal,
        onStdout,
        onStderr,
        next: async (probed) => {
          Object.assign(hc, await probe.resolve(probed));
          return { argv: argv(), env: hc.env ?? {} };
        },
      });
      if (shared.result) exitCode = shared.result.exitCode;
      else {
        // The probe ran over its time or the container had no env(1): the command gets its own exec.
        Object.assign(hc, await probe.resolve(shared.env));
        exitCode = (await execAlone()).exitCode;
      }
    } else exitCode = (await execAlone()).exitCode;
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
