/**
 * The contract between the core and the container engine. `src/core/engine/` is the only code that
 * talks to Docker (or Podman's Docker API); everything else depends on these interfaces, which keeps
 * lifecycle planning and the use cases testable with fakes in unit tests.
 */
import type { ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import type { BerthError } from '../errors';
import type { BerthEvent } from '../events';

/** Options for running one command in a container and waiting for it. */
export interface ExecOptions {
  /** argv; a shell command is `['/bin/sh', '-c', script]`. */
  cmd: string[];
  user?: string;
  workdir?: string;
  env?: Record<string, string>;
  tty?: boolean;
  /** Receives output as it arrives (stdout and stderr; with a TTY they are one stream). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Fed to the process's stdin, then closed. */
  stdin?: NodeJS.ReadableStream | string;
  signal?: AbortSignal;
  /** Gives up (and reports a timeout) after this long. */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
}

/** What the lifecycle runner needs from the engine: run a command in a container. */
export interface ContainerExec {
  exec(containerId: string, options: ExecOptions): Promise<ExecResult>;
}

/** A mount as the Engine API takes it (HostConfig.Mounts). */
export interface EngineMount {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind) or volume name (volume); absent for tmpfs and anonymous volumes. */
  source?: string;
  target: string;
  readOnly?: boolean;
  /** bind: `rprivate`, `shared`, …; volume: `nocopy`; tmpfs: size in bytes, mode. Kept as parsed. */
  bindPropagation?: string;
  volumeNoCopy?: boolean;
  tmpfsSizeBytes?: number;
  tmpfsMode?: number;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** Berth publishes on 127.0.0.1 unless the spec says otherwise. */
  hostIp: string;
  /** undefined: let the engine pick. */
  hostPort?: number;
}

/**
 * Everything needed to create a dev container, already decided: the output of planning a container
 * from a ResolvedConfig, the input of `Engine.createContainer`. Plain data, so plans are unit-tested.
 */
export interface ContainerCreateSpec {
  image: string;
  name?: string;
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  workingDir?: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  mounts: EngineMount[];
  ports: PortBinding[];
  init?: boolean;
  privileged?: boolean;
  capAdd: string[];
  securityOpt: string[];
  /** `--network`: a network name, `host`, `none`, `container:<id>`. */
  networkMode?: string;
  hostname?: string;
  /** `--add-host` entries, `name:ip`. */
  extraHosts: string[];
  shmSizeBytes?: number;
  devices: { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }[];
  /** `--gpus`: device requests for the nvidia runtime. */
  gpus?: { count: number; capabilities: string[][] };
  ulimits: { name: string; soft: number; hard: number }[];
  /** Anything else `docker run` can set that the translation produced, keyed as HostConfig fields. */
  extraHostConfig?: Record<string, unknown>;
}

/** What `Engine.buildImage` builds. */
export interface ImageBuildSpec {
  /** Absolute path of the context folder. Streamed as a tar that honours its .dockerignore. */
  context: string;
  /** Absolute path of the Dockerfile; it may lie outside the context. */
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  cacheFrom: string[];
  noCache?: boolean;
  labels: Record<string, string>;
  /** Remaining `build.options` the Engine API has a field for (e.g. `--network`, `--platform`). */
  network?: string;
  platform?: string;
  pull?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The Engine: every call the core makes to the container engine. `DockerEngine` (engine.ts) is the
// real one; unit tests of the use cases give a fake.

/** Cancellation and deadline for one engine call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the call kind's default deadline; 0 means none. */
  timeoutMs?: number;
}

/** What the engine says about itself (`GET /version` and `GET /info`). */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Podman serving the Docker API (its /version lists a "Podman Engine" component). */
  isPodman: boolean;
  /** The engine runs rootless (/info: `name=rootless` in SecurityOptions, or Podman's `Rootless: true`). */
  rootless: boolean;
}

/** One row of `findContainers` (the Engine API's container list, trimmed to what Berth reads). */
export interface ContainerSummary {
  id: string;
  /** Without the leading `/`. */
  names: string[];
  image: string;
  imageId: string;
  state: string;
  /** Human text: `Up 3 minutes`, `Exited (0) 2 hours ago`. */
  status: string;
  labels: Record<string, string>;
  /** Unix seconds. */
  created: number;
  ports: { containerPort: number; protocol: string; hostIp?: string; hostPort?: number }[];
}

/** The raw `GET /containers/{id}/json` answer; field names are the Engine API's. */
export type ContainerDetails = ContainerInspectInfo;
/** The raw `GET /images/{name}/json` answer. */
export type ImageDetails = ImageInspectInfo;

/** Label filter: `{ k: 'v' }` matches label k=v; `{ k: undefined }` matches any container with label k. */
export type LabelFilter = Record<string, string | undefined>;

/** One engine event (`GET /events`), e.g. a container's start, die, stop or destroy. */
export interface EngineEvent {
  /** `container`, `image`, `volume`, `network`. */
  type: string;
  /** `start`, `die`, `stop`, `destroy`, `create`, `health_status: healthy`, … */
  action: string;
  /** The object's id (container id for container events). */
  id: string;
  /** Labels of the container and extras such as `exitCode` and `name`. */
  attributes: Record<string, string>;
  /** Unix nanoseconds. */
  timeNano: number;
}

/** Options of `Engine.execInteractive`: a TTY exec for a terminal. */
export interface InteractiveExecOptions {
  cmd: string[];
  user?: string;
  workdir?: string;
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
  signal?: AbortSignal;
}

/** A running TTY exec, wired to a terminal. */
export interface InteractiveSession {
  readonly execId: string;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Output of the terminal (stdout and stderr are one stream under a TTY). Returns an unsubscribe. */
  onData(cb: (data: Buffer) => void): () => void;
  /**
   * Called once when the process ends, with its exit code (undefined if unknown, e.g. after close()).
   * `lost` is set when the engine went away (the daemon stopped): the session ended with the
   * connection, and no exit code could be read.
   */
  onExit(cb: (code: number | undefined, lost?: BerthError) => void): () => void;
  /** Ends the session: closes the connection (the process gets SIGHUP from its closed terminal). */
  close(): void;
}

/** One row of `GET /images/{id}/history`: a step of the image's build, newest first as the engine answers. */
export interface ImageHistoryEntry {
  /** The image id of the step when it is kept locally, else `<missing>`. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The step's command as the builder recorded it, e.g. `/bin/sh -c #(nop)  ENV A=b`. */
  createdBy: string;
  /** Bytes the step added; 0 for metadata-only steps. */
  size: number;
  comment: string;
  tags: string[];
}

export interface VolumeSummary {
  name: string;
  labels: Record<string, string>;
  driver: string;
  mountpoint: string;
}

/** Of EngineInfo, what a container's plan depends on. */
export interface EngineFacts {
  isPodman: boolean;
  rootless: boolean;
}

/** The container engine as the core sees it. Every call is cancellable and has a deadline. */
export interface Engine extends ContainerExec {
  ping(options?: CallOptions): Promise<void>;
  /** Cached after the first call. */
  version(options?: CallOptions): Promise<EngineInfo>;
  /** What a container's plan depends on (Podman or not; Podman's rootless). Cached; cheaper than version(). */
  facts(options?: CallOptions): Promise<EngineFacts>;
  /** Containers carrying all these labels; `all` includes stopped ones. Containers being removed are skipped. */
  findContainers(labels: LabelFilter, options?: CallOptions & { all?: boolean }): Promise<ContainerSummary[]>;
  /** Throws BerthError('container-not-found') when there is none. */
  inspectContainer(id: string, options?: CallOptions): Promise<ContainerDetails>;
  /** undefined when the image is not present locally. */
  inspectImage(ref: string, options?: CallOptions): Promise<ImageDetails | undefined>;
  imageExists(ref: string, options?: CallOptions): Promise<boolean>;
  /** Pulls with progress as `output` events (source `pull`); failures are BerthError('image-not-found'). */
  pullImage(ref: string, events: (e: BerthEvent) => void, signal?: AbortSignal): Promise<void>;
  /** Builds with the engine's builder; steps, cache hits and output as events. No deadline. */
  buildImage(spec: ImageBuildSpec, events: (e: BerthEvent) => void, signal?: AbortSignal): Promise<{ imageId: string }>;
  /** Returns the new container's id. */
  createContainer(spec: ContainerCreateSpec, signal?: AbortSignal): Promise<string>;
  /** Starting a running container is not an error. */
  startContainer(id: string, options?: CallOptions): Promise<void>;
  /** Stopping a stopped container is not an error. */
  stopContainer(id: string, options?: CallOptions & { timeoutSeconds?: number }): Promise<void>;
  /** Removing a container that is already gone is not an error. */
  removeContainer(id: string, options?: CallOptions & { removeVolumes?: boolean; force?: boolean }): Promise<void>;
  execInteractive(containerId: string, options: InteractiveExecOptions): Promise<InteractiveSession>;
  /**
   * Subscribes to engine events for containers with these labels. Resolves once the subscription is
   * live; `onEnd` is called once when it ends (no error when `signal` aborted it).
   */
  events(filter: { labels: LabelFilter }, onEvent: (e: EngineEvent) => void, signal: AbortSignal, onEnd?: (error?: Error) => void): Promise<void>;
  listVolumes(labels?: LabelFilter, options?: CallOptions): Promise<VolumeSummary[]>;
  /** Removing a missing volume is not an error. */
  removeVolume(name: string, options?: CallOptions & { force?: boolean }): Promise<void>;
  /** The last `tail` lines of the container's output (stdout and stderr interleaved). */
  getContainerLogs(id: string, options?: CallOptions & { tail?: number }): Promise<string>;
  /** The image's build steps, newest first; throws BerthError('image-not-found') for a missing image. */
  imageHistory(ref: string, options?: CallOptions): Promise<ImageHistoryEntry[]>;
}
