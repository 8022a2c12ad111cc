/**
 * DockerEngine: the one implementation of `Engine`, over dockerode's HTTP transport (docker-modem).
 * Calls go straight to the Engine API through one `dial`, so each costs one round trip, shares one
 * keep-alive connection pool, and passes through the same deadline and error mapping.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BerthError } from '../errors';
import type { EventSink } from '../events';
import { packBuildContext } from './buildContext';
import { BuildOutputParser } from './buildOutput';
import { createDockerClient, type ConnectOptions, type EngineEndpoint, resolveEndpoint } from './connect';
import { toCreateBody } from './createBody';
import { looksMultiplexed, StreamDemuxer } from './demux';
import { LineSplitter } from './lineSplitter';
import { dialSocket, type DialRequest, headOf } from './socketTransport';
import { daemonGone, type EngineErrorContext, engineMessage, mapEngineError } from './mapEngineError';
import type {
  CallOptions,
  ContainerCreateSpec,
  ContainerDetails,
  ContainerSummary,
  Engine,
  EngineEvent,
  EngineFacts,
  EngineInfo,
  ExecOptions,
  ExecResult,
  ImageBuildSpec,
  ImageDetails,
  ImageHistoryEntry,
  InteractiveExecOptions,
  InteractiveSession,
  LabelFilter,
  VolumeSummary,
} from './types';

export type { Engine } from './types';

/** Default deadlines per kind of call, in ms. Builds, exec and event streams have none. */
export const DEFAULT_TIMEOUTS = {
  ping: 5_000,
  query: 20_000,
  create: 60_000,
  start: 60_000,
  remove: 60_000,
  pull: 600_000,
  /** Added to the stop grace period. */
  stopSlack: 30_000,
} as const;

export interface DockerEngineOptions {
  /** How to find the engine; resolved on the first call, not at construction. */
  connect?: ConnectOptions;
  /** An endpoint resolved already (wins over `connect`). */
  endpoint?: EngineEndpoint;
}


interface ModemLike {
  dial(options: Record<string, unknown>, callback: (err: unknown, data: unknown) => void): void;
}

/** A row of the engine's image history answer, as sent. */
interface HistoryRow {
  Id?: string;
  Created?: number;
  CreatedBy?: string;
  Size?: number;
  Comment?: string;
  Tags?: string[] | null;
}

const OK_STATUSES: Record<number, boolean> = { 200: true, 201: true, 204: true, 304: true };

/** How often a running build checks that the daemon still answers. */
const BUILD_PING_MS = 1000;

function labelFilters(labels: LabelFilter): string[] {
  return Object.entries(labels).map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
}

/** `name:tag` / `name@digest` → the create-image query; a missing tag means `latest`, not every tag. */
export function pullQuery(ref: string): { fromImage: string; tag?: string } {
  if (ref.includes('@')) return { fromImage: ref };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

function waitForEnd(stream: Readable | Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve();
    };
    stream.once('end', () => finish());
    stream.once('close', () => finish());
    stream.once('error', (e: Error) => finish(e));
  });
}

/** Host PIDs of every descendant of `root`, read from /proc (Linux only). */
/** Sends `sig`, ignoring a process that is gone already or not ours to signal. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already, or not ours to signal
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift() as number) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** The fields of `GET /version` Berth reads. */
export interface VersionAnswer {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
  Components?: { Name?: string; Version?: string }[];
}

/** The fields of `GET /info` Berth reads. */
export interface InfoAnswer {
  SecurityOptions?: string[] | null;
  /** Podman's own field. */
  Rootless?: boolean;
}

/**
 * Podman's Docker API lists a "Podman Engine" component; Docker's lists "Engine". A rootless Docker
 * lists `name=rootless` in /info's SecurityOptions; Podman 4.3 says `Rootless: true` instead (later
 * Podmans say both).
 */
export function engineInfoFromVersion(v: VersionAnswer, info: InfoAnswer = {}): EngineInfo {
  const isPodman = (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
  return { version: v.Version ?? '', apiVersion: v.ApiVersion ?? '', os: v.Os ?? '', arch: v.Arch ?? '', isPodman, rootless: isRootless(info) };
}

function isRootless(info: InfoAnswer): boolean {
  return info.Rootless === true || (info.SecurityOptions ?? []).some((o) => o.split(',').includes('name=rootless'));
}

function cancelledError(action: string): BerthError {
  return new BerthError('cancelled', `Cancelled: ${action}`);
}

export class DockerEngine implements Engine {
  private client?: Dockerode;
  private resolved?: EngineEndpoint;
  private info?: Promise<EngineInfo>;
  private factsLoad?: Promise<EngineFacts>;

  constructor(private readonly options: DockerEngineOptions = {}) {
    this.resolved = options.endpoint;
  }

  /** Where the engine is; resolving it reads DOCKER_HOST and the Docker context (once). */
  get endpoint(): EngineEndpoint {
    this.resolved ??= resolveEndpoint(this.options.connect ?? { env: {} });
    return this.resolved;
  }

  /** The dockerode client, made (and dockerode loaded) on first use, then shared by every call. */
  get docker(): Dockerode {
    this.client ??= createDockerClient(this.endpoint);
    return this.client;
  }

  private errorContext(ctx: EngineErrorContext): EngineErrorContext {
    const ep = this.resolved;
    return { ...ctx, endpoint: ep?.kind === 'unix' ? ep.socketPath : ep?.display };
  }

  /** One HTTP exchange with the engine. Resolves with parsed JSON, or the stream for streaming calls. */
  private dial<T>(req: DialRequest, signal: AbortSignal): Promise<T> {
    const endpoint = this.endpoint;
    if (endpoint.kind === 'unix' && endpoint.socketPath) return dialSocket(endpoint.socketPath, req, signal, OK_STATUSES) as Promise<T>;
    const modem = this.docker.modem as unknown as ModemLike;
    return new Promise<T>((resolve, reject) => {
      modem.dial({ ...req, options: req.options ?? {}, abortSignal: signal, statusCodes: OK_STATUSES }, (err, data) => {
        if (err) reject(err);
        else resolve(data as T);
      });
    });
  }

  /**
   * Runs one call under the caller's signal and a deadline, and maps whatever fails: the one path
   * every method goes through.
   */
  private async call<T>(
    ctx: EngineErrorContext,
    options: CallOptions,
    defaultTimeoutMs: number,
    fn: (signal: AbortSignal) => Promise<T>,
    timeoutMessage?: string,
  ): Promise<T> {
    let endpointError: unknown;
    try {
      void this.endpoint; // resolve it now so a bad DOCKER_HOST is reported as such (dockerode loads only for tcp/ssh)
    } catch (e) {
      endpointError = e;
    }
    if (endpointError) throw mapEngineError(endpointError, this.errorContext(ctx));
    if (options.signal?.aborted) throw cancelledError(ctx.action);
    const controller = new AbortController();
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs) : undefined;
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(controller.signal);
    } catch (e) {
      if (timedOut) {
        const secs = `${Math.round(timeoutMs / 100) / 10} s`;
        throw new BerthError('timeout', timeoutMessage ? `${timeoutMessage} within ${secs}` : `Docker did not ${ctx.action} within ${secs}`, {
          cause: e,
          hint: timeoutMessage ? 'it was stopped; raise its timeout if it needs longer' : 'the engine may be overloaded or hung; check `docker info`, or raise the timeout',
        });
      }
      if (options.signal?.aborted) throw cancelledError(ctx.action);
      throw mapEngineError(e, this.errorContext(ctx));
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Whether the engine still answers a ping now (false while it shuts down: it closes its listener first). */
  private async answers(): Promise<boolean> {
    try {
      await this.ping({ timeoutMs: 2000 });
      return true;
    } catch {
      return false;
    }
  }

  async ping(options: CallOptions = {}): Promise<void> {
    await this.call({ action: 'answer a ping' }, options, DEFAULT_TIMEOUTS.ping, (signal) => this.dial({ path: '/_ping', method: 'GET' }, signal));
  }

  version(options: CallOptions = {}): Promise<EngineInfo> {
    if (this.info) return this.info;
    const load = this.call({ action: 'report its version' }, options, DEFAULT_TIMEOUTS.ping, async (signal) => {
      // Both at once: Podman takes ~0.3 s for each (it asks conmon and the runtime for theirs).
      const [v, info] = await Promise.all([
        this.dial<VersionAnswer>({ path: '/version', method: 'GET' }, signal),
        this.dial<InfoAnswer>({ path: '/info', method: 'GET' }, signal),
      ]);
      return engineInfoFromVersion(v, info);
    });
    this.info = load;
    load.catch(() => (this.info = undefined)); // a failed probe is retried next time
    return load;
  }

  /**
   * On a local socket one `/_ping` (~0.3 ms) tells Podman from Docker: Podman's answer carries a
   * Libpod-Api-Version header. Only Podman is then asked for /info (rootless). Docker 20.10 takes
   * ~5 ms each for /version and /info, which a new container's create would wait for. Elsewhere
   * (tcp, TLS, ssh) the facts come from version().
   */
  facts(options: CallOptions = {}): Promise<EngineFacts> {
    if (this.factsLoad) return this.factsLoad;
    const endpoint = this.endpoint;
    const socketPath = endpoint.kind === 'unix' ? endpoint.socketPath : undefined;
    const load = socketPath
      ? this.call({ action: 'answer a ping' }, options, DEFAULT_TIMEOUTS.ping, async (signal) => {
        const ping = await headOf(socketPath, '/_ping', signal);
        if (ping.headers['libpod-api-version'] === undefined) return { isPodman: false, rootless: false };
        const info = await this.dial<InfoAnswer>({ path: '/info', method: 'GET' }, signal);
        return { isPodman: true, rootless: isRootless(info) };
      })
      : this.version(options).then(({ isPodman, rootless }) => ({ isPodman, rootless }));
    this.factsLoad = load;
    load.catch(() => (this.factsLoad = undefined)); // a failed probe is retried next time
    return load;
  }

  findContainers(labels: LabelFilter, options: CallOptions & { all?: boolean } = {}): Promise<ContainerSummary[]> {
    return this.call({ action: 'list containers' }, options, DEFAULT_TIMEOUTS.query, async (signal) => {
      const query = { all: options.all ? 1 : 0, filters: JSON.stringify({ label: labelFilters(labels) }) };
      const rows = await this.dial<Dockerode.ContainerInfo[]>({ path: '/containers/json?', method: 'GET', options: query }, signal);
      return rows
        .filter((r) => r.State !== 'removing')
        .map((r) => ({
          id: r.Id,
          names: (r.Names ?? []).map((n) => n.replace(/^\//, '')),
          image: r.Image,
          imageId: r.ImageID,
          state: r.State,
          status: r.Status,
          labels: r.Labels ?? {},
          created: r.Created,
          ports: (r.Ports ?? []).map((p) => ({ containerPort: p.PrivatePort, protocol: p.Type, hostIp: p.IP, hostPort: p.PublicPort })),
        }));
    });
  }

  inspectContainer(id: string, options: CallOptions = {}): Promise<ContainerDetails> {
    return this.call({ action: 'inspect container' }, options, DEFAULT_TIMEOUTS.query, (signal) =>
      this.dial<ContainerDetails>({ path: `/containers/${encodeURIComponent(id)}/json`, method: 'GET' }, signal),
    );
  }

  async inspectImage(ref: string, options: CallOptions = {}): Promise<ImageDetails | undefined> {
    try {
      return await this.call({ action: 'inspect image', image: ref }, options, DEFAULT_TIMEOUTS.query, (signal) =>
        this.dial<ImageDetails>({ path: `/images/${encodeURIComponent(ref)}/json`, method: 'GET' }, signal),
      );
    } catch (e) {
      if (e instanceof BerthError && e.code === 'image-not-found') return undefined;
      throw e;
    }
  }

  async imageExists(ref: string, options: CallOptions = {}): Promise<boolean> {
    return (await this.inspectImage(ref, options)) !== undefined;
  }

  async pullImage(ref: string, events: EventSink, signal?: AbortSignal): Promise<void> {
    const ctx = { action: 'pull image', image: ref };
    const notPulled = (why: string, cause?: unknown) =>
      new BerthError('image-not-found', `image ${ref} is not present locally and could not be pulled: ${why}`, {
        cause,
        hint: 'check the image name and your network or registry access, or build/load the image locally',
      });
    try {
      await this.call(ctx, { signal }, DEFAULT_TIMEOUTS.pull, async (s) => {
        const res = await this.dial<Readable>({ path: '/images/create?', method: 'POST', options: pullQuery(ref), isStream: true }, s);
        let failure: string | undefined;
        const lines = new LineSplitter();
        res.on('data', (chunk: Buffer) => {
          lines.push(chunk, (line) => {
            try {
              const m = JSON.parse(line) as { status?: string; progress?: string; id?: string; error?: string; errorDetail?: { message?: string } };
              if (m.error || m.errorDetail) failure = m.errorDetail?.message ?? m.error;
              else if (m.status) events({ type: 'output', source: 'pull', text: `${m.id ? `${m.id}: ` : ''}${m.status}${m.progress ? ` ${m.progress}` : ''}\n` });
            } catch {
              events({ type: 'output', source: 'pull', text: `${line}\n` });
            }
          });
        });
        const onAbort = () => res.destroy();
        s.addEventListener('abort', onAbort, { once: true });
        try {
          await waitForEnd(res);
        } finally {
          s.removeEventListener('abort', onAbort);
        }
        if (s.aborted) throw new Error('aborted');
        if (failure !== undefined) throw notPulled(failure);
      });
    } catch (e) {
      if (e instanceof BerthError && (e.code === 'cancelled' || e.code === 'timeout' || e.code === 'image-not-found')) throw e;
      if (e instanceof BerthError && (e.code === 'docker-unavailable' || e.code === 'docker-permission')) throw e;
      throw notPulled(e instanceof BerthError ? engineMessage(e.cause) || e.message : String(e), e);
    }
  }

  async buildImage(spec: ImageBuildSpec, events: EventSink, signal?: AbortSignal): Promise<{ imageId: string }> {
    const ctx = { action: 'build image' };
    const parser = new BuildOutputParser(events);
    let dockerfileText: string | undefined;
    try {
      dockerfileText = readFileSync(spec.dockerfile, 'utf8');
    } catch (e) {
      throw new BerthError('build-failed', `Cannot read the Dockerfile ${spec.dockerfile}: ${(e as Error).message}`, {
        cause: e,
        hint: 'check build.dockerfile in devcontainer.json (it is relative to devcontainer.json)',
      });
    }
    const { tar, dockerfile } = packBuildContext({ context: spec.context, dockerfile: spec.dockerfile });
    // A file the context cannot read fails the upload; report it as such, not as an engine problem.
    let contextError: Error | undefined;
    tar.once('error', (e: Error) => (contextError = e));
    const contextFailure = () =>
      new BerthError('build-failed', `Cannot send the build context ${spec.context}: ${contextError?.message}`, {
        cause: contextError,
        hint: 'make the file readable, or exclude it in .dockerignore',
      });
    const query: Record<string, unknown> = {
      t: spec.tags,
      dockerfile,
      rm: 1,
      // Intermediate containers of a failed or cancelled step go too.
      forcerm: 1,
    };
    if (Object.keys(spec.buildArgs).length > 0) query.buildargs = JSON.stringify(spec.buildArgs);
    if (Object.keys(spec.labels).length > 0) query.labels = JSON.stringify(spec.labels);
    if (spec.target) query.target = spec.target;
    if (spec.cacheFrom.length > 0) query.cachefrom = JSON.stringify(spec.cacheFrom);
    if (spec.noCache) query.nocache = 1;
    if (spec.network) query.networkmode = spec.network;
    if (spec.platform) query.platform = spec.platform;
    if (spec.pull) query.pull = 1;
    try {
      return await this.call(ctx, { signal, timeoutMs: 0 }, 0, async (s) => {
        let res: Readable;
        try {
          res = await this.dial<Readable>(
            { path: '/build?', method: 'POST', options: query, isStream: true, file: tar, headers: { 'Content-Type': 'application/x-tar' } },
            s,
          );
        } catch (e) {
          if (s.aborted) throw e;
          if (contextError) throw contextFailure();
          const raw = e as { statusCode?: number };
          if (raw.statusCode !== undefined) throw parser.failure(spec.dockerfile, dockerfileText, engineMessage(e));
          throw e;
        }
        // Destroying the response closes the connection; the engine then cancels the build before
        // it tags anything.
        const onAbort = () => res.destroy();
        s.addEventListener('abort', onAbort, { once: true });
        res.on('data', (chunk: Buffer) => parser.push(chunk));
        // A stopping daemon closes its listener at once but keeps this stream open until its step
        // containers are killed (10 s or more): a refused ping ends the build now. Timeouts do not count.
        let gone = false;
        const watchdog = setInterval(() => {
          void this.ping({ timeoutMs: 2000 }).catch((e: unknown) => {
            if (!(e instanceof BerthError) || e.code !== 'docker-unavailable') return;
            gone = true;
            res.destroy();
          });
        }, BUILD_PING_MS);
        try {
          await waitForEnd(res).catch((e: unknown) => {
            if (!gone) throw e;
          });
        } finally {
          clearInterval(watchdog);
          s.removeEventListener('abort', onAbort);
        }
        if (gone) throw daemonGone('build image', this.errorContext(ctx).endpoint);
        if (s.aborted) throw new Error('aborted');
        if (contextError) throw contextFailure();
        parser.end();
        // A daemon shutting down kills the step's container (exit 137): say the daemon went, not the step.
        if ((parser.errorMessage !== undefined || !parser.imageId) && !(await this.answers())) throw daemonGone('build image', this.errorContext(ctx).endpoint);
        if (parser.errorMessage !== undefined) throw parser.failure(spec.dockerfile, dockerfileText);
        if (!parser.imageId) throw new BerthError('build-failed', `Build of ${spec.dockerfile} ended without an image id`, { hint: 'see the build log' });
        return { imageId: parser.imageId };
      });
    } finally {
      tar.destroy();
    }
  }

  createContainer(spec: ContainerCreateSpec, signal?: AbortSignal): Promise<string> {
    const ctx = { action: 'create container', image: spec.image, containerName: spec.name };
    return this.call(ctx, { signal }, DEFAULT_TIMEOUTS.create, async (s) => {
      const query: Record<string, string> = {};
      if (spec.name) query.name = spec.name;
      const res = await this.dial<{ Id: string }>({ path: '/containers/create?', method: 'POST', options: { _query: query, _body: toCreateBody(spec) } }, s);
      return res.Id;
    });
  }

  async startContainer(id: string, options: CallOptions = {}): Promise<void> {
    await this.call({ action: 'start container' }, options, DEFAULT_TIMEOUTS.start, (s) =>
      this.dial({ path: `/containers/${encodeURIComponent(id)}/start`, method: 'POST' }, s),
    );
  }

  async stopContainer(id: string, options: CallOptions & { timeoutSeconds?: number } = {}): Promise<void> {
    const grace = options.timeoutSeconds ?? 10;
    await this.call({ action: 'stop container' }, options, grace * 1000 + DEFAULT_TIMEOUTS.stopSlack, (s) =>
      this.dial({ path: `/containers/${encodeURIComponent(id)}/stop?`, method: 'POST', options: { t: grace } }, s),
    );
  }

  async removeContainer(id: string, options: CallOptions & { removeVolumes?: boolean; force?: boolean } = {}): Promise<void> {
    try {
      await this.call({ action: 'remove container' }, options, DEFAULT_TIMEOUTS.remove, (s) =>
        this.dial(
          { path: `/containers/${encodeURIComponent(id)}?`, method: 'DELETE', options: { v: options.removeVolumes ? 1 : 0, force: options.force ? 1 : 0 } },
          s,
        ),
      );
    } catch (e) {
      if (e instanceof BerthError && e.code === 'container-not-found') return;
      // "removal of container … is already in progress": it is going away, which is what was asked.
      if (e instanceof BerthError && /already in progress/i.test(e.message)) return;
      throw e;
    }
  }

  private async createExec(containerId: string, body: Record<string, unknown>, signal: AbortSignal): Promise<string> {
    const res = await this.dial<{ Id: string }>({ path: `/containers/${encodeURIComponent(containerId)}/exec`, method: 'POST', options: body }, signal);
    return res.Id;
  }

  private inspectExec(execId: string, signal: AbortSignal): Promise<{ ExitCode: number | null; Running: boolean; Pid: number; ContainerID?: string }> {
    return this.dial({ path: `/exec/${execId}/json`, method: 'GET' }, signal);
  }

  /**
   * The Engine API cannot signal an exec. When the engine shares our PID namespace (a local Linux
   * engine) the exec's host PID is its process: kill it and its descendants, but only after its
   * cgroup shows it belongs to the container, so a PID from a VM or another namespace never hits an
   * unrelated process.
   */
  private async killExec(execId: string): Promise<void> {
    try {
      let info = await this.inspectExec(execId, AbortSignal.timeout(DEFAULT_TIMEOUTS.ping));
      // The engine records the pid a moment after the process starts (it may have printed already).
      for (let i = 0; i < 40 && info.Running && !info.Pid; i++) {
        await new Promise((r) => setTimeout(r, 25));
        info = await this.inspectExec(execId, AbortSignal.timeout(DEFAULT_TIMEOUTS.ping));
      }
      if (!info.Running || !info.Pid || !info.ContainerID || this.endpoint.kind !== 'unix' || process.platform !== 'linux') return;
      const cgroup = readFileSync(`/proc/${info.Pid}/cgroup`, 'utf8');
      if (!cgroup.includes(info.ContainerID)) return;
      // Freeze the tree before killing it: a stopped process cannot fork, so no child is born between
      // reading the tree and the kill (an orphan would be re-parented out of sight and live on).
      const frozen = new Set<number>();
      for (let found = [info.Pid]; found.length > 0; found = descendants(info.Pid).filter((pid) => !frozen.has(pid))) {
        for (const pid of found) {
          signal(pid, 'SIGSTOP');
          frozen.add(pid);
        }
      }
      for (const pid of frozen) signal(pid, 'SIGKILL');
    } catch {
      // best effort: the process may be gone, elsewhere, or not ours to signal
    }
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecResult> {
    const shown = JSON.stringify(options.cmd.join(' ').slice(0, 80));
    const ctx = { action: `run ${shown} in the container` };
    const withStdin = options.stdin !== undefined;
    const tty = !!options.tty;
    return this.call(ctx, options, 0, async (signal) => {
      const body: Record<string, unknown> = { AttachStdout: true, AttachStderr: true, AttachStdin: withStdin, Tty: tty, Cmd: options.cmd };
      if (options.env) body.Env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
      if (options.user) body.User = options.user;
      if (options.workdir) body.WorkingDir = options.workdir;
      const execId = await this.createExec(containerId, body, signal);
      const stream = await this.dial<Duplex>(
        { path: `/exec/${execId}/start`, method: 'POST', options: { Detach: false, Tty: tty }, isStream: true, hijack: withStdin, openStdin: withStdin, allowEmpty: true },
        signal,
      );
      const out = options.onStdout ?? (() => undefined);
      const err = options.onStderr ?? out;
      if (tty) stream.on('data', (c: Buffer) => out(c));
      else {
        const demux = new StreamDemuxer(out, err);
        stream.on('data', (c: Buffer) => demux.push(c));
      }
      const ended = waitForEnd(stream);
      // On abort the process is killed before the call settles: a caller that sees `cancelled` can
      // count on the process being gone (bounded, so a hung engine cannot hold the cancel up).
      let killed: Promise<void> | undefined;
      const onAbort = () => {
        stream.destroy();
        killed = Promise.race([this.killExec(execId), new Promise<void>((r) => setTimeout(r, 3000).unref())]);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        if (withStdin) {
          const input = options.stdin;
          if (typeof input === 'string') stream.end(input);
          else if (input) {
            input.on('error', () => stream.end());
            input.pipe(stream);
          }
        }
        await ended;
      } catch (e) {
        if (killed) await killed;
        throw e;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      if (killed) await killed;
      if (signal.aborted) throw new Error('aborted');
      let info = await this.inspectExec(execId, signal);
      // The stream can close a moment before the engine records the exit code.
      for (let i = 0; i < 50 && info.Running; i++) {
        await new Promise((r) => setTimeout(r, 10));
        info = await this.inspectExec(execId, signal);
      }
      return { exitCode: info.ExitCode ?? -1 };
    }, `Command ${shown} did not finish`);
  }

  async execInteractive(containerId: string, options: InteractiveExecOptions): Promise<InteractiveSession> {
    const ctx = { action: 'open a terminal in container' };
    return this.call(ctx, { signal: options.signal }, DEFAULT_TIMEOUTS.start, async (signal) => {
      const body: Record<string, unknown> = { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Cmd: options.cmd };
      if (options.env) body.Env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
      if (options.user) body.User = options.user;
      if (options.workdir) body.WorkingDir = options.workdir;
      if (options.cols && options.rows) body.ConsoleSize = [options.rows, options.cols];
      const execId = await this.createExec(containerId, body, signal);
      const sock = await this.dial<Duplex>(
        { path: `/exec/${execId}/start`, method: 'POST', options: { Detach: false, Tty: true }, isStream: true, hijack: true, openStdin: true, allowEmpty: true },
        signal,
      );
      return new TtySession(this, execId, sock, options);
    });
  }

  /** Used by TtySession: resize and exit code of an exec. */
  async resizeExec(execId: string, cols: number, rows: number): Promise<void> {
    await this.call({ action: 'resize terminal' }, {}, DEFAULT_TIMEOUTS.query, (s) =>
      this.dial({ path: `/exec/${execId}/resize?`, method: 'POST', options: { h: rows, w: cols } }, s),
    );
  }

  async execExitCode(execId: string): Promise<number | undefined> {
    return this.call({ action: 'inspect exec' }, {}, DEFAULT_TIMEOUTS.query, async (s) => {
      let info = await this.inspectExec(execId, s);
      for (let i = 0; i < 50 && info.Running; i++) {
        await new Promise((r) => setTimeout(r, 10));
        info = await this.inspectExec(execId, s);
      }
      return info.ExitCode ?? undefined;
    });
  }

  async events(filter: { labels: LabelFilter }, onEvent: (e: EngineEvent) => void, signal: AbortSignal, onEnd?: (error?: Error) => void): Promise<void> {
    const ctx = { action: 'stream events' };
    const filters = JSON.stringify({ type: ['container'], label: labelFilters(filter.labels) });
    const res = await this.call(ctx, { signal }, DEFAULT_TIMEOUTS.query, (s) => this.dial<Readable>({ path: '/events?', method: 'GET', options: { filters }, isStream: true }, s));
    // From here the stream lives until aborted: the call's deadline no longer applies.
    const lines = new LineSplitter();
    let ended = false;
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      onEnd?.(signal.aborted ? undefined : error);
    };
    const onAbort = () => end();
    if (signal.aborted) return end();
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      lines.push(chunk, (line) => {
        try {
          const m = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number };
          onEvent({ type: m.Type ?? '', action: m.Action ?? '', id: m.Actor?.ID ?? '', attributes: m.Actor?.Attributes ?? {}, timeNano: m.timeNano ?? 0 });
        } catch {
          // a malformed line is skipped; the next one is independent
        }
      });
    });
    res.once('end', () => end(new Error('the engine closed the event stream')));
    res.once('error', (e: Error) => end(e));
    res.once('close', () => end(new Error('the event stream was closed')));
  }

  listVolumes(labels: LabelFilter = {}, options: CallOptions = {}): Promise<VolumeSummary[]> {
    return this.call({ action: 'list volumes' }, options, DEFAULT_TIMEOUTS.query, async (s) => {
      const res = await this.dial<{ Volumes: Dockerode.VolumeInspectInfo[] | null }>(
        { path: '/volumes?', method: 'GET', options: { filters: JSON.stringify({ label: labelFilters(labels) }) } },
        s,
      );
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {}, driver: v.Driver, mountpoint: v.Mountpoint }));
    });
  }

  async removeVolume(name: string, options: CallOptions & { force?: boolean } = {}): Promise<void> {
    try {
      await this.call({ action: `remove volume ${name}` }, options, DEFAULT_TIMEOUTS.remove, (s) =>
        this.dial({ path: `/volumes/${encodeURIComponent(name)}?`, method: 'DELETE', options: { force: options.force ? 1 : 0 } }, s),
      );
    } catch (e) {
      if (e instanceof BerthError && /no such volume/i.test(e.message)) return;
      throw e;
    }
  }

  imageHistory(ref: string, options: CallOptions = {}): Promise<ImageHistoryEntry[]> {
    return this.call({ action: 'read image history', image: ref }, options, DEFAULT_TIMEOUTS.query, async (signal) => {
      const rows = await this.dial<HistoryRow[]>({ path: `/images/${encodeURIComponent(ref)}/history`, method: 'GET' }, signal);
      return rows.map((r) => ({
        id: r.Id ?? '<missing>',
        created: r.Created ?? 0,
        createdBy: r.CreatedBy ?? '',
        size: r.Size ?? 0,
        comment: r.Comment ?? '',
        tags: r.Tags ?? [],
      }));
    });
  }

  getContainerLogs(id: string, options: CallOptions & { tail?: number } = {}): Promise<string> {
    return this.call({ action: 'read container logs' }, options, DEFAULT_TIMEOUTS.query, async (s) => {
      const res = await this.dial<Readable>(
        { path: `/containers/${encodeURIComponent(id)}/logs?`, method: 'GET', options: { stdout: 1, stderr: 1, tail: options.tail ?? 100 }, isStream: true },
        s,
      );
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      await waitForEnd(res);
      const raw = Buffer.concat(chunks);
      if (!looksMultiplexed(raw)) return raw.toString('utf8');
      const parts: Buffer[] = [];
      new StreamDemuxer((c) => parts.push(c), (c) => parts.push(c)).push(raw);
      return Buffer.concat(parts).toString('utf8');
    });
  }
}

/** A TTY exec over a hijacked connection. */
class TtySession implements InteractiveSession {
  private readonly dataListeners = new Set<(data: Buffer) => void>();
  private readonly exitListeners = new Set<(code: number | undefined, lost?: BerthError) => void>();
  private exited = false;
  private exitCode: number | undefined;
  private closedByUs = false;
  private reported = false;
  /** Set when the exit code could not be read because the engine is gone. */
  private lost: BerthError | undefined;

  constructor(
    private readonly engine: DockerEngine,
    readonly execId: string,
    private readonly sock: Duplex,
    options: InteractiveExecOptions,
  ) {
    sock.on('data', (d: Buffer) => {
      for (const l of this.dataListeners) l(d);
    });
    const finish = () => void this.finish();
    sock.once('end', finish);
    sock.once('close', finish);
    sock.on('error', () => undefined); // 'close' follows and reports the end
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
    // Engines before API 1.42 ignore ConsoleSize: size the terminal once it exists.
    if (options.cols && options.rows) this.resize(options.cols, options.rows).catch(() => undefined);
  }

  private async finish(): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    this.sock.destroy();
    if (!this.closedByUs) {
      this.exitCode = await this.engine.execExitCode(this.execId).catch((e: unknown) => {
        if (e instanceof BerthError && e.code === 'docker-unavailable') this.lost = e;
        return undefined;
      });
    }
    this.reported = true;
    for (const l of this.exitListeners) l(this.exitCode, this.lost);
  }

  write(data: string | Buffer): void {
    if (!this.exited) this.sock.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (this.exited) return;
    await this.engine.resizeExec(this.execId, cols, rows);
  }

  onData(cb: (data: Buffer) => void): () => void {
    this.dataListeners.add(cb);
    return () => this.dataListeners.delete(cb);
  }

  onExit(cb: (code: number | undefined, lost?: BerthError) => void): () => void {
    if (this.reported) {
      queueMicrotask(() => cb(this.exitCode, this.lost));
      return () => undefined;
    }
    this.exitListeners.add(cb);
    return () => this.exitListeners.delete(cb);
  }

  close(): void {
    this.closedByUs = true;
    this.sock.destroy();
  }
}

/** An engine for these connection inputs (typically one per process, shared by every use case). */
export function createEngine(connect: ConnectOptions): DockerEngine {
  return new DockerEngine({ connect });
}
