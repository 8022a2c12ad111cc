/**
 * What the core tells its front ends while it works. The core never prints; it emits these, and the
 * CLI renders them as log lines (or JSON lines), the extension as a LogOutputChannel, progress and the
 * status bar.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type LifecycleHookName =
  | 'initializeCommand'
  | 'onCreateCommand'
  | 'updateContentCommand'
  | 'postCreateCommand'
  | 'postStartCommand'
  | 'postAttachCommand';

/** The coarse steps of bringing a container up, in order. The status bar shows the current one. */
export type Phase =
  | 'reading-config'
  | 'initialize'
  | 'building'
  | 'creating'
  | 'starting'
  | 'running-hooks'
  | 'ready'
  | 'stopping'
  | 'removing';

export type BerthEvent =
  | { type: 'log'; level: LogLevel; message: string; component?: string }
  | { type: 'phase'; phase: Phase; detail?: string }
  /** A Dockerfile step began. `total` is known for the classic builder's "Step n/m". */
  | { type: 'build-step'; step: number; total?: number; instruction: string }
  /** The step that just began was satisfied from the build cache. */
  | { type: 'build-cached'; step: number }
  /** Raw output of a build, a hook or initializeCommand, as it arrives. */
  | { type: 'output'; source: 'build' | 'hook' | 'initialize' | 'compose' | 'pull'; name?: string; text: string }
  | {
      type: 'hook';
      hook: LifecycleHookName;
      /** For the object form, the key of the command; absent for string and array forms. */
      command?: string;
      state: 'started' | 'succeeded' | 'failed' | 'skipped';
      exitCode?: number;
      durationMs?: number;
      reason?: string;
    }
  | { type: 'container'; containerId: string; state: 'created' | 'started' | 'reused' | 'stopped' | 'removed' }
  | { type: 'port'; containerPort: number; hostPort: number; hostIp: string; note?: string };

export type EventSink = (event: BerthEvent) => void;

/** A sink that drops everything, for callers that do not care. */
export const ignoreEvents: EventSink = () => undefined;

/** Small helpers so call sites stay short: `log.info('…')`. */
export function logger(sink: EventSink, component?: string) {
  const at = (level: LogLevel) => (message: string) => sink({ type: 'log', level, message, component });
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
export type Logger = ReturnType<typeof logger>;
