import { BerthError } from '../errors';
import type { LifecycleHookName } from '../events';

/** Details a front end shows under a failed hook: which command, where from, and its last output. */
export interface HookFailure {
  hook: LifecycleHookName;
  /** `devcontainer.json`, an image's metadata, or a Feature id. */
  origin: string;
  /** The key, for the object (parallel) form. */
  command?: string;
  /** The command's exit code; -1 when it could not be started. */
  exitCode: number;
  /** The last lines (up to ~20) of its stdout and stderr, interleaved as they arrived. */
  outputTail: string[];
}

/** `BerthError('hook-failed')` that also carries the failing command and the tail of its output. */
export class HookFailedError extends BerthError implements HookFailure {
  readonly hook: LifecycleHookName;
  readonly origin: string;
  readonly command?: string;
  readonly exitCode: number;
  readonly outputTail: string[];

  constructor(failure: HookFailure, options: { hint?: string; cause?: unknown; detail?: string } = {}) {
    const what = failure.command === undefined ? failure.hook : `${failure.hook} (${failure.command})`;
    const how = options.detail ?? `failed with exit code ${failure.exitCode}`;
    super('hook-failed', `${what} from ${failure.origin} ${how}`, { hint: options.hint, cause: options.cause, output: failure.outputTail });
    this.hook = failure.hook;
    this.origin = failure.origin;
    this.command = failure.command;
    this.exitCode = failure.exitCode;
    this.outputTail = failure.outputTail;
  }
}
