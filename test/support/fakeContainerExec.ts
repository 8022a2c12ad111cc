/**
 * A scripted ContainerExec for unit tests: records every call and answers with what `respond` returns
 * (output, exit code, an optional delay that honours the AbortSignal).
 */
import type { ContainerExec, ExecOptions, ExecResult } from '../../src/core/engine/types';

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
  startedAt: number;
  endedAt?: number;
}

export class FakeContainerExec implements ContainerExec {
  readonly calls: FakeCall[] = [];

  constructor(private readonly respond: (call: FakeCall) => FakeReply | undefined = () => undefined) {}

  async exec(containerId: string, options: ExecOptions): Promise<ExecResult> {
    const call: FakeCall = { ...options, containerId, startedAt: Date.now() };
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
    return { exitCode: reply.exitCode ?? 0 };
  }

  /** The shell scripts of `/bin/sh -c` calls, or the argv joined, in call order. */
  scripts(): string[] {
    return this.calls.map((c) => (c.cmd[0] === '/bin/sh' && c.cmd[1] === '-c' ? c.cmd[2] : c.cmd.join(' ')));
  }
}
