/** How CLI commands are declared: one file per command under `commands/`, listed in `main.ts`. */
import type { ReadConfigResult } from '../core/config';
import type { EventSink } from '../core/events';

export interface CliContext {
  /** Flags and positionals as parsed by `parseArgs` from the command's spec. */
  args: ParsedArgs;
  /** Where core events go (rendered as text or JSON lines on stderr, per `--log-format`). */
  events: EventSink;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal: AbortSignal;
  /** The spec a use case read (the CLI learns its secrets from it, to redact what it prints). */
  onSpecRead?: (loaded: ReadConfigResult) => void;
}

export interface FlagSpec {
  type: 'string' | 'boolean' | 'string[]';
  description: string;
  /** Shown in help as `--flag <valueName>`. */
  valueName?: string;
  default?: string | boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage after `berth <name>`, e.g. `[--] <cmd> [args...]`. */
  usage?: string;
  flags: Record<string, FlagSpec>;
  /** Accept positional arguments (everything after `--` is always positional). */
  positionals?: boolean;
  /** Returns the process exit code. */
  run(ctx: CliContext): Promise<number>;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}
