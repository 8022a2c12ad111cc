import { BerthError } from '../../core/errors';
import type { ProductionRunResult } from '../../core/usecases';
import { boolFlag } from '../args';
import type { CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

/** The human summary of a production run, for stderr (stdout keeps the one JSON line). */
export function formatProductionRun(r: ProductionRunResult): string {
  const lines = [`production: ${r.imageName} in container ${r.containerId.slice(0, 12)}`];
  for (const p of r.ports) lines.push(`port:       ${p.containerPort}/${p.protocol} -> ${p.hostIp}:${p.hostPort}`);
  if (r.url) lines.push(`url:        ${r.url}`);
  lines.push(`health:     ${r.health}: ${r.detail}${r.attempts > 0 ? ` (${r.attempts} ${r.attempts === 1 ? 'try' : 'tries'})` : ''}`);
  if (r.health === 'unhealthy' && r.logTail.trim() !== '') {
    lines.push('log tail:', ...r.logTail.trimEnd().split('\n').map((l) => `  ${l}`));
  }
  if (r.running) lines.push("Stop it with 'berth run --production --stop'.");
  return lines.join('\n');
}

export const run: CommandSpec = {
  name: 'run',
  summary: 'Run the production image (berth run --production): build it with the cache, start it on 127.0.0.1, wait for its healthcheck; --stop removes it.',
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    production: { type: 'boolean', description: 'Run the production image (required: the dev container is started with `berth up`).' },
    stop: { type: 'boolean', description: 'Stop and remove the production container instead.' },
    'no-build': { type: 'boolean', description: 'Run the production image as tagged, without building it first.' },
  },
  async run(ctx) {
    if (!boolFlag(ctx.args, 'production')) {
      throw new BerthError('usage', 'berth run needs --production', { hint: "Start the dev container with 'berth up'; run the production image with 'berth run --production'." });
    }
    const service = serviceFor(ctx);
    if (boolFlag(ctx.args, 'stop')) {
      const stopped = await service.stopProduction(workspaceRef(ctx), useCaseContext(ctx));
      printResult(ctx, stopped);
      return 0;
    }
    const result = await service.runProduction({ ...workspaceRef(ctx), build: !boolFlag(ctx.args, 'no-build') }, useCaseContext(ctx));
    ctx.stderr.write(formatProductionRun(result) + '\n');
    printResult(ctx, result);
    return result.health === 'unhealthy' ? 1 : 0;
  },
};
