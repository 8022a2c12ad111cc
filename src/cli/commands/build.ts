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
  },
  async run(ctx) {
    const result = await serviceFor(ctx).build(
      {
        ...workspaceRef(ctx),
        imageNames: listFlag(ctx.args, 'image-name'),
        noCache: boolFlag(ctx.args, 'no-cache'),
        target: stringFlag(ctx.args, 'target'),
      },
      useCaseContext(ctx),
    );
    printResult(ctx, result);
    return 0;
  },
};
