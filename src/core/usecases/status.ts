import { computeBuildInputs, diffBuildInputs, parseBuildInputsLabel, runtimeDrift } from '../container/drift';
import type { ContainerDetails } from '../engine/types';
import { LABEL_BERTH_BUILD_INPUTS, LABEL_METADATA } from '../labels';
import { readMarkers } from '../lifecycle/markers';
import { CONTAINER_HOOKS } from '../config/types';
import { mergeWithImageMetadata, metadataFromLabels, type ReadConfigResult } from '../config';
import { composeStatusExtras, fitWorkspaceFolder } from './compose';
import type { CoreDeps } from './deps';
import type { ContainerState, DriftItem, HookRecord, StatusResult, UseCaseContext, WorkspaceRef } from './types';
import { configForContainer, findWorkspaceContainer, loadWorkspace, remoteUserOf, substitutedEntries } from './workspace';

/** `status`: the container's state, image, ports, which hooks ran, and what changed since it was made. */
export async function status(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<StatusResult> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  const base: StatusResult = {
    state: 'none',
    configFile: loaded.configFile,
    workspaceFolder: loaded.config.workspaceFolderHost,
    ports: [],
    mounts: [],
    hooks: [],
    drift: [],
  };
  const found = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (!found) return base;
  const details = await deps.engine.inspectContainer(found.id, { signal: ctx.signal });
  fitWorkspaceFolder(loaded, details);
  const config = configForContainer(loaded, details);
  const running = details.State.Running;
  const result: StatusResult = {
    ...base,
    state: (details.State.Status as ContainerState) ?? 'created',
    containerId: details.Id,
    containerName: details.Name.replace(/^\//, ''),
    image: details.Config.Image,
    createdAt: details.Created,
    startedAt: running ? details.State.StartedAt : undefined,
    ports: publishedPorts(details),
    mounts: containerMounts(details),
    remoteUser: remoteUserOf(config, details),
    remoteWorkspaceFolder: config.workspaceFolder,
    hooks: running ? await hookRecords(deps, details, remoteUserOf(config, details), ctx) : [],
    drift: await drift(loaded, details),
  };
  return loaded.config.kind === 'compose' ? composeStatusExtras(deps, result, details, ctx) : result;
}

export function publishedPorts(details: ContainerDetails): StatusResult['ports'] {
  const out: StatusResult['ports'] = [];
  for (const [key, bindings] of Object.entries(details.NetworkSettings?.Ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) out.push({ containerPort: Number(port), protocol, hostIp: b.HostIp, hostPort: Number(b.HostPort) });
  }
  return out;
}

/**
 * The container's mounts by target. Docker lists tmpfs mounts in `Mounts`; Podman (4.3) only in
 * `HostConfig.Tmpfs` (target → options), so both are read.
 */
export function containerMounts(details: ContainerDetails): StatusResult['mounts'] {
  const mounts: StatusResult['mounts'] = (details.Mounts ?? []).map((m) => ({
    type: m.Type,
    source: m.Type === 'volume' ? (m.Name ?? m.Source) : m.Source,
    target: m.Destination,
    readOnly: m.RW === false,
  }));
  const tmpfs = (details.HostConfig as { Tmpfs?: Record<string, string> } | undefined)?.Tmpfs ?? {};
  for (const [target, options] of Object.entries(tmpfs)) {
    if (!mounts.some((m) => m.target === target)) mounts.push({ type: 'tmpfs', source: '', target, readOnly: options.split(',').includes('ro') });
  }
  return mounts.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

async function hookRecords(deps: CoreDeps, details: ContainerDetails, user: string, ctx: UseCaseContext): Promise<HookRecord[]> {
  try {
    const { markers } = await readMarkers(deps.engine, details.Id, { user, signal: ctx.signal });
    return CONTAINER_HOOKS.filter((h) => h !== 'postAttachCommand').map((hook) => {
      const ranAt = markers[hook as keyof typeof markers];
      return ranAt === undefined ? { hook } : { hook, ranAt: ranAt || 'yes' };
    });
  } catch (e) {
    ctx.events({ type: 'log', level: 'debug', message: `could not read hook markers: ${(e as Error).message}`, component: 'status' });
    return [];
  }
}

async function drift(loaded: ReadConfigResult, details: ContainerDetails): Promise<DriftItem[]> {
  const labels = details.Config?.Labels ?? {};
  const items: DriftItem[] = [];
  const old = parseBuildInputsLabel(labels[LABEL_BERTH_BUILD_INPUTS]);
  if (old) items.push(...diffBuildInputs(old, (await computeBuildInputs(loaded.config)).inputs));
  const metadata = labels[LABEL_METADATA];
  if (metadata) {
    try {
      // Compare like with like: the label's image entries with the current file's own settings on top.
      const entries = substitutedEntries(loaded, metadataFromLabels(labels));
      items.push(...runtimeDrift(entries, mergeWithImageMetadata(loaded.config, entries.slice(0, -1))));
    } catch {
      // A label that is not JSON was not written by a spec tool; there is nothing to compare.
    }
  }
  return items;
}
