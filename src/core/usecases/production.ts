/**
 * The production image of a Dockerfile spec: build it from the same context and cache as the dev
 * image (`customizations.berth.production.target`, else the last stage), run it on 127.0.0.1 and
 * wait for its healthcheck, stop it.
 */
import { nodeHttp } from '../lazyNode';
import { readFile } from 'node:fs/promises';
import { locate, parseJsonc, type ReadConfigResult } from '../config';
import type { DockerfileConfig } from '../config/types';
import { imageNameFor, planImageBuild } from '../container/buildPlan';
import type { Locate } from '../container/configError';
import type { ContainerDetails, Engine, ImageBuildSpec } from '../engine/types';
import { BerthError } from '../errors';
import { LABEL_BERTH_MANAGED } from '../labels';
import { describeProbe, type ProbeResult, waitForHealthy } from '../production/health';
import { LABEL_BERTH_PRODUCTION, LABEL_BERTH_PRODUCTION_FOLDER } from '../production/labels';
import { planProductionContainer } from '../production/runPlan';
import { readProductionSettings, type ProductionSettings } from '../production/settings';
import type { CoreDeps } from './deps';
import { composeNotSupported } from './image';
import type {
  ProductionBuildOptions,
  ProductionBuildResult,
  ProductionPort,
  ProductionRunOptions,
  ProductionRunResult,
  ProductionStopResult,
} from './productionTypes';
import type { UseCaseContext, WorkspaceRef } from './types';
import { loadWorkspace } from './workspace';

/** The spec, its Dockerfile config and its production settings (located for error messages). */
export interface ProductionWorkspace {
  loaded: ReadConfigResult;
  config: DockerfileConfig;
  settings: ProductionSettings;
}

async function locatorFor(configFile: string): Promise<Locate | undefined> {
  try {
    const doc = parseJsonc(await readFile(configFile, 'utf8'), configFile);
    return (path) => locate(doc, path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter((x) => x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x))));
  } catch {
    return undefined;
  }
}

export async function loadProductionWorkspace(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<ProductionWorkspace> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  const config = loaded.config;
  if (config.kind === 'compose') throw composeNotSupported(config);
  if (config.kind !== 'dockerfile') {
    throw new BerthError('config-invalid', `A production image needs a Dockerfile spec; ${config.configFile} names an image`, {
      location: { file: config.configFile, line: 1, column: 1, path: 'image' },
      hint: 'Use "build": { "dockerfile": "Dockerfile", "target": "dev" } with a multi-stage Dockerfile (see examples/node-app).',
    });
  }
  const settings = readProductionSettings(config, await locatorFor(config.configFile));
  return { loaded, config, settings };
}

/** `vsc-app-1a2b…` → `vsc-app-1a2b…-prod`; a tag stays a tag (`app:1` → `app-prod:1`). */
export function productionImageName(devImageName: string): string {
  const slash = devImageName.lastIndexOf('/');
  const colon = devImageName.lastIndexOf(':');
  if (colon > slash) return `${devImageName.slice(0, colon)}-prod${devImageName.slice(colon)}`;
  return `${devImageName}-prod`;
}

/** The dev image's tag, as `build`/`up` make it. */
export function devImageName(config: DockerfileConfig): string {
  return imageNameFor(config.workspaceFolderHost);
}

/** The production build: the dev build's context, Dockerfile, args and cache, with the production stage and tag. */
export function planProductionBuild(w: ProductionWorkspace, options: { noCache?: boolean; imageName?: string; hostEnv?: Record<string, string | undefined> }): ImageBuildSpec {
  const name = options.imageName ?? w.settings.imageName ?? productionImageName(devImageName(w.config));
  const spec = planImageBuild(
    { ...w.config, target: w.settings.target, buildArgs: { ...w.config.buildArgs, ...w.settings.buildArgs } },
    {
      noCache: options.noCache,
      imageName: name,
      labels: { [LABEL_BERTH_PRODUCTION]: w.loaded.devcontainerId, [LABEL_BERTH_PRODUCTION_FOLDER]: w.config.workspaceFolderHost },
      hostEnv: options.hostEnv,
    },
  );
  // build.options may name the dev stage and dev tags; the production build has its own.
  if (w.settings.target) spec.target = w.settings.target;
  else delete spec.target;
  spec.tags = [name];
  Object.assign(spec.buildArgs, w.settings.buildArgs);
  return spec;
}

export async function buildProductionImage(deps: CoreDeps, w: ProductionWorkspace, options: { noCache?: boolean; imageName?: string }, ctx: UseCaseContext): Promise<ProductionBuildResult> {
  const spec = planProductionBuild(w, { ...options, hostEnv: ctx.env });
  ctx.events({ type: 'phase', phase: 'building', detail: `${spec.tags[0]} (${spec.target ? `stage ${spec.target}` : 'last stage'})` });
  const { imageId } = await deps.engine.buildImage(spec, ctx.events, ctx.signal);
  ctx.events({ type: 'log', level: 'info', message: `Built the production image ${spec.tags[0]}`, component: 'production' });
  return { outcome: 'success', imageName: spec.tags[0], imageId, target: spec.target, devImageName: devImageName(w.config) };
}

/** `berth build --production`. */
export async function buildProduction(deps: CoreDeps, options: ProductionBuildOptions, ctx: UseCaseContext): Promise<ProductionBuildResult> {
  const w = await loadProductionWorkspace(deps, options, ctx);
  return buildProductionImage(deps, w, options, ctx);
}

/** The published ports as the engine reports them. */
export function publishedPorts(details: ContainerDetails): ProductionPort[] {
  const out: ProductionPort[] = [];
  for (const [key, bindings] of Object.entries(details.NetworkSettings?.Ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) out.push({ containerPort: Number(port), protocol, hostIp: b.HostIp || '127.0.0.1', hostPort: Number(b.HostPort) });
  }
  return out.sort((a, b) => a.containerPort - b.containerPort);
}

function httpGet(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = nodeHttp().request(url, { method: 'GET', timeout: timeoutMs, signal }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400 ? { ok: true, detail: `HTTP ${status}` } : { ok: false, detail: `HTTP ${status}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function stoppedReason(engine: Engine, id: string, signal?: AbortSignal): Promise<string | undefined> {
  const d = await engine.inspectContainer(id, { signal });
  if (d.State.Running) return undefined;
  return `exited with code ${d.State.ExitCode}${d.State.Error ? ` (${d.State.Error})` : ''}`;
}

/** Removes the workspace's production containers (running or not). */
async function removeProductionContainers(deps: CoreDeps, devcontainerId: string, ctx: UseCaseContext): Promise<string[]> {
  const found = await deps.engine.findContainers({ [LABEL_BERTH_PRODUCTION]: devcontainerId, [LABEL_BERTH_MANAGED]: 'true' }, { all: true, signal: ctx.signal });
  for (const c of found) {
    ctx.events({ type: 'phase', phase: 'removing', detail: c.names[0] ?? c.id.slice(0, 12) });
    await deps.engine.removeContainer(c.id, { force: true, signal: ctx.signal });
    ctx.events({ type: 'container', containerId: c.id, state: 'removed' });
  }
  return found.map((c) => c.id);
}

/** `berth run --production`: (build,) replace the old production container, start, wait for health. */
export async function runProduction(deps: CoreDeps, options: ProductionRunOptions, ctx: UseCaseContext): Promise<ProductionRunResult> {
  const w = await loadProductionWorkspace(deps, options, ctx);
  let imageName: string;
  if (options.build === false) {
    imageName = planProductionBuild(w, {}).tags[0];
    if (!(await deps.engine.imageExists(imageName, { signal: ctx.signal }))) {
      throw new BerthError('image-not-found', `The production image ${imageName} has not been built`, { hint: "Build it with 'berth build --production', or run without --no-build." });
    }
  } else {
    imageName = (await buildProductionImage(deps, w, {}, ctx)).imageName;
  }
  await removeProductionContainers(deps, w.loaded.devcontainerId, ctx);

  const spec = planProductionContainer(w.settings, imageName, { devcontainerId: w.loaded.devcontainerId, workspaceFolder: w.config.workspaceFolderHost });
  ctx.events({ type: 'phase', phase: 'creating', detail: imageName });
  const id = await deps.engine.createContainer(spec, ctx.signal);
  ctx.events({ type: 'container', containerId: id, state: 'created' });
  try {
    ctx.events({ type: 'phase', phase: 'starting' });
    await deps.engine.startContainer(id, { signal: ctx.signal });
  } catch (e) {
    // A container that cannot start (a taken port) is no use; don't leave it behind.
    await deps.engine.removeContainer(id, { force: true }).catch(() => undefined);
    throw e;
  }
  ctx.events({ type: 'container', containerId: id, state: 'started' });
  const ports = publishedPorts(await deps.engine.inspectContainer(id, { signal: ctx.signal }));
  for (const p of ports) ctx.events({ type: 'port', containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIp, note: 'production' });

  const hc = w.settings.healthcheck;
  let health: ProductionRunResult['health'];
  let detail: string;
  let attempts = 0;
  let url: string | undefined;
  if (hc) {
    const probe = hc.probe;
    if (probe.kind === 'http') {
      const bound = ports.find((p) => p.containerPort === probe.port && p.protocol === 'tcp');
      const host = !bound || bound.hostIp === '0.0.0.0' ? '127.0.0.1' : bound.hostIp;
      url = bound ? `http://${host}:${bound.hostPort}${probe.path}` : undefined;
    }
    ctx.events({ type: 'log', level: 'info', message: `Waiting for the healthcheck (${describeProbe(hc)})`, component: 'production' });
    const outcome = await waitForHealthy(
      hc,
      {
        probe: async (timeoutMs, signal) => {
          if (probe.kind === 'http') return url ? httpGet(url, timeoutMs, signal) : { ok: false, detail: `container port ${probe.port} is not published` };
          const r = await deps.engine.exec(id, { cmd: probe.cmd, timeoutMs, signal }).catch((e: unknown) => ({ exitCode: -1, error: e instanceof Error ? e.message : String(e) }));
          return r.exitCode === 0 ? { ok: true, detail: 'exit code 0' } : { ok: false, detail: 'error' in r ? r.error : `exit code ${r.exitCode}` };
        },
        stopped: () => stoppedReason(deps.engine, id, ctx.signal),
        sleep,
        onAttempt: (n, r) => ctx.events({ type: 'log', level: 'debug', message: `healthcheck try ${n}: ${r.detail}`, component: 'production' }),
      },
      ctx.signal,
    );
    health = outcome.healthy ? 'healthy' : 'unhealthy';
    detail = outcome.detail;
    attempts = outcome.attempts;
  } else {
    // Without a healthcheck, "healthy" can only mean "still running a moment later".
    await sleep(1_000, ctx.signal);
    const exited = await stoppedReason(deps.engine, id, ctx.signal);
    health = exited ? 'unhealthy' : 'none';
    detail = exited ? `the container ${exited}` : 'running (no healthcheck configured)';
  }
  const logTail = await deps.engine.getContainerLogs(id, { tail: options.logTail ?? 40, signal: ctx.signal }).catch(() => '');
  const running = (await stoppedReason(deps.engine, id, ctx.signal).catch(() => 'gone')) === undefined;
  ctx.events({ type: 'log', level: health === 'unhealthy' ? 'warn' : 'info', message: `Production container ${id.slice(0, 12)}: ${health} (${detail})`, component: 'production' });
  return { outcome: 'success', containerId: id, imageName, ports, health, detail, attempts, probe: hc?.probe, url, logTail, running };
}

/** `berth run --production --stop`: removes the workspace's production containers. */
export async function stopProduction(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<ProductionStopResult> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  return { outcome: 'success', removed: await removeProductionContainers(deps, loaded.devcontainerId, ctx) };
}
