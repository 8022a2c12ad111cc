/**
 * The shapes of a dev container spec: as written (`DevContainerJson`, after JSONC parsing and
 * validation) and as Berth uses it (`ResolvedConfig`, a typed union with defaults applied and paths
 * made absolute). Only the reader builds a ResolvedConfig; everything after it trusts the types.
 */
import type { LifecycleHookName } from '../events';

/** A hook as written: `"cmd"` (through /bin/sh -c), `["exe", "arg"]` (no shell), or named commands run in parallel. */
export type LifecycleCommand = string | string[] | { [name: string]: string | string[] };

export interface MountObject {
  type: 'bind' | 'volume' | 'tmpfs';
  source?: string;
  target: string;
  /** Extra options (e.g. readonly), kept as written. */
  [key: string]: unknown;
}

export interface PortAttributes {
  label?: string;
  onAutoForward?: 'notify' | 'openBrowser' | 'openBrowserOnce' | 'openPreview' | 'silent' | 'ignore';
  elevateIfNeeded?: boolean;
  requireLocalPort?: boolean;
  protocol?: 'http' | 'https';
}

export interface HostRequirements {
  cpus?: number;
  memory?: string;
  storage?: string;
  gpu?: boolean | 'optional' | { cores?: number; memory?: string };
}

/** devcontainer.json as written (all properties optional; the validator has checked their types). */
export interface DevContainerJson {
  name?: string;
  image?: string;
  build?: {
    dockerfile?: string;
    context?: string;
    args?: Record<string, string>;
    target?: string;
    cacheFrom?: string | string[];
    options?: string[];
  };
  /** Old spelling of build.dockerfile / build.context. */
  dockerFile?: string;
  context?: string;
  dockerComposeFile?: string | string[];
  service?: string;
  runServices?: string[];
  workspaceFolder?: string;
  workspaceMount?: string;
  mounts?: (string | MountObject)[];
  runArgs?: string[];
  appPort?: number | string | (number | string)[];
  forwardPorts?: (number | string)[];
  portsAttributes?: Record<string, PortAttributes>;
  otherPortsAttributes?: PortAttributes;
  containerEnv?: Record<string, string>;
  remoteEnv?: Record<string, string | null>;
  containerUser?: string;
  remoteUser?: string;
  updateRemoteUserUID?: boolean;
  userEnvProbe?: 'none' | 'loginShell' | 'loginInteractiveShell' | 'interactiveShell';
  overrideCommand?: boolean;
  shutdownAction?: 'none' | 'stopContainer' | 'stopCompose';
  init?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  initializeCommand?: LifecycleCommand;
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postCreateCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  waitFor?: Exclude<LifecycleHookName, 'initializeCommand'>;
  features?: Record<string, unknown>;
  overrideFeatureInstallOrder?: string[];
  hostRequirements?: HostRequirements;
  customizations?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The in-container hooks, in the order they run. */
export const CONTAINER_HOOKS = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
] as const satisfies readonly LifecycleHookName[];
export type ContainerHookName = (typeof CONTAINER_HOOKS)[number];

/** Where a hook command came from: `devcontainer.json`, an image's metadata, or a Feature id. */
export interface HookSource {
  origin: string;
  command: LifecycleCommand;
}

/** Properties shared by the three forms, after substitution, defaults and merging. */
export interface CommonConfig {
  /** Absolute path of the devcontainer.json that was read. */
  configFile: string;
  /** Absolute path of the workspace folder on the host (`--workspace-folder`). */
  workspaceFolderHost: string;
  name?: string;
  /** Where the workspace is inside the container. Default `/workspaces/<basename>` (compose: `/`). */
  workspaceFolder: string;
  /** `--mount` value for the workspace, or undefined for none (`"workspaceMount": ""`, compose). */
  workspaceMount?: string;
  mounts: (string | MountObject)[];
  runArgs: string[];
  appPort: (number | string)[];
  forwardPorts: (number | string)[];
  portsAttributes: Record<string, PortAttributes>;
  otherPortsAttributes?: PortAttributes;
  containerEnv: Record<string, string>;
  /** May still hold `${containerEnv:…}`, resolved against the running container. */
  remoteEnv: Record<string, string | null>;
  containerUser?: string;
  remoteUser?: string;
  updateRemoteUserUID: boolean;
  userEnvProbe: NonNullable<DevContainerJson['userEnvProbe']>;
  overrideCommand: boolean;
  shutdownAction: NonNullable<DevContainerJson['shutdownAction']>;
  init: boolean;
  privileged: boolean;
  capAdd: string[];
  securityOpt: string[];
  initializeCommand?: LifecycleCommand;
  /** Each in-container hook as a list, base image metadata first, devcontainer.json last. */
  hooks: Record<ContainerHookName, HookSource[]>;
  waitFor: NonNullable<DevContainerJson['waitFor']>;
  features: Record<string, unknown>;
  overrideFeatureInstallOrder?: string[];
  hostRequirements?: HostRequirements;
  customizations: Record<string, unknown>;
  /** Feature entrypoints from image metadata, in order (set by mergeWithImageMetadata). */
  entrypoints?: string[];
  /**
   * What this devcontainer.json contributes to an image's `devcontainer.metadata` label: the picked
   * properties with their raw (substituted, default-free) values. The last entry when merging.
   */
  configMetadata?: MetadataEntry;
}

export interface ImageConfig extends CommonConfig {
  kind: 'image';
  image: string;
}

export interface DockerfileConfig extends CommonConfig {
  kind: 'dockerfile';
  /** Absolute path. */
  dockerfile: string;
  /** Absolute path of the build context. */
  context: string;
  buildArgs: Record<string, string>;
  target?: string;
  cacheFrom: string[];
  buildOptions: string[];
}

export interface ComposeConfig extends CommonConfig {
  kind: 'compose';
  /** Absolute paths, in order. */
  composeFiles: string[];
  service: string;
  runServices?: string[];
}

export type ResolvedConfig = ImageConfig | DockerfileConfig | ComposeConfig;

/**
 * One entry of the `devcontainer.metadata` image label (base images, Features, devcontainer.json),
 * raw values as written. `id` is set for Feature entries.
 */
export interface MetadataEntry {
  id?: string;
  init?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  entrypoint?: string;
  mounts?: (string | MountObject)[];
  customizations?: Record<string, unknown>;
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postCreateCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  waitFor?: DevContainerJson['waitFor'];
  remoteUser?: string;
  containerUser?: string;
  userEnvProbe?: DevContainerJson['userEnvProbe'];
  remoteEnv?: Record<string, string | null>;
  containerEnv?: Record<string, string>;
  overrideCommand?: boolean;
  portsAttributes?: Record<string, PortAttributes>;
  otherPortsAttributes?: PortAttributes;
  forwardPorts?: (number | string)[];
  shutdownAction?: DevContainerJson['shutdownAction'];
  updateRemoteUserUID?: boolean;
  hostRequirements?: HostRequirements;
  [key: string]: unknown;
}
