/**
 * What the use cases share: reading the workspace's spec, finding its container by the spec's labels,
 * and working out how to run things in it (user, folder, environment).
 */
import { mergeWithImageMetadata, metadataFromLabels, readConfig, substitute, type ReadConfigResult } from '../config';
import { LABEL_CONFIG_FILE, LABEL_LOCAL_FOLDER, LABEL_METADATA } from '../labels';
import type { ContainerDetails, ContainerSummary, Engine } from '../engine/types';
import { BerthError, formatDiagnostic } from '../errors';
import type { MetadataEntry, ResolvedConfig } from '../config/types';
import { combineRemoteEnv, envListToRecord } from '../lifecycle/remoteEnv';
import { probeUserEnv } from '../lifecycle/userEnv';
import { composeWorkspaceFolder } from '../compose/workspace';
import type { CoreDeps } from './deps';
import type { SessionEntry } from './sessionCache';
import type { UseCaseContext, WorkspaceRef } from './types';

/** Reads the spec and reports its warnings as log events. */
export async function loadWorkspace(ref: WorkspaceRef, deps: Pick<CoreDeps, 'platform'>, ctx: UseCaseContext): Promise<ReadConfigResult> {
  ctx.events({ type: 'phase', phase: 'reading-config' });
  const loaded = await readConfig({ workspaceFolder: ref.workspaceFolder, configFile: ref.configFile, env: ctx.env, platform: deps.platform });
  ctx.onSpecRead?.(loaded);
  for (const d of loaded.diagnostics) ctx.events({ type: 'log', level: 'warn', message: formatDiagnostic(d), component: 'config' });
  // Compose: Berth mounts the workspace at /workspaces/<name> when the spec sets no folder (README, Docker Compose).
  if (loaded.config.kind === 'compose') loaded.config.workspaceFolder = composeWorkspaceFolder(loaded.raw, loaded.config.workspaceFolderHost, deps.platform);
  return loaded;
}

/**
 * The workspace's container: the one carrying all id labels, else (like the reference CLI) one with
 * the workspace's local_folder and no config_file label, made by older tools.
 */
export async function findWorkspaceContainer(
  engine: Engine,
  idLabels: Record<string, string>,
  signal?: AbortSignal,
): Promise<ContainerSummary | undefined> {
  const folder = idLabels[LABEL_LOCAL_FOLDER];
  const standard = folder !== undefined && Object.keys(idLabels).length === 2 && idLabels[LABEL_CONFIG_FILE] !== undefined;
  if (!standard) {
    const found = await engine.findContainers(idLabels, { all: true, signal });
    return found.length > 0 ? newest(found) : undefined;
  }
  // One list by folder answers both questions: the spec's own container, else a legacy one.
  const inFolder = await engine.findContainers({ [LABEL_LOCAL_FOLDER]: folder }, { all: true, signal });
  const own = inFolder.filter((c) => c.labels[LABEL_CONFIG_FILE] === idLabels[LABEL_CONFIG_FILE]);
  if (own.length > 0) return newest(own);
  const legacy = inFolder.filter((c) => c.labels[LABEL_CONFIG_FILE] === undefined);
  return legacy.length > 0 ? newest(legacy) : undefined;
}

function newest(list: ContainerSummary[]): ContainerSummary {
  return list.reduce((a, b) => (b.created > a.created ? b : a));
}

export function noContainer(loaded: ReadConfigResult, what: string): BerthError {
  return new BerthError('container-not-found', `There is no ${what} dev container for ${loaded.config.workspaceFolderHost}`, {
    hint: `Start it with 'berth up --workspace-folder ${loaded.config.workspaceFolderHost}' (or Berth: Start in VS Code).`,
  });
}

/**
 * `devcontainer.metadata` entries as they apply to this workspace. Labels hold raw values (as the
 * reference CLI writes them), so local variables are substituted on reading; `${containerEnv:…}`
 * stays for later.
 */
export function substitutedEntries(loaded: ReadConfigResult, entries: MetadataEntry[]): MetadataEntry[] {
  return substitute(entries, loaded.substitution);
}

/**
 * The config as it applies to an existing container: the image's entries of its
 * `devcontainer.metadata` label (spec tools write devcontainer.json's own entry last), then the
 * current devcontainer.json. So edits to hooks, remoteEnv and remoteUser apply without a rebuild
 * (the reference CLI keeps the label's hooks until a rebuild); what is fixed at creation
 * (containerEnv, mounts, ...) is reported as drift by `status`.
 */
export function configForContainer(loaded: ReadConfigResult, details: ContainerDetails): ResolvedConfig {
  const entries = metadataFromLabels(details.Config?.Labels ?? {}, details.Name);
  // The label ends with devcontainer.json's own entry; parsing drops it when it is empty (`{}`), and
  // then the last entry is an image's or a Feature's, which must stay.
  const own = ownEntryDropped(details.Config?.Labels?.[LABEL_METADATA]) ? entries : entries.slice(0, -1);
  return own.length === 0 ? loaded.config : mergeWithImageMetadata(loaded.config, substitutedEntries(loaded, own));
}

function ownEntryDropped(label: string | undefined): boolean {
  try {
    const raw = JSON.parse(label ?? '') as unknown;
    const last = Array.isArray(raw) ? raw[raw.length - 1] : undefined;
    return typeof last === 'object' && last !== null && !Array.isArray(last) && Object.keys(last).length === 0;
  } catch {
    return false;
  }
}

/** How to run a process in the container as the dev container's user. */
export interface AttachContext {
  containerId: string;
  details: ContainerDetails;
  config: ResolvedConfig;
  user: string;
  workdir: string;
  /** Probed user env + remoteEnv (+ the caller's extra env). Holds secrets: never log values. */
  env: Record<string, string>;
}

/** The remote user: remoteUser, else containerUser, else the image's user, else root. */
export function remoteUserOf(config: ResolvedConfig, details: ContainerDetails): string {
  return config.remoteUser || config.containerUser || details.Config?.User || 'root';
}

/**
 * Works out user, folder and environment for a running container. The user's env comes from the
 * login shell probe, cached per container start on the host, so repeated execs skip it.
 */
export async function attachContext(deps: CoreDeps, loaded: ReadConfigResult, details: ContainerDetails, ctx: UseCaseContext): Promise<AttachContext> {
  const config = configForContainer(loaded, details);
  const user = remoteUserOf(config, details);
  let probed = config.userEnvProbe === 'none' ? {} : cachedProbe(await deps.sessions.load(details.Id, details.State.StartedAt), user, config.userEnvProbe);
  if (probed === undefined) {
    probed = await probeUserEnv(deps.engine, details.Id, { user, mode: config.userEnvProbe, signal: ctx.signal, events: ctx.events });
    await rememberProbe(deps, details, user, config.userEnvProbe, probed);
  }
  return { containerId: details.Id, details, config, user, workdir: config.workspaceFolder, env: remoteEnvOver(details, config, probed) };
}

/** The env to run things with: the probed env, then remoteEnv (its `${containerEnv:…}` resolved). */
export function remoteEnvOver(details: ContainerDetails, config: ResolvedConfig, probed: Record<string, string>): Record<string, string> {
  const containerEnv = envListToRecord(details.Config?.Env);
  return combineRemoteEnv(probed, config.remoteEnv, { ...containerEnv, ...probed });
}

/** The probed env of a container start, from its session entry; {} without a probe; undefined when one is due. */
export function cachedProbe(entry: SessionEntry, user: string, mode: ResolvedConfig['userEnvProbe']): Record<string, string> | undefined {
  return mode === 'none' ? {} : entry.userEnv[probeKey(user, mode)];
}

/** Where a session entry keeps one user's probe in one mode. */
function probeKey(user: string, mode: ResolvedConfig['userEnvProbe']): string {
  return `${user}|${mode}`;
}

/** Keeps a probe's env for this container start. An empty one (timed out, failed) is not kept: the next call retries. */
export async function rememberProbe(deps: CoreDeps, details: ContainerDetails, user: string, mode: ResolvedConfig['userEnvProbe'], env: Record<string, string>): Promise<void> {
  if (mode === 'none' || Object.keys(env).length === 0) return;
  const entry = await deps.sessions.load(details.Id, details.State.StartedAt);
  entry.userEnv[probeKey(user, mode)] = env;
  await deps.sessions.save(entry);
}
