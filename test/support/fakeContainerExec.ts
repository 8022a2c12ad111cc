/**
 * A scripted ContainerExec for unit tests: records every call and answers with what `respond` returns
 * (output, exit code, an optional delay that honours the AbortSignal).
 */
import type { ContainerExec, ExecOptions, ExecResult } from '../../src/core/engine/types';
import { WITH_MARKER_SCRIPT } from '../../src/core/lifecycle/run';

export interface FakeReply {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  exitCode?: number;
  /** Wait this long before answering (the abort signal cuts it short). */
  delayMs?: number;
  /** Never answer (until aborted). */
  hang?: boolean;
}

export interface FakeCall extends ExecOptions {
  containerId: string;
  /**
   * Set when the hook ran through the runner's marker wrapper: `cmd` is then the hook's own argv,
   * and `written` says whether the wrapper would have written the marker (the hook exited 0).
   */
  marker?: { dir: string; hook: string; value: string; written: boolean };
  startedAt: number;
  endedAt?: number;
}

export class FakeContainerExec implements ContainerExec {
  readonly calls: FakeCall[] = [];

  constructor(private readonly respond: (call: FakeCall) => FakeReply | undefined = () => undefined) {}

  async exec(containerId: string, options: ExecOptions): Promise<ExecResult> {
    const wrapped = options.cmd[2] === WITH_MARKER_SCRIPT;
    const call: FakeCall = wrapped
      ? { ...options, cmd: options.cmd.slice(7), marker: { dir: options.cmd[4], hook: options.cmd[5], value: options.cmd[6], written: false }, containerId, startedAt: Date.now() }
      : { ...options, containerId, startedAt: Date.now() };
    this.calls.push(call);
    const reply = this.respond(call) ?? {};
    if (reply.delayMs !== undefined || reply.hang) {
      await new Promise<void>((resolve, reject) => {
        const timer = reply.hang ? undefined : setTimeout(resolve, reply.delayMs);
        const abort = () => {
          clearTimeout(timer);
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        };
        if (options.signal?.aborted) abort();
        options.signal?.addEventListener('abort', abort, { once: true });
      });
    }
    if (reply.stdout !== undefined) options.onStdout?.(Buffer.from(reply.stdout));
    if (reply.stderr !== undefined) options.onStderr?.(Buffer.from(reply.stderr));
    call.endedAt = Date.now();
    if (call.marker) call.marker.written = (reply.exitCode ?? 0) === 0;
    return { exitCode: reply.exitCode ?? 0 };
  }

  /** Markers written, `[dir, hook, value]`, by separate marker execs or by the hook's own wrapper. */
  markersWritten(): string[][] {
    return this.calls.flatMap((c) => {
      if (c.marker) return c.marker.written ? [[c.marker.dir, c.marker.hook, c.marker.value]] : [];
      return c.cmd[3] === 'berth-marker' ? [c.cmd.slice(4, 7)] : [];
    });
  }

  /** The shell scripts of `/bin/sh -c` calls, or the argv joined, in call order. */
  scripts(): string[] {
    return this.calls.map((c) => (c.cmd[0] === '/bin/sh' && c.cmd[1] === '-c' ? c.cmd[2] : c.cmd.join(' ')));
  }
}
