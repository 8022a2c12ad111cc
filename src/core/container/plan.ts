/**
 * Plans the dev container for an image or Dockerfile config: every `docker run` decision as one
 * ContainerCreateSpec (digest §6). Pure: the image's own Entrypoint/Cmd and the host facts come in
 * as options, so the whole plan is asserted in unit tests.
 */
import type { DockerfileConfig, ImageConfig } from '../config/types';
import type { Diagnostic } from '../errors';
import type { ContainerCreateSpec, EngineFacts, EngineMount } from '../engine/types';
import { LABEL_BERTH_MANAGED, LABEL_METADATA } from '../labels';
import { locationOf, type Locate } from './configError';
import { wantsGpu } from './hostRequirements';
import { keepAliveScript } from './keepAlive';
import { dedupeMounts, parseMount, parseMountString } from './mounts';
import { podmanRunOptions } from './podman';
import { appPortBindings, dedupePorts, forwardPortBindings } from './ports';
import { applyRunArgs, emptySpec } from './runArgs';

export { checkHostRequirements, type HostResources } from './hostRequirements';

/** What planContainer needs besides the config. */
export interface PlanContainerOptions {
  /** The image to run: the built Dockerfile image, the Features or UID image, or `config.image`. */
  image: string;
  /** `devcontainer.local_folder` / `devcontainer.config_file` (or the `--id-label`s). */
  idLabels: Record<string, string>;
  /** The `devcontainer.metadata` label value: JSON of the merged metadata entries. */
  metadataLabel: string;
  /** More labels, e.g. the build hash; applied after Berth's own. */
  extraLabels?: Record<string, string>;
  /** The host environment, for runArgs `-e NAME`. */
  hostEnv: Record<string, string | undefined>;
  /** The host OS (`process.platform`): Podman's rules apply on Linux (the reader made the mount choices). */
  platform?: string;
  /** The engine (`Engine.version()`): Podman gets its own options (podman.ts). Omitted means Docker. */
  engine?: EngineFacts;
  /** `Config.User` of the image, for Podman's keep-id decision (empty means root). */
  imageUser?: string;
  /** The image's Entrypoint and Cmd (from inspect), run after the keep-alive prelude when overrideCommand is false. */
  imageEntrypoint?: string[];
  imageCmd?: string[];
  /** Feature `entrypoint` lines from the merged metadata, run first in the container. */
  entrypoints?: string[];
  /** Whether the engine can give the container a GPU; with a gpu host requirement it gets all of them. */
  hostHasGpu?: boolean;
  /** Maps JSON paths (`runArgs[2]`, `mounts[0]`) to file:line:col for messages. */
  locate?: Locate;
  /** Receives warnings (ignored runArgs flags, forwardPorts that name another host). */
  onWarning?: (warning: Diagnostic) => void;
}

/** Plans the container; throws a `config-invalid` BerthError for a bad mount, port or runArgs flag. */
export function planContainer(config: ImageConfig | DockerfileConfig, options: PlanContainerOptions): ContainerCreateSpec {
  const warn = options.onWarning ?? (() => undefined);
  const spec = emptySpec(options.image);

  const mounts: EngineMount[] = [];
  if (config.workspaceMount) mounts.push(parseMountString(config.workspaceMount, { path: 'workspaceMount', locate: options.locate }));
  config.mounts.forEach((m, i) => mounts.push(parseMount(m, { path: `mounts[${i}]`, locate: options.locate })));
  spec.mounts = dedupeMounts(mounts);

  spec.labels = { ...options.idLabels, [LABEL_METADATA]: options.metadataLabel, [LABEL_BERTH_MANAGED]: 'true', ...options.extraLabels };
  spec.env = { ...config.containerEnv };
  if (config.containerUser) spec.user = config.containerUser;

  const forwarded = forwardPortBindings(config.forwardPorts, { locate: options.locate });
  for (const entry of forwarded.skipped) {
    warn({
      severity: 'warning',
      message: `forwardPorts: '${entry}' names another host; Berth publishes only this container's ports, so it is not forwarded`,
      location: locationOf({ path: 'forwardPorts', locate: options.locate }),
    });
  }
  spec.ports = dedupePorts([...appPortBindings(config.appPort, { locate: options.locate }), ...forwarded.bindings]);

  if (config.init) spec.init = true;
  if (config.privileged) spec.privileged = true;
  spec.capAdd = [...new Set(config.capAdd)];
  // Podman's options go first, so runArgs (`--userns`, `--security-opt`) still have the last word.
  const podman = podmanRunOptions({ engine: options.engine, platform: options.platform, remoteUser: config.remoteUser, runArgs: config.runArgs, imageUser: options.imageUser });
  spec.securityOpt = [...new Set([...podman.securityOpt, ...config.securityOpt])];
  if (podman.usernsMode) spec.extraHostConfig = { ...spec.extraHostConfig, UsernsMode: podman.usernsMode };
  if (wantsGpu(config.hostRequirements) && options.hostHasGpu) spec.gpus = { count: -1, capabilities: [['gpu']] };

  const entrypoints = options.entrypoints ?? [];
  const imageCommand = [...(options.imageEntrypoint ?? []), ...(options.imageCmd ?? [])];
  if (config.overrideCommand || entrypoints.length > 0 || imageCommand.length > 0) {
    spec.entrypoint = ['/bin/sh'];
    spec.cmd = ['-c', keepAliveScript(entrypoints), '-', ...(config.overrideCommand ? [] : imageCommand)];
  }
  // overrideCommand false with nothing to add: leave Entrypoint/Cmd unset so the image's own run.

  const applied = applyRunArgs(spec, config.runArgs, { hostEnv: options.hostEnv, locate: options.locate });
  applied.warnings.forEach(warn);
  applied.spec.capAdd = normalizeCapabilities(applied.spec.capAdd);
  return applied.spec;
}

/**
 * `NET_ADMIN`, `net_admin` and `CAP_NET_ADMIN` are one capability; the engine takes either form, and
 * the Docker CLI sends the `CAP_` one, so containers look the same whichever tool made them.
 */
export function normalizeCapabilities(caps: readonly string[]): string[] {
  const out = caps.map((c) => {
    const upper = c.trim().toUpperCase();
    return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  });
  return [...new Set(out)];
}
