import type { CommandSpec } from '../command';
import { WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export const stop: CommandSpec = {
  name: 'stop',
  summary: 'Stop the dev container (it keeps its state; `up` starts it again).',
  flags: { ...WORKSPACE_FLAGS, ...ENGINE_FLAGS },
  async run(ctx) {
    await serviceFor(ctx).stop(workspaceRef(ctx), useCaseContext(ctx));
    return 0;
  },
};
