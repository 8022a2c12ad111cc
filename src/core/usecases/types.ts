/**
 * The use cases the front ends call: up, build, exec, stop, down, status (rebuild = up with
 * removeExistingContainer). Each takes the workspace, its dependencies and an AbortSignal, emits
 * BerthEvents, and returns plain data (or throws a BerthError).
 */
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
