import type { LifecycleCommand } from '../config/types';

/** One process to start for a hook. */
export interface CommandInvocation {
  /** The key in the object form; absent for the string and array forms. */
  name?: string;
  argv: string[];
}

/**
 * The spec's three forms as argv lists: a string goes through the shell (`/bin/sh -c` by default),
 * an array is argv as written, an object is several named commands that run in parallel.
 */
export function toInvocations(command: LifecycleCommand, shell: readonly string[] = ['/bin/sh', '-c']): CommandInvocation[] {
  const one = (c: string | string[], name?: string): CommandInvocation =>
    typeof c === 'string' ? { name, argv: [...shell, c] } : { name, argv: [...c] };
  if (typeof command === 'string' || Array.isArray(command)) return [one(command)];
  return Object.entries(command).map(([name, c]) => one(c, name));
}

/** True for commands that have nothing to run (`""`, `[]`, `{}`), which the spec treats as absent. */
export function isEmptyCommand(command: LifecycleCommand): boolean {
  if (typeof command === 'string') return command.trim() === '';
  if (Array.isArray(command)) return command.length === 0;
  return Object.values(command).every((c) => isEmptyCommand(c));
}
