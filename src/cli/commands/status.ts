import type { StatusResult } from '../../core/usecases/types';
import { boolFlag } from '../args';
import type { CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

export function formatStatus(s: StatusResult): string {
  const lines = [`state:      ${s.state}`, `spec:       ${s.configFile}`];
  if (s.containerId) lines.push(`container:  ${s.containerId.slice(0, 12)}${s.containerName ? ` (${s.containerName})` : ''}`);
  if (s.image) lines.push(`image:      ${s.image}`);
  if (s.remoteUser) lines.push(`user:       ${s.remoteUser}`);
  if (s.remoteWorkspaceFolder) lines.push(`workspace:  ${s.remoteWorkspaceFolder}`);
  if (s.createdAt) lines.push(`created:    ${s.createdAt}`);
  if (s.startedAt) lines.push(`started:    ${s.startedAt}`);
  if (s.composeProjectName) lines.push(`compose:    ${s.composeProjectName}`);
  for (const svc of s.services ?? []) lines.push(`service:    ${svc.name.padEnd(22)} ${svc.state}${svc.containerId ? ` (${svc.containerId.slice(0, 12)})` : ''}`);
  for (const p of s.ports) lines.push(`port:       ${p.containerPort}/${p.protocol} -> ${p.hostIp}:${p.hostPort}`);
  for (const m of s.mounts) lines.push(`mount:      ${m.target} <- ${m.type}${m.source ? ` ${m.source}` : ''}${m.readOnly ? ' (read-only)' : ''}`);
  for (const h of s.hooks) lines.push(`hook:       ${h.hook.padEnd(22)} ${h.ranAt ? `ran ${h.ranAt}` : 'not run'}`);
  if (s.drift.length === 0 && s.state !== 'none') lines.push('drift:      none (the container matches the spec)');
  for (const d of s.drift) lines.push(`drift:      ${d.input} changed${d.needsRebuild ? ' (rebuild needed)' : ' (applies on the next up)'}`);
  return lines.join('\n');
}

export const status: CommandSpec = {
  name: 'status',
  summary: "Show the dev container's state, image, ports, which hooks ran, and whether the spec changed since it was made.",
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    json: { type: 'boolean', description: 'Print the status as JSON.' },
  },
  async run(ctx) {
    const s = await serviceFor(ctx).status(workspaceRef(ctx), useCaseContext(ctx));
    if (boolFlag(ctx.args, 'json')) printResult(ctx, s);
    else ctx.stdout.write(formatStatus(s) + '\n');
    return 0;
  },
};
