import { BerthError } from '../../core/errors';
import { boolFlag, listFlag, stringFlag } from '../args';
import type { CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export const build: CommandSpec = {
  name: 'build',
  summary: "Build the dev container's image (Dockerfile specs) or make sure it is present (image specs), without creating a container.",
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    'image-name': { type: 'string[]', valueName: 'name[:tag]', description: 'Tag the image with this name.' },
    'no-cache': { type: 'boolean', description: 'Build without the build cache.' },
    target: { type: 'string', valueName: 'stage', description: 'Build this Dockerfile stage (default: build.target).' },
    'frozen-lockfile': { type: 'boolean', description: 'Fail when devcontainer-lock.json is missing or the Features would resolve differently.' },
    'no-lockfile': { type: 'boolean', description: 'Do not write devcontainer-lock.json.' },
    production: { type: 'boolean', description: 'Build the production image (customizations.berth.production, else the last stage) from the same context and cache.' },
  },
  async run(ctx) {
    if (boolFlag(ctx.args, 'production')) {
      const names = listFlag(ctx.args, 'image-name');
      if (stringFlag(ctx.args, 'target') !== undefined) throw new BerthError('usage', '--target does not go with --production', { hint: 'Set customizations.berth.production.target in devcontainer.json.' });
      const prod = await serviceFor(ctx).buildProduction(
        { ...workspaceRef(ctx), noCache: boolFlag(ctx.args, 'no-cache'), imageName: names[0] },
        useCaseContext(ctx),
      );
      printResult(ctx, prod);
      return 0;
    }
    const result = await serviceFor(ctx).build(
      {
        ...workspaceRef(ctx),
        imageNames: listFlag(ctx.args, 'image-name'),
        noCache: boolFlag(ctx.args, 'no-cache'),
        target: stringFlag(ctx.args, 'target'),
        frozenLockfile: boolFlag(ctx.args, 'frozen-lockfile'),
        writeLockfile: !boolFlag(ctx.args, 'no-lockfile'),
      },
      useCaseContext(ctx),
    );
    printResult(ctx, result);
    return 0;
  },
};
