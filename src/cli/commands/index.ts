import type { CommandSpec } from '../command';

/** Every CLI command, in the order `berth --help` lists them. One file per command beside this one. */
export const commands: CommandSpec[] = [];
