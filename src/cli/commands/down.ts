import { boolFlag } from '../args';
import type { CommandSpec } from '../command';
import { WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export const down: CommandSpec = {
  name: 'down',
  summary: 'Stop and remove the dev container. Workspace files are never touched; volumes only with --remove-volumes.',
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    'remove-volumes': { type: 'boolean', description: "Also remove the container's anonymous volumes." },
  },
  async run(ctx) {
    await serviceFor(ctx).down({ ...workspaceRef(ctx), removeVolumes: boolFlag(ctx.args, 'remove-volumes') }, useCaseContext(ctx));
    return 0;
  },
};
