/**
 * The use cases the front ends call: up, build, exec, stop, down, status (rebuild = up with
 * removeExistingContainer). Each takes the workspace, its dependencies and an AbortSignal, emits
 * BerthEvents, and returns plain data (or throws a BerthError).
 */
import type { ExecOptions, ExecResult, InteractiveSession } from '../engine/types';
import type { EventSink, LifecycleHookName } from '../events';

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
}

export interface UpOptions extends WorkspaceRef {
  removeExistingContainer?: boolean;
  buildNoCache?: boolean;
  /** Don't run postAttachCommand (the CLI's `--skip-post-attach`). */
  skipPostAttach?: boolean;
  /** Stop after the hook `waitFor` names; the rest run in the background of the caller. */
  skipNonBlockingCommands?: boolean;
}

export interface BuildOptions extends WorkspaceRef {
  /** Tag for the image (repeatable in the CLI); default: the reference CLI's `vsc-<folder>-<hash>`. */
  imageNames?: string[];
  noCache?: boolean;
  /** Dockerfile stage, overriding build.target. */
  target?: string;
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
  remoteUser?: string;
  remoteWorkspaceFolder?: string;
  hooks: HookRecord[];
  /** Empty when the container matches the spec. */
  drift: DriftItem[];
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
}

/**
 * What a front end needs from the core, in one object. The CLI calls the use cases directly; the
 * extension holds one BerthService per window. Nothing here talks to Docker until a method is called.
 */
export interface BerthService {
  up(options: UpOptions, ctx: UseCaseContext): Promise<UpResult>;
  /** Builds (or, for an image spec, finds) the dev container's image without creating a container. */
  build(options: BuildOptions, ctx: UseCaseContext): Promise<BuildResult>;
  stop(ref: WorkspaceRef, ctx: UseCaseContext): Promise<void>;
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
}
