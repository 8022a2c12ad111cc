/**
 * "Show Container Status" as Markdown: a readable summary of a StatusResult. Pure.
 */
import type { StatusResult } from '../core/usecases/types';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export interface StatusReportExtras {
  /** Mounts of the container as `source → target`, when known. */
  mounts?: string[];
  /** The last failure, if the last operation failed. */
  failure?: string;
  /** How each hook ended in the last operation of this window (from the core's hook events). */
  hookResults?: HookResult[];
}

export interface HookResult {
  hook: string;
  command?: string;
  state: 'started' | 'succeeded' | 'failed' | 'skipped';
  exitCode?: number;
  durationMs?: number;
  reason?: string;
}

function describeHookResult(h: HookResult): string {
  const name = h.command ? `${h.hook} (${h.command})` : h.hook;
  const took = h.durationMs === undefined ? '' : ` in ${(h.durationMs / 1000).toFixed(1)} s`;
  switch (h.state) {
    case 'failed':
      return `${name}: **failed**${h.exitCode === undefined ? '' : ` with exit code ${h.exitCode}`}${took}`;
    case 'skipped':
      return `${name}: skipped${h.reason ? ` (${h.reason})` : ''}`;
    case 'started':
      return `${name}: still running or interrupted`;
    default:
      return `${name}: succeeded${took}`;
  }
}

/** One mount as the status document lists it: `target ← type source (read-only)`. */
export function describeMount(m: StatusResult['mounts'][number]): string {
  return `${m.target} ← ${m.type}${m.source ? ` ${m.source}` : ''}${m.readOnly ? ' (read-only)' : ''}`;
}

export function renderStatusReport(s: StatusResult, extras: StatusReportExtras = {}): string {
  const out: string[] = [];
  out.push(`# Dev container: ${s.containerName ?? '(none)'}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| State | ${s.state === 'none' ? 'no container' : s.state} |`);
  out.push(`| Spec | \`${cell(s.configFile)}\` |`);
  out.push(`| Workspace | \`${cell(s.workspaceFolder)}\`${s.remoteWorkspaceFolder ? ` → \`${cell(s.remoteWorkspaceFolder)}\`` : ''} |`);
  if (s.containerId) out.push(`| Container | \`${s.containerId.slice(0, 12)}\` |`);
  if (s.image) out.push(`| Image | \`${cell(s.image)}\` |`);
  if (s.remoteUser) out.push(`| User | ${cell(s.remoteUser)} |`);
  if (s.createdAt) out.push(`| Created | ${s.createdAt} |`);
  if (s.startedAt) out.push(`| Started | ${s.startedAt} |`);
  out.push('');

  if (extras.failure) out.push('## Last failure', '', '```', extras.failure, '```', '');

  out.push('## Ports', '');
  if (s.ports.length === 0) out.push('No published ports.');
  else {
    out.push('| Container | Host |', '|---|---|');
    for (const p of s.ports) out.push(`| ${p.containerPort}/${p.protocol} | ${p.hostIp || '0.0.0.0'}:${p.hostPort} |`);
  }
  out.push('');

  if (extras.mounts && extras.mounts.length > 0) {
    out.push('## Mounts', '');
    for (const m of extras.mounts) out.push(`- \`${m}\``);
    out.push('');
  }

  out.push('## Lifecycle hooks', '');
  if (s.hooks.length === 0) out.push('No hook has run in this container.');
  else {
    out.push('| Hook | Last ran |', '|---|---|');
    for (const h of s.hooks) out.push(`| ${h.hook} | ${h.ranAt ?? 'not yet'} |`);
  }
  out.push('');
  if (extras.hookResults && extras.hookResults.length > 0) {
    out.push('Last run in this window:', '');
    for (const h of extras.hookResults) out.push(`- ${describeHookResult(h)}`);
    out.push('');
  }

  out.push('## Drift from the spec', '');
  if (s.state === 'none') out.push('No container to compare.');
  else if (s.drift.length === 0) out.push('The container matches the spec.');
  else {
    for (const d of s.drift) {
      out.push(`- ${d.input}: ${d.needsRebuild ? '**needs a rebuild** (Berth: Rebuild Container)' : 'applies on the next start'}`);
    }
  }
  out.push('');
  return out.join('\n');
}
