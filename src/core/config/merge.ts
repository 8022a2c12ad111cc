/**
 * Merging metadata entries (base image, Features, devcontainer.json, in that order) into one
 * configuration, by the rules of SPEC-DIGEST §4.
 */
import {
  CONTAINER_HOOKS,
  type ContainerHookName,
  type HookSource,
  type HostRequirements,
  type MetadataEntry,
  type MountObject,
  type PortAttributes,
  type DevContainerJson,
} from './types';

/** The result of merging metadata entries. Unset "last wins" properties stay undefined. */
export interface MergedConfiguration {
  init: boolean;
  privileged: boolean;
  capAdd: string[];
  securityOpt: string[];
  /** Feature entrypoints, in order. */
  entrypoints: string[];
  /** One per target; the last entry's mount wins, at its position. */
  mounts: (string | MountObject)[];
  forwardPorts: (number | string)[];
  remoteEnv: Record<string, string | null>;
  containerEnv: Record<string, string>;
  portsAttributes: Record<string, PortAttributes>;
  otherPortsAttributes?: PortAttributes;
  waitFor?: DevContainerJson['waitFor'];
  remoteUser?: string;
  containerUser?: string;
  userEnvProbe?: DevContainerJson['userEnvProbe'];
  shutdownAction?: DevContainerJson['shutdownAction'];
  overrideCommand?: boolean;
  updateRemoteUserUID?: boolean;
  hostRequirements?: HostRequirements;
  /** Per tool key, each entry's value in order. */
  customizations: Record<string, unknown[]>;
  /** Each in-container hook, in metadata order, with where it came from. */
  hooks: Record<ContainerHookName, HookSource[]>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Object.assign, but defining properties, so a `__proto__` key from a label stays a plain key. */
function assignOwn<T>(target: Record<string, T>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) Object.defineProperty(target, k, { value: v as T, enumerable: true, writable: true, configurable: true });
}

/** The target of a mount, for deduplication: `target=`, `dst=` or `destination=` in the string form. */
export function mountTarget(mount: string | MountObject): string | undefined {
  if (typeof mount !== 'string') return typeof mount?.target === 'string' ? mount.target : undefined;
  // Parts holding a ',' are quoted whole (`"source=/a,b"`), as the default workspace mount writes them.
  for (const quoted of mount.match(/(?:"[^"]*"|[^,])+/g) ?? []) {
    const part = quoted.trim().replace(/^"(.*)"$/, '$1');
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key === 'target' || key === 'dst' || key === 'destination') return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `3000` and `"localhost:3000"` are the same forwarded port. */
function portKey(port: number | string): string {
  const s = String(port);
  return /^\d+$/.test(s) ? `localhost:${s}` : s;
}

const SIZE_UNITS: Record<string, number> = { tb: 2 ** 40, gb: 2 ** 30, mb: 2 ** 20, kb: 2 ** 10 };

/** Bytes of a `hostRequirements` size (`8gb`, `512mb`, `1024`); undefined when unreadable. */
export function parseByteSize(size: string | undefined): number | undefined {
  const m = typeof size === 'string' ? /^(\d+(?:\.\d+)?)\s*([tgmk]b)?$/i.exec(size.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? SIZE_UNITS[m[2].toLowerCase()] : 1);
}

function maxSize(a: string | undefined, b: string | undefined): string | undefined {
  const bytesA = parseByteSize(a);
  const bytesB = parseByteSize(b);
  if (bytesB === undefined) return a;
  if (bytesA === undefined) return b;
  return bytesB > bytesA ? b : a;
}

function gpuRank(g: HostRequirements['gpu']): number {
  if (g === undefined || g === false) return 0;
  if (g === 'optional') return 1;
  return 2;
}

function mergeHostRequirements(all: HostRequirements[]): HostRequirements | undefined {
  if (all.length === 0) return undefined;
  const out: HostRequirements = {};
  for (const h of all) {
    if (typeof h.cpus === 'number') out.cpus = Math.max(out.cpus ?? 0, h.cpus);
    const memory = maxSize(out.memory, h.memory);
    if (memory !== undefined) out.memory = memory;
    const storage = maxSize(out.storage, h.storage);
    if (storage !== undefined) out.storage = storage;
    if (gpuRank(h.gpu) > gpuRank(out.gpu) || (gpuRank(h.gpu) === 2 && isObject(h.gpu))) out.gpu = h.gpu;
  }
  return out;
}

/**
 * Merges metadata entries in order. `origins[i]` names where entry i came from for hook messages
 * (default: the entry's Feature `id`, else `image metadata`).
 */
export function mergeConfiguration(entries: MetadataEntry[], origins: (string | undefined)[] = []): MergedConfiguration {
  const hooks = Object.fromEntries(CONTAINER_HOOKS.map((h) => [h, [] as HookSource[]])) as Record<ContainerHookName, HookSource[]>;
  const merged: MergedConfiguration = {
    init: false,
    privileged: false,
    capAdd: [],
    securityOpt: [],
    entrypoints: [],
    mounts: [],
    forwardPorts: [],
    remoteEnv: {},
    containerEnv: {},
    portsAttributes: {},
    customizations: {},
    hooks,
  };
  const allMounts: (string | MountObject)[] = [];
  const seenPorts = new Set<string>();
  const hostRequirements: HostRequirements[] = [];
  entries.forEach((e, i) => {
    const origin = origins[i] ?? (typeof e.id === 'string' ? e.id : 'image metadata');
    if (e.init === true) merged.init = true;
    if (e.privileged === true) merged.privileged = true;
    for (const c of Array.isArray(e.capAdd) ? e.capAdd : []) if (!merged.capAdd.includes(c)) merged.capAdd.push(c);
    for (const o of Array.isArray(e.securityOpt) ? e.securityOpt : []) if (!merged.securityOpt.includes(o)) merged.securityOpt.push(o);
    if (typeof e.entrypoint === 'string' && e.entrypoint) merged.entrypoints.push(e.entrypoint);
    if (Array.isArray(e.mounts)) allMounts.push(...e.mounts);
    for (const p of Array.isArray(e.forwardPorts) ? e.forwardPorts : []) {
      const key = portKey(p);
      if (!seenPorts.has(key)) {
        seenPorts.add(key);
        merged.forwardPorts.push(p);
      }
    }
    if (isObject(e.remoteEnv)) assignOwn(merged.remoteEnv, e.remoteEnv);
    if (isObject(e.containerEnv)) assignOwn(merged.containerEnv, e.containerEnv);
    if (isObject(e.portsAttributes)) assignOwn(merged.portsAttributes, e.portsAttributes);
    // "Last truthy wins": an empty string or absent value does not override an earlier one.
    if (e.otherPortsAttributes) merged.otherPortsAttributes = e.otherPortsAttributes;
    if (e.waitFor) merged.waitFor = e.waitFor;
    if (e.remoteUser) merged.remoteUser = e.remoteUser;
    if (e.containerUser) merged.containerUser = e.containerUser;
    if (e.userEnvProbe) merged.userEnvProbe = e.userEnvProbe;
    if (e.shutdownAction) merged.shutdownAction = e.shutdownAction;
    if (typeof e.overrideCommand === 'boolean') merged.overrideCommand = e.overrideCommand;
    if (typeof e.updateRemoteUserUID === 'boolean') merged.updateRemoteUserUID = e.updateRemoteUserUID;
    if (isObject(e.hostRequirements)) hostRequirements.push(e.hostRequirements);
    if (isObject(e.customizations)) {
      for (const [tool, value] of Object.entries(e.customizations)) {
        if (!Object.prototype.hasOwnProperty.call(merged.customizations, tool)) assignOwn(merged.customizations, { [tool]: [] });
        merged.customizations[tool].push(value);
      }
    }
    for (const hook of CONTAINER_HOOKS) {
      const command = e[hook];
      if (command !== undefined && command !== null && command !== '') hooks[hook].push({ origin, command });
    }
  });
  merged.mounts = dedupeMounts(allMounts);
  const hr = mergeHostRequirements(hostRequirements);
  if (hr) merged.hostRequirements = hr;
  return merged;
}

/** One mount per target: the last one wins, and keeps its own position. */
export function dedupeMounts(mounts: (string | MountObject)[]): (string | MountObject)[] {
  const seen = new Set<string>();
  const kept: (string | MountObject)[] = [];
  for (let i = mounts.length - 1; i >= 0; i--) {
    const target = mountTarget(mounts[i]);
    if (target !== undefined) {
      if (seen.has(target)) continue;
      seen.add(target);
    }
    kept.push(mounts[i]);
  }
  return kept.reverse();
}
