/**
 * Published ports: `appPort`, `forwardPorts` and `-p` in runArgs, all as PortBinding. Berth binds
 * 127.0.0.1 unless an address is written, so a dev server is never exposed to the network by accident.
 */
import { BerthError } from '../errors';
import type { PortBinding } from '../engine/types';
import { configError, type ValueOrigin } from './configError';

export const DEFAULT_HOST_IP = '127.0.0.1';

const PUBLISH_HINT = 'Write a port as "[ip:][hostPort:]containerPort[/tcp|udp]", e.g. "127.0.0.1:8080:80".';

function parsePortRange(text: string, what: string, written: string, origin?: ValueOrigin): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) {
    throw configError(`port '${written}': ${what} '${text}' is not a port (1-65535) or range`, origin, PUBLISH_HINT);
  }
  return [lo, hi];
}

/**
 * Parses one `-p` value, `[ip:][hostPort:]containerPort[/proto]` with optional equal-length ranges
 * (`8000-8002:8000-8002`), into one binding per container port. `[::1]:8080:80` takes IPv6.
 */
export function parsePublish(text: string, origin?: ValueOrigin, defaultHostIp = DEFAULT_HOST_IP): PortBinding[] {
  let rest = text.trim();
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp') {
      throw configError(`port '${text}': protocol '${proto}' is not supported (tcp or udp)`, origin, PUBLISH_HINT);
    }
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let ip: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close < 0) throw configError(`port '${text}': an IPv6 address must be followed by ':port'`, origin, PUBLISH_HINT);
    ip = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  let hostPart: string | undefined;
  let containerPart: string;
  if (parts.length === 1) {
    containerPart = parts[0];
  } else if (parts.length === 2) {
    [hostPart, containerPart] = parts;
  } else if (parts.length === 3 && ip === undefined) {
    [ip, hostPart, containerPart] = parts;
  } else {
    throw configError(`port '${text}' has too many ':' parts (write IPv6 addresses in brackets)`, origin, PUBLISH_HINT);
  }
  const [cLo, cHi] = parsePortRange(containerPart, 'container port', text, origin);
  const hostIp = ip || defaultHostIp;
  if (hostPart === undefined || hostPart === '') {
    const out: PortBinding[] = [];
    for (let p = cLo; p <= cHi; p++) out.push({ containerPort: p, protocol, hostIp });
    return out;
  }
  const [hLo, hHi] = parsePortRange(hostPart, 'host port', text, origin);
  if (hHi - hLo !== cHi - cLo) {
    throw configError(`port '${text}': the host and container port ranges differ in length`, origin, PUBLISH_HINT);
  }
  const out: PortBinding[] = [];
  for (let i = 0; i <= cHi - cLo; i++) out.push({ containerPort: cLo + i, protocol, hostIp, hostPort: hLo + i });
  return out;
}

function bindingKey(b: PortBinding): string {
  return `${b.hostIp}|${b.hostPort ?? ''}|${b.containerPort}/${b.protocol}`;
}

/** Drops exact repeats, keeping the first. */
export function dedupePorts(bindings: PortBinding[]): PortBinding[] {
  const seen = new Set<string>();
  return bindings.filter((b) => {
    const key = bindingKey(b);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `appPort`: a number N publishes `127.0.0.1:N:N`; a string is read as `-p` would read it. */
export function appPortBindings(appPort: (number | string)[], origin?: Pick<ValueOrigin, 'locate'>): PortBinding[] {
  const out: PortBinding[] = [];
  appPort.forEach((p, i) => {
    const at: ValueOrigin = { path: `appPort[${i}]`, locate: origin?.locate };
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 1 || p > 65535) throw configError(`appPort ${p} is not a port (1-65535)`, at);
      out.push({ containerPort: p, protocol: 'tcp', hostIp: DEFAULT_HOST_IP, hostPort: p });
    } else {
      out.push(...parsePublish(p, at));
    }
  });
  return dedupePorts(out);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', '[::1]']);

/** What `forwardPortBindings` publishes, and the entries it cannot (ports of other hosts). */
export interface ForwardPortsPlan {
  bindings: PortBinding[];
  /** Entries such as `db:5432` that name another host; publishing this container cannot reach them. */
  skipped: string[];
}

/**
 * `forwardPorts`: each container port is published on 127.0.0.1 at the same host port (`N`,
 * `"N"`, `"localhost:N"`). Entries naming another host (a compose service) are returned as skipped.
 */
export function forwardPortBindings(forwardPorts: (number | string)[], origin?: Pick<ValueOrigin, 'locate'>): ForwardPortsPlan {
  const bindings: PortBinding[] = [];
  const skipped: string[] = [];
  forwardPorts.forEach((p, i) => {
    const at: ValueOrigin = { path: `forwardPorts[${i}]`, locate: origin?.locate };
    let host = 'localhost';
    let portText = String(p);
    const colon = portText.lastIndexOf(':');
    if (typeof p === 'string' && colon >= 0) {
      host = portText.slice(0, colon).toLowerCase();
      portText = portText.slice(colon + 1);
    }
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw configError(`forwardPorts entry '${p}' is not a port or "host:port"`, at, 'Write a port number, e.g. 3000, or "localhost:3000".');
    }
    if (!LOCAL_HOSTS.has(host)) {
      skipped.push(String(p));
      return;
    }
    bindings.push({ containerPort: port, protocol: 'tcp', hostIp: DEFAULT_HOST_IP, hostPort: port });
  });
  return { bindings: dedupePorts(bindings), skipped };
}

/** Answers whether a host port can be bound; the real one is `isHostPortFree`. */
export type PortProbe = (port: number, hostIp: string) => Promise<boolean>;

/** Bindings with every taken host port moved, and one note per move for the user. */
export interface FreePortsResult {
  bindings: PortBinding[];
  notes: string[];
}

/** How far past a taken port to look before giving up. */
const MAX_PORT_TRIES = 100;

/**
 * Moves each fixed host port that is taken (on the host, or by an earlier binding in the list) to
 * the next free one. Bindings without a host port are left to the engine.
 */
export async function pickFreePorts(bindings: PortBinding[], isFree: PortProbe): Promise<FreePortsResult> {
  const claimed = new Set<string>();
  const notes: string[] = [];
  const out: PortBinding[] = [];
  for (const b of bindings) {
    if (b.hostPort === undefined) {
      out.push(b);
      continue;
    }
    const claimKey = (port: number) => `${b.hostIp}|${port}/${b.protocol}`;
    let port = b.hostPort;
    let tries = 0;
    // The probe opens a TCP listener; UDP ports are only checked against this list.
    while (claimed.has(claimKey(port)) || (b.protocol === 'tcp' && !(await isFree(port, b.hostIp)))) {
      port++;
      tries++;
      if (port > 65535 || tries > MAX_PORT_TRIES) {
        throw new BerthError('port-in-use', `port ${b.hostPort} is in use on the host and no free port was found after it`, {
          hint: 'Stop what uses the port, or change appPort/forwardPorts.',
        });
      }
    }
    claimed.add(claimKey(port));
    if (port !== b.hostPort) notes.push(`port ${b.hostPort} is in use on the host; published on ${port}`);
    out.push({ ...b, hostPort: port });
  }
  return { bindings: out, notes };
}
