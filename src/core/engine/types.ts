/**
 * The contract between the core and the container engine. `src/core/engine/` is the only code that
 * talks to Docker (or Podman's Docker API); everything else depends on these interfaces, which keeps
 * lifecycle planning and the use cases testable with fakes in unit tests.
 */

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
