import { formatParityReport } from '../../core/production/report';
import { boolFlag } from '../args';
import type { CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export const parity: CommandSpec = {
  name: 'parity',
  summary: 'Compare the dev and production images: shared base and layers, what each adds, sizes, OS release, runtime versions, drift.',
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    json: { type: 'boolean', description: 'Print the report as one JSON object (schemaVersion 1; see README).' },
    'no-build': { type: 'boolean', description: 'Compare the images as tagged, without building them first.' },
  },
  async run(ctx) {
    const report = await serviceFor(ctx).parity({ ...workspaceRef(ctx), build: !boolFlag(ctx.args, 'no-build') }, useCaseContext(ctx));
    if (boolFlag(ctx.args, 'json')) printResult(ctx, report);
    else ctx.stdout.write(formatParityReport(report, ctx.stdout.columns || 100) + '\n');
    // Drift is a finding, not a failure: the report itself succeeded.
    return 0;
  },
};
