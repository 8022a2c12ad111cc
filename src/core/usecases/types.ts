/**
 * The use cases the front ends call: up, build, exec, stop, down, status (rebuild = up with
 * removeExistingContainer). Each takes the workspace, its dependencies and an AbortSignal, emits
 * BerthEvents, and returns plain data (or throws a BerthError).
 */
import type { ReadConfigResult } from '../config';
import type { ExecOptions, ExecResult, InteractiveSession } from '../engine/types';
import type { EventSink, LifecycleHookName } from '../events';
import type { Redactor } from '../redact';
import type { RiskItem } from '../trust';
import type { ParityReport } from '../production/report';
import type {
  ParityOptions,
  ProductionBuildOptions,
  ProductionBuildResult,
  ProductionRunOptions,
  ProductionRunResult,
  ProductionStopResult,
} from './productionTypes';

export interface WorkspaceRef {
  /** Absolute path of the workspace folder on the host. */
  workspaceFolder: string;
  /** Absolute path of the devcontainer.json; found by the spec's rules when absent. */
  configFile?: string;
}

export interface UseCaseContext {
  events: EventSink;
  signal?: AbortSignal;
  /** The host environment for `${localEnv:…}` (passed in, never read from process.env in the core). */
  env: Record<string, string | undefined>;
  /**
   * Called once the spec is read, before anything from it runs: front ends learn its secrets here to
   * redact what they show (the CLI would otherwise read the spec a second time).
   */
  onSpecRead?: (loaded: ReadConfigResult) => void;
}

export interface UpOptions extends WorkspaceRef {
  removeExistingContainer?: boolean;
  buildNoCache?: boolean;
  /** Don't run postAttachCommand (the CLI's `--skip-post-attach`). */
  skipPostAttach?: boolean;
  /** Stop after the hook `waitFor` names; the rest run in the background of the caller. */
  skipNonBlockingCommands?: boolean;
  /** Write devcontainer-lock.json when Features resolve differently (only in a trusted context). */
  writeLockfile?: boolean;
  /** Fail when devcontainer-lock.json is missing or would change (`--frozen-lockfile`). */
  frozenLockfile?: boolean;
}

export interface BuildOptions extends WorkspaceRef {
  /** Tag for the image (repeatable in the CLI); default: the reference CLI's `vsc-<folder>-<hash>`. */
  imageNames?: string[];
  noCache?: boolean;
  /** Dockerfile stage, overriding build.target. */
  target?: string;
  /** Write devcontainer-lock.json when Features resolve differently (only in a trusted context). */
  writeLockfile?: boolean;
  /** Fail when devcontainer-lock.json is missing or would change (`--frozen-lockfile`). */
  frozenLockfile?: boolean;
}

export interface BuildResult {
  outcome: 'success';
  imageName: string[];
  imageId: string;
}

export interface UpResult {
  outcome: 'success';
  containerId: string;
  composeProjectName?: string;
  remoteUser: string;
  remoteWorkspaceFolder: string;
  /** How the container was reached: made now, started from stopped, or already running. */
  action: 'created' | 'started' | 'reused';
}

export type ContainerState = 'none' | 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'removing' | 'dead';

export interface HookRecord {
  hook: LifecycleHookName;
  /** When the hook last ran in this container (from its marker), if it did. */
  ranAt?: string;
}

export interface DriftItem {
  /** What changed: `Dockerfile`, `build.args`, `context file src/app.js`, `image`, … */
  input: string;
  /** Whether the change needs a rebuild (build inputs) or applies on the next up (runtime-only). */
  needsRebuild: boolean;
}

export interface StatusResult {
  state: ContainerState;
  configFile: string;
  workspaceFolder: string;
  containerId?: string;
  containerName?: string;
  image?: string;
  createdAt?: string;
  startedAt?: string;
  ports: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[];
  /** What the container mounts (the workspace, `mounts`, volumes), as the engine reports it. */
  mounts: ContainerMountInfo[];
  remoteUser?: string;
  remoteWorkspaceFolder?: string;
  hooks: HookRecord[];
  /** Empty when the container matches the spec. */
  drift: DriftItem[];
  /** Compose dev containers: the Compose project the dev container belongs to. */
  composeProjectName?: string;
  /** Compose dev containers: every container of the project, by service (sorted by name). */
  services?: ComposeServiceState[];
}

export interface ContainerMountInfo {
  /** `bind`, `volume`, `tmpfs`, … */
  type: string;
  /** Host path for a bind, the volume's name for a volume (empty for tmpfs). */
  source: string;
  target: string;
  readOnly: boolean;
}

/** One service container of a Compose dev container's project. */
export interface ComposeServiceState {
  name: string;
  /** The engine's state: `running`, `exited`, `created`, … */
  state: string;
  containerId?: string;
}

export type WorkspaceExecOptions = Omit<ExecOptions, 'user' | 'workdir'> & {
  /** Working folder in the container; default: the remote workspace folder. */
  cwd?: string;
  /** Extra environment, after remoteEnv (the CLI's `--remote-env`). */
  remoteEnv?: Record<string, string>;
};

export interface SessionOptions {
  /** argv; absent: the remote user's login shell. */
  cmd?: string[];
  cols: number;
  rows: number;
  /** Extra environment on top of the probed env and remoteEnv. */
  env?: Record<string, string>;
  /** Working folder in the container; default: the remote workspace folder. */
  cwd?: string;
  /**
   * Compose dev containers: another running service of the project to open the session in, as that
   * service's own user and working folder ("Open Terminal in Service..."). Absent: the dev container.
   */
  service?: string;
}

/** The result of reviewing a spec before running it (see `BerthService.review`). */
export interface SpecReview {
  configFile: string;
  /** Changes when the spec or what its risky items resolve to changes: remember answers by it. */
  specHash: string;
  /** What the spec asks of the host beyond an ordinary container; empty for most specs. */
  risks: RiskItem[];
  /** Hides the spec's secrets (`${localEnv:…}` values, secret-named env) and the host's. */
  redactor: Redactor;
}

/**
 * What a front end needs from the core, in one object. The CLI calls the use cases directly; the
 * extension holds one BerthService per window. Nothing here talks to Docker until a method is called.
 */
export interface BerthService {
  /** Reads the spec and says what it would ask of the host, and which secrets to hide. Runs nothing. */
  review(ref: WorkspaceRef, ctx: UseCaseContext): Promise<SpecReview>;
  up(options: UpOptions, ctx: UseCaseContext): Promise<UpResult>;
  /** Builds (or, for an image spec, finds) the dev container's image without creating a container. */
  build(options: BuildOptions, ctx: UseCaseContext): Promise<BuildResult>;
  stop(ref: WorkspaceRef, ctx: UseCaseContext): Promise<void>;
  /** Applies the spec's shutdownAction, as when the editor window closes; true when it stopped something. */
  shutdown(ref: WorkspaceRef, ctx: UseCaseContext): Promise<boolean>;
  /** Removes the container (and, when asked, its anonymous volumes). Never touches workspace files. */
  down(ref: WorkspaceRef & { removeVolumes?: boolean }, ctx: UseCaseContext): Promise<void>;
  status(ref: WorkspaceRef, ctx: UseCaseContext): Promise<StatusResult>;
  /**
   * Runs a command in the running container as remoteUser, in the workspace folder, with the probed
   * env and remoteEnv, and waits for it. Output goes to the callbacks in ExecOptions.
   */
  exec(ref: WorkspaceRef, options: WorkspaceExecOptions, ctx: UseCaseContext): Promise<ExecResult>;
  /** A TTY process in the running container as remoteUser, in the workspace folder, with remoteEnv. */
  openSession(
    ref: WorkspaceRef,
    options: SessionOptions,
    ctx: UseCaseContext,
  ): Promise<InteractiveSession>;
  /**
   * Follows the engine's events for the workspace's containers and calls `onChange` with a fresh
   * status after each (and once at the start). Ends when `signal` aborts. `onError` hears when the
   * engine goes away (the stream ends); the watcher retries until aborted.
   */
  watch(
    ref: WorkspaceRef,
    onChange: (status: StatusResult) => void,
    onError: (error: unknown) => void,
    signal: AbortSignal,
  ): void;
  /** Builds the production stage (`customizations.berth.production`, else the last stage) with the dev build's context and cache. */
  buildProduction(options: ProductionBuildOptions, ctx: UseCaseContext): Promise<ProductionBuildResult>;
  /** (Re)builds and runs the production image on 127.0.0.1, waits for its healthcheck, returns the outcome and the log tail. */
  runProduction(options: ProductionRunOptions, ctx: UseCaseContext): Promise<ProductionRunResult>;
  /** Removes the workspace's production containers. */
  stopProduction(ref: WorkspaceRef, ctx: UseCaseContext): Promise<ProductionStopResult>;
  /** What the dev and production images share and where they differ. */
  parity(options: ParityOptions, ctx: UseCaseContext): Promise<ParityReport>;
}
