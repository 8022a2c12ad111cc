import { resolve } from 'node:path';
import type { WorkspaceRef } from '../../core/usecases/types';
import { stringFlag } from '../args';
import type { CliContext, FlagSpec } from '../command';

/** `--workspace-folder` and `--config`, as the reference CLI spells them. */
export const WORKSPACE_FLAGS: Record<string, FlagSpec> = {
  'workspace-folder': { type: 'string', valueName: 'dir', description: 'The workspace folder (default: the current folder).' },
  config: { type: 'string', valueName: 'file', description: 'The devcontainer.json to use (default: found by the spec\'s rules; a sub-folder name of .devcontainer picks .devcontainer/<name>/devcontainer.json).' },
};

export function workspaceRef(ctx: CliContext): WorkspaceRef {
  const workspaceFolder = resolve(ctx.cwd, stringFlag(ctx.args, 'workspace-folder') ?? '.');
  const config = stringFlag(ctx.args, 'config');
  return { workspaceFolder, configFile: config };
}

/** Writes the command's one-line JSON result on stdout, as the reference CLI does. */
export function printResult(ctx: CliContext, result: object): void {
  ctx.stdout.write(JSON.stringify(result) + '\n');
}
