import { describeError, isBerthError } from '../../core/errors';
import { boolFlag } from '../args';
import type { CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export const up: CommandSpec = {
  name: 'up',
  summary: 'Create and run the dev container (reuse it when it runs, start it when stopped), then run the lifecycle hooks.',
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    'remove-existing-container': { type: 'boolean', description: 'Build first, then replace the existing container.' },
    'build-no-cache': { type: 'boolean', description: 'Build the image without the build cache.' },
    'skip-post-attach': { type: 'boolean', description: 'Do not run postAttachCommand.' },
    'skip-non-blocking-commands': { type: 'boolean', description: 'Stop after the hook named by waitFor.' },
    'frozen-lockfile': { type: 'boolean', description: 'Fail when devcontainer-lock.json is missing or the Features would resolve differently.' },
    'no-lockfile': { type: 'boolean', description: 'Do not write devcontainer-lock.json.' },
  },
  async run(ctx) {
    try {
      const result = await serviceFor(ctx).up(
        {
          ...workspaceRef(ctx),
          removeExistingContainer: boolFlag(ctx.args, 'remove-existing-container'),
          buildNoCache: boolFlag(ctx.args, 'build-no-cache'),
          skipPostAttach: boolFlag(ctx.args, 'skip-post-attach'),
          skipNonBlockingCommands: boolFlag(ctx.args, 'skip-non-blocking-commands'),
          frozenLockfile: boolFlag(ctx.args, 'frozen-lockfile'),
          writeLockfile: !boolFlag(ctx.args, 'no-lockfile'),
        },
        useCaseContext(ctx),
      );
      printResult(ctx, result);
      return 0;
    } catch (e) {
      ctx.stderr.write(`${describeError(e)}\n`);
      printResult(ctx, {
        outcome: 'error',
        message: e instanceof Error ? e.message : String(e),
        description: isBerthError(e) ? (e.hint ?? e.code) : 'An unexpected error occurred.',
        ...(isBerthError(e) && e.location ? { location: e.location } : {}),
      });
      return 1;
    }
  },
};
