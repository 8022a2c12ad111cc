/**
 * `customizations.berth.production` read into the settings Berth builds and runs the production
 * image with. The schema has checked the types already; this checks what a schema cannot say
 * (a healthcheck names a path or a command, its port is published) and applies defaults.
 */
import type { ResolvedConfig } from '../config/types';
import { configError, type Locate, type ValueOrigin } from '../container/configError';
import type { PortBinding } from '../engine/types';

/** How `runProduction` decides the container is healthy. */
export type HealthcheckProbe =
  | { kind: 'http'; path: string; /** Container port; its published host port is probed. */ port: number }
  | { kind: 'command'; cmd: string[] };

export interface HealthcheckSettings {
  probe: HealthcheckProbe;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
}

/** The production section with defaults applied. */
export interface ProductionSettings {
  /** Dockerfile stage; undefined: the last stage. */
  target?: string;
  /** undefined: the dev image name + `-prod`. */
  imageName?: string;
  buildArgs: Record<string, string>;
  /** Always published on 127.0.0.1. */
  ports: PortBinding[];
  env: Record<string, string>;
  /** argv replacing the image's CMD; undefined keeps it. */
  command?: string[];
  healthcheck?: HealthcheckSettings;
  /** Whether devcontainer.json has the section at all (else everything above is a default). */
  declared: boolean;
}

export const HEALTH_DEFAULTS = { intervalMs: 1_000, timeoutMs: 3_000, retries: 30 } as const;
const SECTION = 'customizations.berth.production';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A command as written: a string runs through `/bin/sh -c`, an array is argv. */
export function commandArgv(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : ['/bin/sh', '-c', value];
  if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'string')) return value as string[];
  return undefined;
}

/** `3000`, `"3000"`, `"8080:3000"`, `"0:3000/udp"` → a binding on 127.0.0.1 (host port 0: the engine picks). */
export function parseProductionPort(value: unknown, origin?: ValueOrigin): PortBinding {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(text);
  const host = m?.[1] === undefined ? undefined : Number(m[1]);
  const container = m ? Number(m[2]) : NaN;
  if (!m || container < 1 || container > 65535 || (host !== undefined && host > 65535)) {
    throw configError(`${origin?.path ?? SECTION + '.ports'}: '${String(value)}' is not a port; write 3000, "8080:3000" or "0:3000"`, origin);
  }
  return {
    containerPort: container,
    protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp',
    hostIp: '127.0.0.1',
    // Unlike dev ports, production ports keep their number on the host unless told otherwise.
    hostPort: host === undefined ? container : host === 0 ? undefined : host,
  };
}

function seconds(v: unknown, fallbackMs: number): number {
  return typeof v === 'number' && v > 0 ? Math.round(v * 1000) : fallbackMs;
}

/** Reads `healthcheck`; `ports` decides the default HTTP port. */
export function parseHealthcheck(value: unknown, ports: PortBinding[], locate?: Locate): HealthcheckSettings | undefined {
  if (value === undefined) return undefined;
  const path = `${SECTION}.healthcheck`;
  const origin = (p: string): ValueOrigin => ({ path: p ? `${path}.${p}` : path, locate });
  if (!isRecord(value)) throw configError(`${path} must be an object with a "path" (HTTP) or a "command"`, origin(''));
  const hasPath = value.path !== undefined;
  const cmd = commandArgv(value.command);
  if (hasPath && value.command !== undefined) {
    throw configError(`${path} has both "path" and "command"; give one`, origin('command'), 'An HTTP check needs "path" and "port"; a command check needs only "command".');
  }
  let probe: HealthcheckProbe;
  if (hasPath) {
    if (typeof value.path !== 'string' || !value.path.startsWith('/')) throw configError(`${path}.path must start with '/'`, origin('path'));
    const port = typeof value.port === 'number' ? value.port : ports.find((p) => p.protocol === 'tcp')?.containerPort;
    if (port === undefined) {
      throw configError(`${path} checks HTTP but names no "port" and ${SECTION}.ports publishes none`, origin('port'), 'Add "port": <container port> and list it in "ports".');
    }
    if (!ports.some((p) => p.containerPort === port && p.protocol === 'tcp')) {
      throw configError(`${path}.port ${port} is not published; add it to ${SECTION}.ports`, origin('port'), 'The HTTP check reaches the container through its published port on 127.0.0.1.');
    }
    probe = { kind: 'http', path: value.path, port };
  } else if (cmd) {
    probe = { kind: 'command', cmd };
  } else {
    throw configError(`${path} needs a "path" (HTTP GET on a published port) or a "command" (run in the container)`, origin(''));
  }
  const retries = typeof value.retries === 'number' && value.retries >= 1 ? Math.floor(value.retries) : HEALTH_DEFAULTS.retries;
  return {
    probe,
    intervalMs: seconds(value.interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: seconds(value.timeout, HEALTH_DEFAULTS.timeoutMs),
    retries,
  };
}

/** The production settings of a spec; defaults (last stage, no ports) when it has no section. */
export function readProductionSettings(config: Pick<ResolvedConfig, 'customizations'>, locate?: Locate): ProductionSettings {
  const berth = config.customizations?.berth;
  const section = isRecord(berth) ? berth.production : undefined;
  if (!isRecord(section)) return { buildArgs: {}, ports: [], env: {}, declared: false };
  const rawPorts = Array.isArray(section.ports) ? section.ports : [];
  const ports = rawPorts.map((p, i) => parseProductionPort(p, { path: `${SECTION}.ports[${i}]`, locate }));
  return {
    target: typeof section.target === 'string' && section.target !== '' ? section.target : undefined,
    imageName: typeof section.imageName === 'string' && section.imageName !== '' ? section.imageName : undefined,
    buildArgs: stringRecord(section.buildArgs),
    ports,
    env: stringRecord(section.env),
    command: commandArgv(section.command),
    healthcheck: parseHealthcheck(section.healthcheck, ports, locate),
    declared: true,
  };
}
