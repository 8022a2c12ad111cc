/**
 * From a validated, substituted devcontainer.json to the typed ResolvedConfig: legacy spellings
 * moved, defaults applied, paths made absolute, hooks as lists with their origin.
 */
import { dirname, resolve } from 'node:path';
import { basename as posixBasename } from 'node:path/posix';
import { basename as winBasename } from 'node:path/win32';
import { configToMetadataEntry } from './metadata';
import { mergeConfiguration } from './merge';
import {
  CONTAINER_HOOKS,
  type CommonConfig,
  type ContainerHookName,
  type DevContainerJson,
  type HookSource,
  type MetadataEntry,
  type ResolvedConfig,
} from './types';

/** Hook origin for the devcontainer.json's own commands. */
export const CONFIG_ORIGIN = 'devcontainer.json';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Moves the old top-level `extensions`, `settings` and `devPort` into `customizations.vscode`, as
 * the reference does (existing entries first). `dockerFile`/`context` stay as written: they are
 * read as the old form of `build`. Returns a new object.
 */
export function applyLegacyRenames(raw: DevContainerJson): DevContainerJson {
  if (!('extensions' in raw) && !('settings' in raw) && !('devPort' in raw)) return raw;
  const { extensions, settings, devPort, ...rest } = raw;
  const customizations = isObject(rest.customizations) ? { ...rest.customizations } : {};
  const vscode = isObject(customizations.vscode) ? { ...customizations.vscode } : {};
  if (Array.isArray(extensions)) {
    const existing = Array.isArray(vscode.extensions) ? (vscode.extensions as unknown[]) : [];
    vscode.extensions = [...existing, ...extensions.filter((e) => !existing.includes(e))];
  }
  if (isObject(settings)) vscode.settings = { ...(isObject(vscode.settings) ? vscode.settings : {}), ...settings };
  if (devPort !== undefined) vscode.devPort = devPort;
  customizations.vscode = vscode;
  return { ...rest, customizations };
}

/** What kind of spec this is: Compose, a Dockerfile build, or an image. */
export function configKind(raw: DevContainerJson): ResolvedConfig['kind'] {
  if (raw.dockerComposeFile !== undefined) return 'compose';
  if (raw.build?.dockerfile !== undefined || raw.dockerFile !== undefined) return 'dockerfile';
  return 'image';
}

/** The host side of the workspace, for defaults that depend on it. */
export interface WorkspaceContext {
  /** Absolute host path of the workspace. */
  workspaceFolder: string;
  platform: NodeJS.Platform;
}

function hostBasename(ctx: WorkspaceContext): string {
  return ctx.platform === 'win32' ? winBasename(ctx.workspaceFolder) : posixBasename(ctx.workspaceFolder);
}

/** The container workspace path when the spec does not set one: `/workspaces/<basename>`, Compose `/`. */
export function defaultWorkspaceFolder(raw: DevContainerJson, ctx: WorkspaceContext): string {
  return configKind(raw) === 'compose' ? '/' : `/workspaces/${hostBasename(ctx)}`;
}

/**
 * The `--mount` value for the workspace when the spec does not set one: the workspace folder
 * (not its git root, see the README) at `/workspaces/<basename>`; `consistency=cached` off Linux.
 */
export function defaultWorkspaceMount(ctx: WorkspaceContext): string {
  const quote = (s: string) => (s.includes(',') ? `"${s}"` : s);
  const source = quote(`source=${ctx.workspaceFolder}`);
  const target = quote(`target=/workspaces/${hostBasename(ctx)}`);
  return `type=bind,${source},${target}${ctx.platform === 'linux' ? '' : ',consistency=cached'}`;
}

/** workspaceFolder and workspaceMount as the container will have them (`workspace` in read-configuration). */
export function workspaceOf(raw: DevContainerJson, ctx: WorkspaceContext): { workspaceFolder: string; workspaceMount?: string } {
  const workspaceFolder = typeof raw.workspaceFolder === 'string' && raw.workspaceFolder !== '' ? raw.workspaceFolder : defaultWorkspaceFolder(raw, ctx);
  if (configKind(raw) === 'compose') return { workspaceFolder };
  if (typeof raw.workspaceMount === 'string') {
    return raw.workspaceMount === '' ? { workspaceFolder } : { workspaceFolder, workspaceMount: raw.workspaceMount };
  }
  return { workspaceFolder, workspaceMount: defaultWorkspaceMount(ctx) };
}

function list<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...v] : [v];
}

function hooksOf(raw: DevContainerJson): Record<ContainerHookName, HookSource[]> {
  const out = {} as Record<ContainerHookName, HookSource[]>;
  for (const hook of CONTAINER_HOOKS) {
    const command = raw[hook];
    out[hook] = command === undefined || command === '' ? [] : [{ origin: CONFIG_ORIGIN, command }];
  }
  return out;
}

/** What normalizeConfig needs besides the spec. */
export interface NormalizeContext extends WorkspaceContext {
  /** Absolute path of the devcontainer.json (relative paths in it are from its folder). */
  configFile: string;
}

/**
 * The typed config with defaults applied. `raw` must be validated, substituted and renamed
 * (readConfig does all three).
 */
export function normalizeConfig(raw: DevContainerJson, ctx: NormalizeContext): ResolvedConfig {
  const kind = configKind(raw);
  const dir = dirname(ctx.configFile);
  const { workspaceFolder, workspaceMount } = workspaceOf(raw, ctx);
  const common: CommonConfig = {
    configFile: ctx.configFile,
    workspaceFolderHost: ctx.workspaceFolder,
    workspaceFolder,
    workspaceMount,
    mounts: list(raw.mounts),
    runArgs: list(raw.runArgs),
    appPort: list(raw.appPort),
    forwardPorts: list(raw.forwardPorts),
    portsAttributes: { ...raw.portsAttributes },
    containerEnv: { ...raw.containerEnv },
    remoteEnv: { ...raw.remoteEnv },
    updateRemoteUserUID: raw.updateRemoteUserUID ?? true,
    userEnvProbe: raw.userEnvProbe ?? 'loginInteractiveShell',
    overrideCommand: raw.overrideCommand ?? kind !== 'compose',
    shutdownAction: raw.shutdownAction ?? (kind === 'compose' ? 'stopCompose' : 'stopContainer'),
    init: raw.init ?? false,
    privileged: raw.privileged ?? false,
    capAdd: list(raw.capAdd),
    securityOpt: list(raw.securityOpt),
    hooks: hooksOf(raw),
    waitFor: raw.waitFor ?? 'updateContentCommand',
    features: { ...raw.features },
    customizations: { ...raw.customizations },
    configMetadata: configToMetadataEntry(raw),
  };
  if (common.workspaceMount === undefined) delete common.workspaceMount;
  const optional = ['name', 'otherPortsAttributes', 'containerUser', 'remoteUser', 'initializeCommand', 'overrideFeatureInstallOrder', 'hostRequirements'] as const;
  for (const key of optional) if (raw[key] !== undefined) (common as unknown as Record<string, unknown>)[key] = raw[key];
  if (kind === 'compose') {
    return {
      ...common,
      kind,
      composeFiles: list(raw.dockerComposeFile).map((f) => resolve(dir, f)),
      service: raw.service ?? '',
      ...(raw.runServices ? { runServices: [...raw.runServices] } : {}),
    };
  }
  if (kind === 'dockerfile') {
    const build = raw.build ?? {};
    const dockerfile = build.dockerfile ?? raw.dockerFile ?? 'Dockerfile';
    const context = build.context ?? raw.context ?? '.';
    return {
      ...common,
      kind,
      dockerfile: resolve(dir, dockerfile),
      context: resolve(dir, context),
      buildArgs: { ...build.args },
      ...(build.target !== undefined ? { target: build.target } : {}),
      cacheFrom: list(build.cacheFrom),
      buildOptions: list(build.options),
    };
  }
  return { ...common, kind, image: raw.image ?? '' };
}

/**
 * The config once the image is known: its `devcontainer.metadata` entries (base image, then
 * Features, in label order) merged before this devcontainer.json's own entry, which goes last.
 * Pass the label of the image the config builds FROM (or runs), not one that already holds this
 * devcontainer.json's entry; an identical last entry is dropped to be safe.
 */
export function mergeWithImageMetadata(config: ResolvedConfig, entries: MetadataEntry[]): ResolvedConfig {
  const own = config.configMetadata ?? {};
  const imageEntries = entries.length > 0 && JSON.stringify(entries[entries.length - 1]) === JSON.stringify(own) ? entries.slice(0, -1) : entries;
  const merged = mergeConfiguration([...imageEntries, own], [...imageEntries.map(() => undefined), CONFIG_ORIGIN]);
  const out: ResolvedConfig = {
    ...config,
    init: merged.init,
    privileged: merged.privileged,
    capAdd: merged.capAdd,
    securityOpt: merged.securityOpt,
    entrypoints: merged.entrypoints,
    mounts: merged.mounts,
    forwardPorts: merged.forwardPorts,
    remoteEnv: merged.remoteEnv,
    containerEnv: merged.containerEnv,
    portsAttributes: merged.portsAttributes,
    hooks: merged.hooks,
    waitFor: merged.waitFor ?? 'updateContentCommand',
    userEnvProbe: merged.userEnvProbe ?? 'loginInteractiveShell',
    shutdownAction: merged.shutdownAction ?? (config.kind === 'compose' ? 'stopCompose' : 'stopContainer'),
    overrideCommand: merged.overrideCommand ?? config.kind !== 'compose',
    updateRemoteUserUID: merged.updateRemoteUserUID ?? true,
  };
  const lastWins = ['remoteUser', 'containerUser', 'otherPortsAttributes', 'hostRequirements'] as const;
  for (const key of lastWins) {
    if (merged[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = merged[key];
  }
  return out;
}

