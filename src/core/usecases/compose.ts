/**
 * The use cases for a Compose dev container (`dockerComposeFile` + `service`): up, stop, down, the
 * extra status of every service, and terminals in other services. Compose itself runs through the
 * host's Compose tool; the dev container `service` is then found by its Compose and spec labels and
 * handled like a single dev container (hooks, exec, terminals).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configToMetadataEntry, locate, mergeWithImageMetadata, metadataFromLabels, parseJsonc, type ReadConfigResult } from '../config';
import type { ComposeConfig, MetadataEntry, ResolvedConfig } from '../config/types';
import { parseMounts } from '../container/mounts';
import { composeConfigError, composeErrorLines, unknownServiceError } from '../compose/errors';
import { composeFileVersion, composeOverride } from '../compose/override';
import { composeNameFromText, referenceProjectName, uniqueProjectName } from '../compose/projectName';
import { composeToolFor, runProcess, type ComposeRunResult, type ComposeTool } from '../compose/tool';
import { composeWorkspace, covers, serviceArgv as serviceArgvOf, serviceImage, servicePublishedPorts, serviceScalar, serviceVolumeTargets } from '../compose/workspace';
import { imageNameFor } from '../container/buildPlan';
import { buildFeaturesImage } from '../features/buildImage';
import { isHostPortFree } from '../container/hostPort';
import { appPortBindings, forwardPortBindings, pickFreePorts } from '../container/ports';
import type { ContainerDetails, ContainerSummary, ImageDetails, InteractiveSession, PortBinding } from '../engine/types';
import { BerthError } from '../errors';
import { LABEL_CONFIG_FILE, LABEL_LOCAL_FOLDER } from '../labels';
import type { ContainerReason } from '../lifecycle/plan';
import type { CoreDeps } from './deps';
import type { BuildOptions, BuildResult, SessionOptions, StatusResult, UpOptions, UpResult, UseCaseContext, WorkspaceRef } from './types';
import { withUidLayer } from './image';
import { asList, runHooks } from './up';
import { loadWorkspace, noContainer, substitutedEntries } from './workspace';

/** Compose's labels on the containers it makes. */
export const LABEL_COMPOSE_PROJECT = 'com.docker.compose.project';
export const LABEL_COMPOSE_SERVICE = 'com.docker.compose.service';
/** `True` on containers of `compose run`, which are not the service's own. */
const LABEL_COMPOSE_ONEOFF = 'com.docker.compose.oneoff';

function notOneOff(c: ContainerSummary): boolean {
  return c.labels[LABEL_COMPOSE_ONEOFF] !== 'True';
}

/** What every Compose call of one use case shares. */
interface ComposeRun {
  tool: ComposeTool;
  /** The user's compose files (absolute), in order. */
  files: string[];
  /** The project folder: the first file's folder. */
  cwd: string;
  env: Record<string, string | undefined>;
  isPodman: boolean;
}

function composeConfigOf(loaded: ReadConfigResult): ComposeConfig {
  return asCompose(loaded.config);
}

function asCompose(config: ResolvedConfig): ComposeConfig {
  if (config.kind !== 'compose') throw new BerthError('internal', 'not a Compose dev container');
  return config;
}

function newest(list: ContainerSummary[]): ContainerSummary | undefined {
  return list.length === 0 ? undefined : list.reduce((a, b) => (b.created > a.created ? b : a));
}

/** The dev container `service`'s container: the one with the spec's id labels and the service label. */
export async function findServiceContainer(deps: CoreDeps, loaded: ReadConfigResult, signal?: AbortSignal): Promise<ContainerSummary | undefined> {
  const config = composeConfigOf(loaded);
  const found = await deps.engine.findContainers({ ...loaded.idLabels, [LABEL_COMPOSE_SERVICE]: config.service }, { all: true, signal });
  return newest(found.filter(notOneOff));
}

async function projectContainers(deps: CoreDeps, project: string, signal?: AbortSignal): Promise<ContainerSummary[]> {
  return (await deps.engine.findContainers({ [LABEL_COMPOSE_PROJECT]: project }, { all: true, signal })).filter(notOneOff);
}

async function prepareRun(deps: CoreDeps, loaded: ReadConfigResult, ctx: UseCaseContext): Promise<ComposeRun> {
  const config = composeConfigOf(loaded);
  if (config.composeFiles.length === 0) {
    throw new BerthError('config-invalid', 'dockerComposeFile names no compose file', {
      location: { file: config.configFile, line: 1, column: 1, path: 'dockerComposeFile' },
      hint: 'Set dockerComposeFile to the compose file(s), relative to devcontainer.json.',
    });
  }
  const env = { ...ctx.env, ...(deps.compose?.dockerHost ? { DOCKER_HOST: deps.compose.dockerHost } : {}) };
  const tool = await composeToolFor({ explicitPath: deps.compose?.path, env, signal: ctx.signal });
  const isPodman = await deps.engine
    .facts({ signal: ctx.signal })
    .then((v) => v.isPodman)
    .catch(() => false);
  ctx.events({ type: 'log', level: 'info', message: `Using ${tool.command.join(' ')} ${tool.version || '(unknown version)'}${isPodman ? ' against Podman' : ''}`, component: 'compose' });
  return { tool, files: config.composeFiles, cwd: dirname(config.composeFiles[0]), env, isPodman };
}

function baseArgs(run: ComposeRun, project: string, extraFiles: string[] = []): string[] {
  return [...run.tool.command, '-p', project, ...[...run.files, ...extraFiles].flatMap((f) => ['-f', f])];
}

async function compose(run: ComposeRun, args: string[], ctx: UseCaseContext, stream = true): Promise<ComposeRunResult> {
  ctx.events({ type: 'log', level: 'debug', message: `$ ${args.join(' ')}`, component: 'compose' });
  return runProcess(args, {
    env: run.env,
    cwd: run.cwd,
    signal: ctx.signal,
    onLine: stream ? (line, s) => ctx.events({ type: 'output', source: 'compose', name: s, text: `${line}\n` }) : undefined,
  });
}

function composeFailed(run: ComposeRun, what: string, result: ComposeRunResult): BerthError {
  const output = composeErrorLines(`${result.stderr}\n${result.stdout}`);
  const unreachable = output.some((l) => /connect|connection|socket|API version|not implemented/i.test(l));
  const hint = run.isPodman && (unreachable || run.tool.major === 1)
    ? `${run.tool.command.join(' ')} ${run.tool.version} may not work against Podman's Docker API: use 'podman compose' or a Compose v2 tool (set berth.dockerComposePath / --docker-compose-path) and point DOCKER_HOST at the Podman socket.`
    : 'See the Compose output above; fix the compose file or the engine, then run up again.';
  return new BerthError('docker-error', `${run.tool.command.join(' ')} ${what} failed (exit ${result.exitCode})`, { output, hint });
}

/** Reads the compose files through Compose (so its errors name the file and line) and checks the service names. */
async function validate(run: ComposeRun, loaded: ReadConfigResult, project: string, ctx: UseCaseContext): Promise<{ configYaml: string; services: string[] }> {
  const config = composeConfigOf(loaded);
  const checked = await compose(run, [...baseArgs(run, project), 'config'], ctx, false);
  if (checked.exitCode !== 0) throw composeConfigError(`${checked.stderr}\n${checked.stdout}`, run.files, run.cwd);
  const listed = await compose(run, [...baseArgs(run, project), 'config', '--services'], ctx, false);
  if (listed.exitCode !== 0) throw composeFailed(run, 'config --services', listed);
  const services = listed.stdout.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  const where = (path: string) => serviceLocation(loaded, path);
  if (!services.includes(config.service)) {
    const e = unknownServiceError(config.service || '(empty)', 'service', services, config.configFile, run.files);
    throw new BerthError(e.code, e.message, { hint: e.hint, location: await where('service') });
  }
  for (const s of config.runServices ?? []) {
    if (!services.includes(s)) {
      const e = unknownServiceError(s, 'runServices', services, config.configFile, run.files);
      throw new BerthError(e.code, e.message, { hint: e.hint, location: await where('runServices') });
    }
  }
  return { configYaml: checked.stdout, services };
}

/** Where a property is written in devcontainer.json, for error locations. */
async function serviceLocation(loaded: ReadConfigResult, path: string) {
  try {
    const doc = parseJsonc(await readFile(loaded.configFile, 'utf8'), loaded.configFile);
    return locate(doc, [path]);
  } catch {
    return { file: loaded.configFile, line: 1, column: 1, path };
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function sameIdentity(labels: Record<string, string>, idLabels: Record<string, string>): boolean {
  return Object.entries(idLabels).every(([k, v]) => labels[k] === v);
}

/**
 * The project name for a new project: the reference CLI's, unless a dev container of another
 * workspace already has it (a second clone of the same repository), then one made unique by the
 * devcontainerId.
 */
async function chooseProjectName(deps: CoreDeps, loaded: ReadConfigResult, ctx: UseCaseContext): Promise<string> {
  const config = composeConfigOf(loaded);
  const texts = await Promise.all(config.composeFiles.map(readOptional));
  const composeName = texts.map((t) => (t === undefined ? undefined : composeNameFromText(t))).filter((n) => n !== undefined).pop();
  const reference = referenceProjectName({
    env: ctx.env,
    dotEnv: await readOptional(join(config.workspaceFolderHost, '.env')),
    composeName,
    workspaceFolder: config.workspaceFolderHost,
    firstComposeFile: config.composeFiles[0],
    platform: deps.platform,
  });
  const others = (await projectContainers(deps, reference.name, ctx.signal)).filter(
    (c) => (c.labels[LABEL_LOCAL_FOLDER] !== undefined || c.labels[LABEL_CONFIG_FILE] !== undefined) && !sameIdentity(c.labels, loaded.idLabels),
  );
  if (others.length === 0) {
    ctx.events({ type: 'log', level: 'info', message: `Compose project ${reference.name} (from the ${reference.source})`, component: 'compose' });
    return reference.name;
  }
  const unique = uniqueProjectName(reference.name, loaded.devcontainerId);
  const owner = others[0].labels[LABEL_LOCAL_FOLDER] ?? 'another workspace';
  ctx.events({ type: 'log', level: 'warn', message: `Compose project ${reference.name} belongs to ${owner}; using ${unique} for this workspace`, component: 'compose' });
  return unique;
}

function overridePath(deps: CoreDeps, loaded: ReadConfigResult): string {
  const base = deps.compose?.stateDir ?? join(tmpdir(), 'berth-compose');
  return join(base, loaded.devcontainerId, 'docker-compose.berth.json');
}

/**
 * appPort and forwardPorts as bindings per service, on 127.0.0.1 as for a single container:
 * `N` / `localhost:N` publish on `service`, `db:5432` on `db`. Ports the compose files already
 * publish are left to them; a host port held by this project's own containers counts as free (a
 * rebuild keeps its ports), any other taken one moves to the next free port.
 */
export async function planComposePorts(
  config: ComposeConfig,
  configYaml: string,
  services: string[],
  ownHostPorts: Set<number>,
  isFree: (port: number, ip: string) => Promise<boolean>,
): Promise<{ ports: Record<string, PortBinding[]>; notes: string[] }> {
  const wanted: { service: string; binding: PortBinding }[] = appPortBindings(config.appPort).map((binding) => ({ service: config.service, binding }));
  const forward = forwardPortBindings(config.forwardPorts);
  for (const binding of forward.bindings) wanted.push({ service: config.service, binding });
  const notes: string[] = [];
  for (const entry of forward.skipped) {
    const colon = entry.lastIndexOf(':');
    const name = entry.slice(0, colon);
    const port = Number(entry.slice(colon + 1));
    if (services.includes(name)) wanted.push({ service: name, binding: { containerPort: port, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: port } });
    else notes.push(`forwardPorts entry ${entry} names no service of the compose files; not published`);
  }
  const fresh = wanted.filter((w) => !servicePublishedPorts(configYaml, w.service).includes(w.binding.containerPort));
  const picked = await pickFreePorts(
    fresh.map((w) => w.binding),
    async (port, ip) => ownHostPorts.has(port) || isFree(port, ip),
  );
  const ports: Record<string, PortBinding[]> = {};
  picked.bindings.forEach((b, i) => (ports[fresh[i].service] ??= []).push(b));
  return { ports, notes: [...notes, ...picked.notes] };
}

/** What a new container's service runs: the entries for its label, and the Features image when there are Features. */
interface ServiceImage {
  /** The image's `devcontainer.metadata` entries (with the Features' when there are any), raw. */
  entries: MetadataEntry[];
  /** The spec merged with those entries: what the override applies. */
  config: ComposeConfig;
  /** The Features image, built on the service's image. */
  image?: string;
  /** The service's entrypoint and command, for Feature entrypoints without overrideCommand. */
  serviceArgv?: { entrypoint: string[]; command: string[] };
}

/**
 * The service image for a new container, as the reference CLI prepares it: its own
 * `devcontainer.metadata` (a prebuilt dev container image's remoteUser, containerEnv, hooks, ...),
 * and the spec's Features installed on top (an image of their own, as for a single container). An
 * image that is not here yet is pulled first (`compose pull`); without Features, one that cannot be
 * had gives no entries, and `compose up` then reports why.
 */
async function prepareServiceImage(
  deps: CoreDeps,
  run: ComposeRun,
  loaded: ReadConfigResult,
  project: string,
  configYaml: string,
  options: UpOptions,
  ctx: UseCaseContext,
): Promise<ServiceImage> {
  const config = composeConfigOf(loaded);
  const image = serviceImage(configYaml, config.service) ?? builtImageName(run, project, config.service);
  let details = await deps.engine.inspectImage(image, { signal: ctx.signal });
  if (!details) {
    const pulled = await compose(run, [...baseArgs(run, project), 'pull', config.service], ctx, false);
    details = pulled.exitCode === 0 ? await deps.engine.inspectImage(image, { signal: ctx.signal }) : undefined;
  }
  const features = Object.keys(config.features).length > 0;
  if (!details) {
    if (features) throw new BerthError('image-not-found', `The image ${image} of service '${config.service}' is not here and could not be pulled, so its Features cannot be installed`);
    ctx.events({ type: 'log', level: 'debug', message: `image ${image} of service ${config.service} is not here: no image metadata`, component: 'compose' });
    return { entries: [], config };
  }
  let prepared: Omit<ServiceImage, 'config'> & { details: ImageDetails; image: string } = { entries: metadataFromLabels(details.Config?.Labels ?? {}, image), details, image };
  if (features) {
    const featured = await buildFeaturesImage({
      ...featuresImageOptions(deps, config, ctx),
      baseImage: image,
      baseDetails: details,
      baseMetadata: prepared.entries,
      noCache: options.buildNoCache,
      writeLockfile: options.writeLockfile,
      frozenLockfile: options.frozenLockfile,
    });
    const serviceArgv = {
      entrypoint: serviceArgvOf(configYaml, config.service, 'entrypoint') ?? asList(details.Config?.Entrypoint) ?? [],
      command: serviceArgvOf(configYaml, config.service, 'command') ?? asList(details.Config?.Cmd) ?? [],
    };
    prepared = { entries: featured.metadata, details: featured.details, image: featured.image, serviceArgv };
  }
  const merged = mergedWith(loaded, prepared.entries);
  // updateRemoteUserUID (Linux): the user gets the host user's ids in one more image, as for a single container.
  const uid = await withUidLayer(deps, merged, { baseImage: prepared.image, details: prepared.details }, ctx, serviceScalar(configYaml, config.service, 'user'));
  return { entries: prepared.entries, config: merged, image: uid === image ? undefined : uid, serviceArgv: prepared.serviceArgv };
}

/** The spec with an image's metadata entries merged under it (the image's first, then devcontainer.json). */
function mergedWith(loaded: ReadConfigResult, entries: MetadataEntry[]): ComposeConfig {
  return entries.length === 0 ? composeConfigOf(loaded) : asCompose(mergeWithImageMetadata(loaded.config, substitutedEntries(loaded, entries)));
}

/** What every Features build of a Compose spec shares (the tag is the one single-container specs use). */
function featuresImageOptions(deps: CoreDeps, config: ComposeConfig, ctx: UseCaseContext) {
  return {
    engine: deps.engine,
    config,
    tags: [`${imageNameFor(config.workspaceFolderHost)}-features`],
    cacheDir: deps.featuresCacheDir ?? join(tmpdir(), 'berth-features-cache'),
    env: ctx.env,
    events: ctx.events,
    signal: ctx.signal,
  };
}

/** The name Compose gives a service image it builds: `<project>-<service>` (v2), `<project>_<service>` (v1). */
function builtImageName(run: ComposeRun, project: string, service: string): string {
  return `${project}${run.tool.major === 1 ? '_' : '-'}${service}`;
}

async function writeOverride(
  deps: CoreDeps,
  loaded: ReadConfigResult,
  configYaml: string,
  ports: Record<string, PortBinding[]>,
  prepared?: ServiceImage,
): Promise<string> {
  const imageEntries = prepared?.entries ?? [];
  const config = prepared?.config ?? composeConfigOf(loaded);
  const workspace = composeWorkspace({
    raw: loaded.raw,
    workspaceFolderHost: config.workspaceFolderHost,
    platform: deps.platform,
    serviceVolumeTargets: serviceVolumeTargets(configYaml, config.service),
  });
  const firstText = await readOptional(config.composeFiles[0]);
  const file = composeOverride({
    config,
    idLabels: loaded.idLabels,
    // The image's entries first, then devcontainer.json's (raw, as the reference CLI writes it).
    metadataLabel: JSON.stringify([...imageEntries, configToMetadataEntry(loaded.written)]),
    workspaceMount: workspace.mount,
    mounts: parseMounts(config.mounts),
    fileVersion: firstText === undefined ? undefined : composeFileVersion(firstText),
    ports,
    image: prepared?.image,
    serviceArgv: prepared?.serviceArgv,
  });
  const path = overridePath(deps, loaded);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/**
 * A Compose container made by another spec tool (no workspace mount) has the workspace nowhere: when
 * the spec sets no workspaceFolder and nothing is mounted over Berth's default, use the reference's
 * default `/`, so hooks, terminals and exec start in a folder that exists. Changes `loaded` in place.
 */
export function fitWorkspaceFolder(loaded: ReadConfigResult, details: ContainerDetails): void {
  if (loaded.config.kind !== 'compose') return;
  const raw = loaded.raw;
  if ((typeof raw.workspaceFolder === 'string' && raw.workspaceFolder !== '') || typeof raw.workspaceMount === 'string') return;
  const folder = loaded.config.workspaceFolder;
  const mounted = (details.Mounts ?? []).some((m) => covers(m.Destination, folder));
  if (!mounted) loaded.config.workspaceFolder = '/';
}

/** The services `up` starts: runServices plus `service` when runServices is set, else all (an empty list). */
export function servicesToStart(config: Pick<ComposeConfig, 'service' | 'runServices'>): string[] {
  if (!config.runServices) return [];
  return [...new Set([...config.runServices, config.service])];
}

/** `up` for a Compose dev container; called by `up` under the workspace lock. */
export async function composeUp(deps: CoreDeps, loaded: ReadConfigResult, options: UpOptions, ctx: UseCaseContext): Promise<UpResult> {
  const config = composeConfigOf(loaded);
  const existing = await findServiceContainer(deps, loaded, ctx.signal);
  let project = existing?.labels[LABEL_COMPOSE_PROJECT];

  // Fast path: the dev container and the rest of its project already run; Compose is not needed.
  let details: ContainerDetails | undefined;
  if (existing && project && existing.state === 'running' && !options.removeExistingContainer) {
    const wanted = servicesToStart(config);
    const members = await projectContainers(deps, project, ctx.signal);
    const running = new Set(members.filter((c) => c.state === 'running').map((c) => c.labels[LABEL_COMPOSE_SERVICE]));
    const allUp = wanted.length > 0 ? wanted.every((s) => running.has(s)) : members.every((c) => c.state === 'running');
    if (allUp) details = await deps.engine.inspectContainer(existing.id, { signal: ctx.signal });
  }

  if (!details) {
    const run = await prepareRun(deps, loaded, ctx);
    project ??= await chooseProjectName(deps, loaded, ctx);
    const { configYaml, services: defined } = await validate(run, loaded, project, ctx);
    const own = new Set((await projectContainers(deps, project, ctx.signal)).flatMap((c) => c.ports.map((p) => p.hostPort ?? 0)));
    const planned = await planComposePorts(config, configYaml, defined, own, isHostPortFree);
    for (const note of planned.notes) ctx.events({ type: 'log', level: 'warn', message: note, component: 'ports' });
    const services = servicesToStart(config);
    // A container to make: its images are built first, so the service image's metadata can go on it.
    const fresh = !existing || options.removeExistingContainer || options.buildNoCache;
    if (fresh) {
      ctx.events({ type: 'phase', phase: 'building', detail: `compose build ${services.join(' ') || '(all services)'}` });
      const built = await compose(run, [...baseArgs(run, project), 'build', ...(options.buildNoCache ? ['--no-cache'] : []), ...services], ctx);
      if (built.exitCode !== 0) throw new BerthError('build-failed', composeFailed(run, 'build', built).message, { output: composeErrorLines(built.stderr), hint: 'See the build output above.' });
    }
    const prepared = fresh ? await prepareServiceImage(deps, run, loaded, project, configYaml, options, ctx) : undefined;
    const override = await writeOverride(deps, loaded, configYaml, planned.ports, prepared);
    const args = baseArgs(run, project, [override]);
    ctx.events({ type: 'phase', phase: existing ? 'starting' : 'creating', detail: `compose up ${services.join(' ') || '(all services)'}` });
    const mode = options.removeExistingContainer ? ['--force-recreate'] : existing ? ['--no-recreate'] : [];
    const upped = await compose(run, [...args, 'up', '-d', ...mode, ...services], ctx);
    if (upped.exitCode !== 0) throw composeFailed(run, 'up', upped);
    const found = await findServiceContainer(deps, loaded, ctx.signal);
    if (!found) {
      throw new BerthError('container-not-found', `Compose started project ${project} but no container of service '${config.service}' carries the dev container labels`, {
        hint: 'Check that no other compose file replaces the service labels, then run up again.',
      });
    }
    details = await deps.engine.inspectContainer(found.id, { signal: ctx.signal });
  }

  fitWorkspaceFolder(loaded, details);
  let reason: ContainerReason;
  if (!existing || existing.id !== details.Id) reason = 'created';
  else reason = existing.state === 'running' ? 'reused' : 'started';
  if (existing && existing.id !== details.Id) await deps.sessions.forget(existing.id);
  ctx.events({ type: 'container', containerId: details.Id, state: reason === 'reused' ? 'reused' : reason === 'started' ? 'started' : 'created' });
  for (const [port, bindings] of Object.entries(details.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) {
      ctx.events({ type: 'port', containerPort: Number.parseInt(port, 10), hostIp: b.HostIp, hostPort: Number.parseInt(b.HostPort, 10) });
    }
  }
  // runHooks also prepares a new container's /etc/profile (in the env probe's exec when it can).
  const attach = await runHooks(deps, loaded, details, reason, options, ctx);
  ctx.events({ type: 'phase', phase: 'ready' });
  return {
    outcome: 'success',
    containerId: details.Id,
    composeProjectName: details.Config?.Labels?.[LABEL_COMPOSE_PROJECT] ?? project,
    remoteUser: attach.user,
    remoteWorkspaceFolder: loaded.config.workspaceFolder,
    action: reason,
  };
}

/**
 * `stop` (an explicit Stop or Restart): with shutdownAction `stopCompose` (the Compose default)
 * `compose stop` of the whole project; with `none` or `stopContainer` only the dev container
 * `service`, leaving the other services running as the spec asks.
 */
export async function composeStop(deps: CoreDeps, loaded: ReadConfigResult, ctx: UseCaseContext): Promise<void> {
  const config = composeConfigOf(loaded);
  const found = await findServiceContainer(deps, loaded, ctx.signal);
  const project = found?.labels[LABEL_COMPOSE_PROJECT];
  if (!found || !project) throw noContainer(loaded, 'existing');
  if (config.shutdownAction !== 'stopCompose') {
    ctx.events({ type: 'log', level: 'info', message: `shutdownAction is "${config.shutdownAction}": stopping only the ${config.service} service; the rest of project ${project} keeps running.`, component: 'compose' });
    ctx.events({ type: 'phase', phase: 'stopping', detail: config.service });
    await deps.engine.stopContainer(found.id, { signal: ctx.signal, timeoutSeconds: 10 });
  } else {
    ctx.events({ type: 'phase', phase: 'stopping', detail: `compose project ${project}` });
    const run = await prepareRun(deps, loaded, ctx);
    const stopped = await compose(run, [...baseArgs(run, project), 'stop'], ctx);
    if (stopped.exitCode !== 0) throw composeFailed(run, 'stop', stopped);
  }
  ctx.events({ type: 'container', containerId: found.id, state: 'stopped' });
}

/**
 * `down`: `compose down` of the project (`-v` only with removeVolumes). Named volumes Berth mounts
 * from `mounts` are not in the user's files, so Compose never removes them.
 */
export async function composeDown(deps: CoreDeps, loaded: ReadConfigResult, removeVolumes: boolean, ctx: UseCaseContext): Promise<void> {
  const found = await findServiceContainer(deps, loaded, ctx.signal);
  const project = found?.labels[LABEL_COMPOSE_PROJECT];
  if (!found || !project) {
    ctx.events({ type: 'log', level: 'info', message: `There is no dev container for ${loaded.config.workspaceFolderHost}; nothing to remove.` });
    return;
  }
  ctx.events({ type: 'phase', phase: 'removing', detail: `compose project ${project}` });
  const run = await prepareRun(deps, loaded, ctx);
  const result = await compose(run, [...baseArgs(run, project), 'down', ...(removeVolumes ? ['-v'] : [])], ctx);
  if (result.exitCode !== 0) {
    // A compose file broken since `up` must not strand the project: remove its containers directly.
    ctx.events({ type: 'log', level: 'warn', message: `compose down failed (exit ${result.exitCode}); removing project ${project}'s containers directly`, component: 'compose' });
    for (const c of await projectContainers(deps, project, ctx.signal)) {
      await deps.engine.removeContainer(c.id, { force: true, removeVolumes, signal: ctx.signal });
    }
  }
  await deps.sessions.forget(found.id);
  await rm(dirname(overridePath(deps, loaded)), { recursive: true, force: true });
  ctx.events({ type: 'container', containerId: found.id, state: 'removed' });
}

/** The project name and every service's state, added to the dev container's status. */
export async function composeStatusExtras(deps: CoreDeps, result: StatusResult, details: ContainerDetails, ctx: UseCaseContext): Promise<StatusResult> {
  const project = details.Config?.Labels?.[LABEL_COMPOSE_PROJECT];
  if (!project) return result;
  const members = await projectContainers(deps, project, ctx.signal);
  const services = members
    .filter((c) => c.labels[LABEL_COMPOSE_SERVICE] !== undefined)
    .map((c) => ({ name: c.labels[LABEL_COMPOSE_SERVICE], state: c.state, containerId: c.id }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ...result, composeProjectName: project, services };
}

const SERVICE_SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

/**
 * A TTY session in another running service of the dev container's Compose project ("Open Terminal in
 * Service..."): as the service's own user, in its working folder. The dev container `service` itself
 * goes through the normal session (remote user, workspace folder, remoteEnv).
 */
export async function openServiceSession(deps: CoreDeps, ref: WorkspaceRef, service: string, options: SessionOptions, ctx: UseCaseContext): Promise<InteractiveSession> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  if (loaded.config.kind !== 'compose') {
    throw new BerthError('usage', `The dev container of ${loaded.config.workspaceFolderHost} does not use Docker Compose; it has no service '${service}'`);
  }
  const dev = await findServiceContainer(deps, loaded, ctx.signal);
  const project = dev?.labels[LABEL_COMPOSE_PROJECT];
  if (!dev || !project) throw noContainer(loaded, 'running');
  const members = await projectContainers(deps, project, ctx.signal);
  const target = newest(members.filter((c) => c.labels[LABEL_COMPOSE_SERVICE] === service && c.state === 'running'));
  if (!target) {
    const running = members.filter((c) => c.state === 'running').map((c) => c.labels[LABEL_COMPOSE_SERVICE]);
    throw new BerthError('container-not-found', `The service '${service}' of Compose project ${project} is not running`, {
      hint: `Running services: ${running.join(', ') || 'none'}.`,
    });
  }
  const details = await deps.engine.inspectContainer(target.id, { signal: ctx.signal });
  return deps.engine.execInteractive(target.id, {
    cmd: options.cmd ?? ['/bin/sh', '-c', SERVICE_SHELL],
    user: details.Config?.User || undefined,
    workdir: options.cwd ?? (details.Config?.WorkingDir || '/'),
    env: { TERM: 'xterm-256color', ...options.env },
    cols: options.cols,
    rows: options.rows,
    signal: ctx.signal,
  });
}

/**
 * `build` for a Compose spec: `compose build` of the services `up` would start (those with a `build:`
 * section), and the dev container service's image as the result.
 */
export async function composeBuild(deps: CoreDeps, loaded: ReadConfigResult, options: BuildOptions, ctx: UseCaseContext): Promise<BuildResult> {
  const config = composeConfigOf(loaded);
  const run = await prepareRun(deps, loaded, ctx);
  const existing = await findServiceContainer(deps, loaded, ctx.signal);
  const project = existing?.labels[LABEL_COMPOSE_PROJECT] ?? (await chooseProjectName(deps, loaded, ctx));
  const { configYaml } = await validate(run, loaded, project, ctx);
  const services = servicesToStart(config);
  ctx.events({ type: 'phase', phase: 'building', detail: `compose build ${services.join(' ') || '(all services)'}` });
  const built = await compose(run, [...baseArgs(run, project), 'build', ...(options.noCache ? ['--no-cache'] : []), ...services], ctx);
  if (built.exitCode !== 0) throw new BerthError('build-failed', composeFailed(run, 'build', built).message, { output: composeErrorLines(built.stderr), hint: 'See the build output above.' });
  // Compose names an image without `image:` after the project and service (v1 `_`, v2 `-`).
  const image = serviceImage(configYaml, config.service) ?? builtImageName(run, project, config.service);
  const details = await deps.engine.inspectImage(image, { signal: ctx.signal });
  if (!details) {
    throw new BerthError('image-not-found', `The image ${image} of service '${config.service}' is not present after compose build`, {
      hint: 'A service without a build section uses a pulled image: pull it, or add a build section.',
    });
  }
  if (Object.keys(config.features).length === 0) return { outcome: 'success', imageName: [image], imageId: details.Id };
  // With Features, the image `up` runs: the Features on top of the service's image.
  const shared = featuresImageOptions(deps, config, ctx);
  const featured = await buildFeaturesImage({
    ...shared,
    tags: [...shared.tags, ...(options.imageNames ?? [])],
    baseImage: image,
    baseDetails: details,
    baseMetadata: metadataFromLabels(details.Config?.Labels ?? {}, image),
    noCache: options.noCache,
    writeLockfile: options.writeLockfile,
    frozenLockfile: options.frozenLockfile,
  });
  return { outcome: 'success', imageName: [featured.image], imageId: featured.details.Id };
}
