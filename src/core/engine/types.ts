/**
 * The contract between the core and the container engine. `src/core/engine/` is the only code that
 * talks to Docker (or Podman's Docker API); everything else depends on these interfaces, which keeps
 * lifecycle planning and the use cases testable with fakes in unit tests.
 */

/** Options for running one command in a container and waiting for it. */
export interface ExecOptions {
  /** argv; a shell command is `['/bin/sh', '-c', script]`. */
  cmd: string[];
  user?: string;
  workdir?: string;
  env?: Record<string, string>;
  tty?: boolean;
  /** Receives output as it arrives (stdout and stderr; with a TTY they are one stream). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Fed to the process's stdin, then closed. */
  stdin?: NodeJS.ReadableStream | string;
  signal?: AbortSignal;
  /** Gives up (and reports a timeout) after this long. */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
}

/** What the lifecycle runner needs from the engine: run a command in a container. */
export interface ContainerExec {
  exec(containerId: string, options: ExecOptions): Promise<ExecResult>;
}
