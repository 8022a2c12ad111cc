/**
 * `up`: from a spec to a running dev container with its hooks run. Reuses the workspace's container
 * when it runs, starts it when stopped, and otherwise builds (or finds) the image and creates one.
 * With removeExistingContainer the new image is built first and the old container removed only then,
 * so a failed rebuild leaves the last working container in place.
 */
import { configToMetadataEntry, mergeWithImageMetadata, type ReadConfigResult } from '../config';
import type { MetadataEntry } from '../config/types';
import { locateInSpec } from '../container/configError';
import { planContainer } from '../container/plan';
import { pickFreePorts } from '../container/ports';
import { isHostPortFree } from '../container/hostPort';
import { checkHostRequirements } from '../container/hostRequirements';
import { diffBuildInputs, parseBuildInputsLabel, computeBuildInputs } from '../container/drift';
import type { ContainerDetails } from '../engine/types';
import { formatDiagnostic } from '../errors';
import { LABEL_BERTH_BUILD_INPUTS } from '../labels';
import { PROFILE_SETUP, prepareNewContainer } from '../lifecycle/containerSetup';
import { runInitializeCommand } from '../lifecycle/initialize';
import { markerDirFor, readMarkers, type MarkerState } from '../lifecycle/markers';
import { planLifecycle, type ContainerReason } from '../lifecycle/plan';
import { runLifecycle, type PendingProbe } from '../lifecycle/run';
import { probeUserEnv } from '../lifecycle/userEnv';
import { composeUp } from './compose';
import type { CoreDeps } from './deps';
import { buildInputLabels, composeNotSupported, prepareBaseImage, withUidLayer } from './image';
import { withWorkspaceLock } from './lock';
import type { UpOptions, UpResult, UseCaseContext } from './types';
import {
  cachedProbe,
  configForContainer,
  findWorkspaceContainer,
  loadWorkspace,
  rememberProbe,
  remoteEnvOver,
  remoteUserOf,
  substitutedEntries,
  type AttachContext,
} from './workspace';

export async function up(deps: CoreDeps, options: UpOptions, ctx: UseCaseContext): Promise<UpResult> {
  const loaded = await loadWorkspace(options, deps, ctx);
  // initializeCommand runs on the host on every up, before anything else (as in the reference CLI).
  if (loaded.config.initializeCommand !== undefined) {
    ctx.events({ type: 'phase', phase: 'initialize' });
    await runInitializeCommand(loaded.config.initializeCommand, {
      cwd: loaded.config.workspaceFolderHost,
      env: ctx.env,
      events: ctx.events,
      signal: ctx.signal,
      platform: deps.platform,
    });
  }
  if (loaded.config.kind !== 'compose' && !options.removeExistingContainer) {
    const reused = await reuseSettled(deps, loaded, options, ctx);
    if (reused) return reused;
  }
  return withWorkspaceLock(deps.lockDir, loaded.devcontainerId, ctx, () => upLocked(deps, loaded, options, ctx));
}

/**
 * The common case without the lock: the container runs and every hook of this start has finished
 * (recorded in the session cache), so there is nothing to wait for or to race with. Anything else
 * (a container to create or start, hooks still to run or running) goes through the lock.
 */
async function reuseSettled(deps: CoreDeps, loaded: ReadConfigResult, options: UpOptions, ctx: UseCaseContext): Promise<UpResult | undefined> {
  const existing = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (existing?.state !== 'running') return undefined;
  const details = await deps.engine.inspectContainer(existing.id, { signal: ctx.signal });
  const config = configForContainer(loaded, details);
  const entry = await deps.sessions.load(details.Id, details.State.StartedAt);
  const postAttach = config.hooks.postAttachCommand.length > 0 && !options.skipPostAttach;
  if (!details.State.Running || entry.hooksSettled !== true || postAttach) return undefined;
  ctx.events({ type: 'container', containerId: details.Id, state: 'reused' });
  await reportDrift(loaded, details, ctx);
  ctx.events({ type: 'phase', phase: 'ready' });
  return { outcome: 'success', containerId: details.Id, remoteUser: remoteUserOf(config, details), remoteWorkspaceFolder: config.workspaceFolder, action: 'reused' };
}

async function upLocked(deps: CoreDeps, loaded: ReadConfigResult, options: UpOptions, ctx: UseCaseContext): Promise<UpResult> {
  if (loaded.config.kind === 'compose') return composeUp(deps, loaded, options, ctx);
  const { engine } = deps;
  const existing = await findWorkspaceContainer(engine, loaded.idLabels, ctx.signal);

  let reason: ContainerReason;
  let details: ContainerDetails;
  if (existing && !options.removeExistingContainer) {
    if (existing.state === 'running') {
      reason = 'reused';
    } else {
      ctx.events({ type: 'phase', phase: 'starting' });
      await engine.startContainer(existing.id, { signal: ctx.signal });
      reason = 'started';
    }
    details = await engine.inspectContainer(existing.id, { signal: ctx.signal });
    ctx.events({ type: 'container', containerId: existing.id, state: reason === 'reused' ? 'reused' : 'started' });
    await reportDrift(loaded, details, ctx);
  } else {
    details = await createContainer(deps, loaded, options, existing?.id, ctx);
    reason = 'created';
  }

  const { user, config } = await runHooks(deps, loaded, details, reason, options, ctx);
  ctx.events({ type: 'phase', phase: 'ready' });
  return {
    outcome: 'success',
    containerId: details.Id,
    remoteUser: user,
    remoteWorkspaceFolder: config.workspaceFolder,
    action: reason,
  };
}

async function createContainer(
  deps: CoreDeps,
  loaded: ReadConfigResult,
  options: UpOptions,
  replacing: string | undefined,
  ctx: UseCaseContext,
): Promise<ContainerDetails> {
  const { engine } = deps;
  // Podman on Linux gets options of its own (container/podman.ts). Asked now, answered during the
  // image work; an engine that will not say is planned for as Docker.
  const engineFacts = deps.platform === 'linux'
    ? engine.facts({ signal: ctx.signal }).catch((e: unknown) => {
      ctx.events({ type: 'log', level: 'debug', message: `engine kind unknown (${String(e)}); planning for Docker`, component: 'container' });
      return undefined;
    })
    : Promise.resolve(undefined);
  const base = await prepareBaseImage(deps, loaded, { noCache: options.buildNoCache, writeLockfile: options.writeLockfile, frozenLockfile: options.frozenLockfile }, ctx);
  // The container's label: the image's entries, then this spec's own (raw values, as the reference CLI).
  const entries: MetadataEntry[] = [...base.metadata, configToMetadataEntry(loaded.written)];
  const config = mergeWithImageMetadata(loaded.config, substitutedEntries(loaded, base.metadata));
  if (config.kind === 'compose') throw composeNotSupported(config);
  for (const warning of checkHostRequirements(config.hostRequirements, { cpus: deps.host.cpus, memoryBytes: deps.host.memoryBytes })) {
    ctx.events({ type: 'log', level: 'warn', message: warning, component: 'host' });
  }
  const image = await withUidLayer(deps, config, base, ctx);

  const spec = planContainer(config, {
    image,
    idLabels: loaded.idLabels,
    metadataLabel: JSON.stringify(entries),
    extraLabels: buildInputLabels(base.buildInputs),
    hostEnv: ctx.env,
    platform: deps.platform,
    engine: await engineFacts,
    imageUser: base.details.Config?.User ?? '',
    imageEntrypoint: asList(base.details.Config?.Entrypoint),
    imageCmd: asList(base.details.Config?.Cmd),
    entrypoints: config.entrypoints,
    onWarning: (d) => ctx.events({ type: 'log', level: 'warn', message: formatDiagnostic(d), component: 'container' }),
    // Planner errors (a bad runArgs flag, mount or port) name their line in devcontainer.json.
    locate: locateInSpec(loaded.locate, loaded.raw, config),
  });

  // Swap only now that the new image is ready: a failed build above kept the old container.
  if (replacing) {
    ctx.events({ type: 'phase', phase: 'removing', detail: 'the previous container' });
    await engine.removeContainer(replacing, { force: true, signal: ctx.signal });
    await deps.sessions.forget(replacing);
    ctx.events({ type: 'container', containerId: replacing, state: 'removed' });
  }

  const ports = await pickFreePorts(spec.ports, isHostPortFree);
  spec.ports = ports.bindings;
  for (const note of ports.notes) ctx.events({ type: 'log', level: 'warn', message: note, component: 'ports' });

  ctx.events({ type: 'phase', phase: 'creating' });
  const id = await engine.createContainer(spec, ctx.signal);
  ctx.events({ type: 'container', containerId: id, state: 'created' });
  ctx.events({ type: 'phase', phase: 'starting' });
  await engine.startContainer(id, { signal: ctx.signal });
  ctx.events({ type: 'container', containerId: id, state: 'started' });
  // /etc/profile is prepared in runHooks, where it can share the env probe's exec.
  const details = await engine.inspectContainer(id, { signal: ctx.signal });
  for (const [port, bindings] of Object.entries(details.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) {
      ctx.events({ type: 'port', containerPort: Number.parseInt(port, 10), hostIp: b.HostIp, hostPort: Number.parseInt(b.HostPort, 10) });
    }
  }
  return details;
}

/** An image's Entrypoint or Cmd (a string or a list, or unset) as a list. */
export function asList(value: string | string[] | undefined | null): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : [value];
}

/**
 * Runs the hooks the plan calls for. Markers are read in one exec, and only when a hook could run.
 * When the env probe is due (a new or restarted container), it runs in the first hook's exec.
 * Returns the remote user and the config as they apply to this container.
 */
export async function runHooks(
  deps: CoreDeps,
  loaded: ReadConfigResult,
  details: ContainerDetails,
  reason: ContainerReason,
  options: UpOptions,
  ctx: UseCaseContext,
): Promise<Pick<AttachContext, 'user' | 'config'>> {
  const config = configForContainer(loaded, details);
  const user = remoteUserOf(config, details);
  const mode = config.userEnvProbe;
  const hooksDefined = Object.values(config.hooks).some((list) => list.length > 0);
  // A new container's /etc/profile must keep its PATH before any login shell runs (the env probe is
  // one). As root, that rides on the probe's own exec; otherwise it takes an exec of its own.
  const setupInProbe = reason === 'created' && hooksDefined && mode !== 'none' && (user === 'root' || user === '0');
  if (reason === 'created' && !setupInProbe) await prepareNewContainer(deps.engine, details.Id, ctx.events, ctx.signal);
  const entry = await deps.sessions.load(details.Id, details.State.StartedAt);
  // A running container whose hooks all finished in this start (recorded below) needs no marker read.
  const settled = reason === 'reused' && entry.hooksSettled === true && config.hooks.postAttachCommand.length === 0;
  if (!hooksDefined || settled) return { user, config };

  const cached = cachedProbe(entry, user, mode);
  const known = cached === undefined ? undefined : remoteEnvOver(details, config, cached);
  const markersOf = () => readMarkers(deps.engine, details.Id, { user, signal: ctx.signal });
  // A container made by this up has no markers yet: one exec less. Its user's home comes from the
  // env (the marker read is the fallback when that has no HOME).
  const fromHome = (env: Record<string, string>) => (env.HOME ? { markerDir: markerDirFor(env.HOME), home: env.HOME } : undefined);
  let where: { markers: MarkerState['markers']; markerDir?: string; home?: string } | undefined;
  if (reason !== 'created') where = await markersOf();
  else if (known) where = { ...(fromHome(known) ?? (await markersOf())), markers: {} };
  // Else a new container whose probe is due: the marker folder comes with the probed HOME (resolve).
  let remembered: Promise<void> = Promise.resolve();
  const probe: PendingProbe | undefined =
    known !== undefined
      ? undefined
      : {
        options: { user, mode, events: ctx.events, setup: setupInProbe ? PROFILE_SETUP : undefined, probeWorkdir: details.Config?.WorkingDir },
        resolve: async (probed) => {
          // Saved while the hook runs (awaited before the settled mark below, which rewrites the entry).
          remembered = rememberProbe(deps, details, user, mode, probed);
          const env = remoteEnvOver(details, config, probed);
          const place = where ?? fromHome(env) ?? (await markersOf());
          return { env, markerDir: place.markerDir, home: place.home };
        },
      };
  const plan = planLifecycle({
    hooks: config.hooks,
    waitFor: config.waitFor,
    reason,
    markers: where?.markers ?? {},
    containerCreatedAt: details.Created,
    containerStartedAt: details.State.StartedAt,
    skipPostAttach: options.skipPostAttach,
    skipNonBlocking: options.skipNonBlockingCommands,
  });
  for (const s of plan.skipped) ctx.events({ type: 'hook', hook: s.hook, state: 'skipped', reason: s.reason });
  if (plan.steps.length > 0) {
    ctx.events({ type: 'phase', phase: 'running-hooks' });
    await runLifecycle(plan, {
      exec: deps.engine,
      containerId: details.Id,
      user,
      workdir: config.workspaceFolder,
      home: where?.home,
      env: known,
      events: ctx.events,
      signal: ctx.signal,
      markerDir: where?.markerDir,
      probe,
    });
  } else if (probe) {
    // Nothing to run now, but the probe still does its work: the PATH setup, and the env later execs reuse.
    await probe.resolve(await probeUserEnv(deps.engine, details.Id, { ...probe.options, signal: ctx.signal }));
  }
  await remembered;
  if (!options.skipNonBlockingCommands) {
    const fresh = await deps.sessions.load(details.Id, details.State.StartedAt);
    fresh.hooksSettled = true;
    await deps.sessions.save(fresh);
  }
  return { user, config };
}

/** Tells the user when the spec's build inputs changed since the container was made. */
async function reportDrift(loaded: ReadConfigResult, details: ContainerDetails, ctx: UseCaseContext): Promise<void> {
  const old = parseBuildInputsLabel(details.Config?.Labels?.[LABEL_BERTH_BUILD_INPUTS]);
  if (!old) return;
  const now = await computeBuildInputs(loaded.config);
  const changed = diffBuildInputs(old, now.inputs).filter((d) => d.needsRebuild);
  if (changed.length === 0) return;
  ctx.events({
    type: 'log',
    level: 'warn',
    message: `The spec changed since this container was made (${changed.map((d) => d.input).join(', ')}): rebuild to apply it (berth up --remove-existing-container, or Berth: Rebuild).`,
    component: 'drift',
  });
}
