/**
 * The override compose file Berth adds after the user's files (`-f … -f <override>`): it gives the
 * dev container `service` the spec's labels, the workspace mount, the keep-alive entrypoint,
 * containerEnv, mounts and the security options. Written as JSON (every JSON text is YAML), outside
 * the workspace, so the repository is never touched.
 */
import type { ComposeConfig } from '../config/types';
import { keepAliveScript } from '../container/keepAlive';
import type { EngineMount, PortBinding } from '../engine/types';
import { LABEL_BERTH_MANAGED, LABEL_METADATA } from '../labels';

export interface OverrideInput {
  config: ComposeConfig;
  /** devcontainer.local_folder / config_file (or the `--id-label`s). */
  idLabels: Record<string, string>;
  /** JSON of the `devcontainer.metadata` entries. */
  metadataLabel: string;
  /** The workspace mount to add, if any (see composeWorkspaceMount). */
  workspaceMount?: EngineMount;
  /** The spec's `mounts`, parsed and deduped. */
  mounts: EngineMount[];
  /** `version:` of the first compose file, when it has one (`3.8`); decides how named volumes are declared. */
  fileVersion?: string;
  /** Ports to publish, per service (appPort and forwardPorts; `db:5432` entries go to `db`). */
  ports?: Record<string, PortBinding[]>;
  /** The image the service runs instead of its own (the Features image on top of it). */
  image?: string;
  /**
   * The service's own entrypoint and command (from the compose files, else its image), for Feature
   * entrypoints without overrideCommand: those run first, then this entrypoint with this command.
   */
  serviceArgv?: { entrypoint: string[]; command: string[] };
}

/** Runs Feature entrypoint command lines (the caller drops empty ones), then the argv it is given (`sh -c script - argv...`). */
export function featureEntrypointScript(entrypoints: readonly string[]): string {
  return [...entrypoints, 'exec "$@"'].join('\n');
}

/** `ip:host:container/proto` (host empty: the engine picks). IPv6 addresses are bracketed. */
export function publishSpec(b: PortBinding): string {
  const ip = b.hostIp.includes(':') ? `[${b.hostIp}]` : b.hostIp;
  return `${ip}:${b.hostPort ?? ''}:${b.containerPort}/${b.protocol}`;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Compose interpolates `$VAR` in every value: `$` is doubled so values arrive as written. */
export function escapeDollars<T extends Json>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map((v) => escapeDollars(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeDollars(v);
    return out as T;
  }
  return value;
}

/** `source:target[:ro]`, the volume form every Compose file version accepts. */
function shortVolume(m: EngineMount): string {
  return `${m.source ?? ''}:${m.target}${m.readOnly ? ':ro' : ''}`;
}

/** Named volumes need a top-level declaration; `name:` keeps the name unprefixed (file versions 2.1+/3.4+). */
function namedVolumeDeclaration(fileVersion: string | undefined): { [key: string]: Json } {
  if (fileVersion === undefined) return {};
  const [major, minor = 0] = fileVersion.split('.').map((n) => Number.parseInt(n, 10));
  const hasName = major >= 4 || (major === 3 && minor >= 4) || (major === 2 && minor >= 1);
  return hasName ? {} : { external: true };
}

/** The override file as an object (serialise with JSON.stringify). */
export function composeOverride(input: OverrideInput): { [key: string]: Json } {
  const { config } = input;
  const service: { [key: string]: Json } = {};
  if (input.image) service.image = input.image;
  const entrypoints = (config.entrypoints ?? []).filter((e) => e.trim() !== '');
  if (config.overrideCommand) {
    service.entrypoint = ['/bin/sh', '-c', keepAliveScript(config.entrypoints ?? []), '-'];
    service.command = [];
  } else if (entrypoints.length > 0 && input.serviceArgv) {
    // A new entrypoint drops the image's command: the service's is given again.
    service.entrypoint = ['/bin/sh', '-c', featureEntrypointScript(entrypoints), '-', ...input.serviceArgv.entrypoint];
    service.command = [...input.serviceArgv.command];
  }
  service.labels = { ...input.idLabels, [LABEL_METADATA]: input.metadataLabel, [LABEL_BERTH_MANAGED]: 'true' };
  if (Object.keys(config.containerEnv).length > 0) service.environment = { ...config.containerEnv };
  if (config.init) service.init = true;
  if (config.privileged) service.privileged = true;
  if (config.capAdd.length > 0) service.cap_add = [...config.capAdd];
  if (config.securityOpt.length > 0) service.security_opt = [...config.securityOpt];

  const all = input.workspaceMount ? [input.workspaceMount, ...input.mounts] : input.mounts;
  const volumes: string[] = [];
  const tmpfs: string[] = [];
  const named: { [key: string]: Json } = {};
  for (const m of all) {
    if (m.type === 'tmpfs') {
      tmpfs.push(m.target);
      continue;
    }
    // An anonymous volume (no source) is just its target.
    volumes.push(m.source ? shortVolume(m) : m.target);
    if (m.type === 'volume' && m.source) {
      const decl = namedVolumeDeclaration(input.fileVersion);
      named[m.source] = decl.external ? decl : { name: m.source };
    }
  }
  if (volumes.length > 0) service.volumes = volumes;
  if (tmpfs.length > 0) service.tmpfs = tmpfs;

  const services: { [key: string]: { [key: string]: Json } } = { [config.service]: service };
  for (const [name, bindings] of Object.entries(input.ports ?? {})) {
    if (bindings.length === 0) continue;
    services[name] ??= {};
    services[name].ports = bindings.map(publishSpec);
  }
  const file: { [key: string]: Json } = { services };
  if (input.fileVersion !== undefined) file.version = input.fileVersion;
  if (Object.keys(named).length > 0) file.volumes = named;
  return escapeDollars(file);
}

/** `version:` of a compose file's text, when it sets one. */
export function composeFileVersion(text: string): string | undefined {
  const m = /^version:[ \t]*['"]?([0-9.]+)['"]?/m.exec(text);
  return m?.[1];
}
