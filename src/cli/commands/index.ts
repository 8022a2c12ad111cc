import type { CommandSpec } from '../command';
import { build } from './build';
import { down } from './down';
import { exec } from './exec';
import { parity } from './parity';
import { readConfiguration } from './readConfiguration';
import { run } from './run';
import { status } from './status';
import { stop } from './stop';
import { up } from './up';

/** Every CLI command, in the order `berth --help` lists them. One file per command beside this one. */
export const commands: CommandSpec[] = [up, exec, status, stop, down, build, readConfiguration, run, parity];
