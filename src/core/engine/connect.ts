/**
 * Finding the engine: an explicit host (the `berth.dockerHost` setting), else DOCKER_HOST, else the
 * current Docker context, else the default socket. dockerode itself is loaded only when a client is
 * first made, so nothing here costs anything at extension activation.
 */
import { sha256Hex } from '../lazyNode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type * as Https from 'node:https';
import { BerthError } from '../errors';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where and how to reach the engine, resolved from settings, environment and Docker contexts. */
export interface EngineEndpoint {
  /** `unix` for a socket path, `tcp` for host:port (with or without TLS), `ssh` for `ssh://`. */
  kind: 'unix' | 'tcp' | 'ssh';
  socketPath?: string;
  host?: string;
  port?: number;
  username?: string;
  /** TLS for tcp: certificates from DOCKER_CERT_PATH (or the context's TLS folder). */
  tls?: { verify: boolean; ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Where the choice came from, for logs: `berth.dockerHost`, `DOCKER_HOST`, `context "x"`, `default`. */
  source: string;
  /** The endpoint as users write it: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  display: string;
}

/** Inputs of `resolveEndpoint`; everything is passed in so tests feed literals. */
export interface ConnectOptions {
  /** An explicit engine address (`berth.dockerHost`, `--docker-host`); wins over the environment. */
  host?: string;
  /** The host environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONTEXT, HOME). */
  env: Record<string, string | undefined>;
  /** Home folder holding `.docker/`; defaults to env.HOME / env.USERPROFILE. */
  homeDir?: string;
  /** Reads a file, or returns undefined when it is missing. Tests replace it. */
  readFile?: (path: string) => Buffer | undefined;
}

function readFileOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

interface DockerContextEndpoint {
  host: string;
  skipTlsVerify: boolean;
  tlsDir?: string;
  name: string;
}

/** The Docker CLI's current context, when one other than `default` is chosen. */
export function currentContextEndpoint(options: ConnectOptions): DockerContextEndpoint | undefined {
  const read = options.readFile ?? readFileOrUndefined;
  const home = options.homeDir ?? options.env.HOME ?? options.env.USERPROFILE;
  const configDir = options.env.DOCKER_CONFIG ?? (home ? join(home, '.docker') : undefined);
  if (!configDir) return undefined;
  let name = options.env.DOCKER_CONTEXT;
  if (!name) {
    const config = read(join(configDir, 'config.json'));
    if (!config) return undefined;
    try {
      const parsed = JSON.parse(config.toString('utf8')) as { currentContext?: unknown };
      if (typeof parsed.currentContext === 'string') name = parsed.currentContext;
    } catch {
      return undefined; // the Docker CLI would complain; we fall back to the default socket
    }
  }
  if (!name || name === 'default') return undefined;
  const id = sha256Hex(name);
  const meta = read(join(configDir, 'contexts', 'meta', id, 'meta.json'));
  if (!meta) {
    throw new BerthError('docker-unavailable', `Docker context "${name}" is selected but not found in ${join(configDir, 'contexts')}`, {
      hint: 'run `docker context use default`, or set DOCKER_HOST / berth.dockerHost',
    });
  }
  const parsed = JSON.parse(meta.toString('utf8')) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  const docker = parsed.Endpoints?.docker;
  if (!docker || typeof docker.Host !== 'string') return undefined;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  return { host: docker.Host, skipTlsVerify: docker.SkipTLSVerify === true, tlsDir: read(join(tlsDir, 'ca.pem')) ? tlsDir : undefined, name };
}

/** Parses one engine address (`unix:///path`, `tcp://host:port`, `ssh://user@host`, `/path`). */
export function parseHost(address: string, source: string): EngineEndpoint {
  const trimmed = address.trim();
  if (trimmed.startsWith('/')) return { kind: 'unix', socketPath: trimmed, source, display: `unix://${trimmed}` };
  if (trimmed.startsWith('unix://')) {
    const socketPath = trimmed.slice('unix://'.length) || DEFAULT_SOCKET;
    return { kind: 'unix', socketPath, source, display: `unix://${socketPath}` };
  }
  const withScheme = trimmed.includes('://') ? trimmed : `tcp://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new BerthError('usage', `Cannot read the Docker host "${address}" (from ${source})`, {
      hint: 'use unix:///var/run/docker.sock, tcp://HOST:PORT or ssh://USER@HOST',
    });
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 2376 : 2375;
    return { kind: 'tcp', host: url.hostname, port, source, display: `tcp://${url.hostname}:${port}`, ...(url.protocol === 'https:' ? { tls: { verify: true } } : {}) };
  }
  if (url.protocol === 'ssh:') {
    const port = url.port ? Number(url.port) : 22;
    return { kind: 'ssh', host: url.hostname, port, username: url.username || undefined, source, display: withScheme };
  }
  throw new BerthError('usage', `Unsupported Docker host "${address}" (from ${source})`, {
    hint: 'use unix:///var/run/docker.sock, tcp://HOST:PORT or ssh://USER@HOST',
  });
}

function loadCerts(dir: string, verify: boolean, read: (p: string) => Buffer | undefined): NonNullable<EngineEndpoint['tls']> {
  const ca = read(join(dir, 'ca.pem'));
  const cert = read(join(dir, 'cert.pem'));
  const key = read(join(dir, 'key.pem'));
  if (verify && !ca) {
    throw new BerthError('docker-unavailable', `TLS is on for the Docker engine but ${join(dir, 'ca.pem')} is missing`, {
      hint: 'set DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY',
    });
  }
  return { verify, ca, cert, key };
}

/** Decides which engine to talk to, following the Docker CLI's order of precedence. */
export function resolveEndpoint(options: ConnectOptions): EngineEndpoint {
  const env = options.env;
  const read = options.readFile ?? readFileOrUndefined;
  const home = options.homeDir ?? env.HOME ?? env.USERPROFILE;
  let endpoint: EngineEndpoint;
  let tlsDir: string | undefined;
  let verify = false;
  let wantTls = false;
  if (options.host) {
    endpoint = parseHost(options.host, 'berth.dockerHost');
  } else if (env.DOCKER_HOST) {
    endpoint = parseHost(env.DOCKER_HOST, 'DOCKER_HOST');
  } else {
    const ctx = currentContextEndpoint(options);
    if (ctx) {
      endpoint = parseHost(ctx.host, `Docker context "${ctx.name}"`);
      if (ctx.tlsDir) {
        tlsDir = ctx.tlsDir;
        wantTls = true;
        verify = !ctx.skipTlsVerify;
      }
    } else {
      endpoint = { kind: 'unix', socketPath: DEFAULT_SOCKET, source: 'default', display: `unix://${DEFAULT_SOCKET}` };
    }
  }
  if (endpoint.kind === 'tcp' && !tlsDir) {
    // As the Docker CLI: DOCKER_TLS_VERIFY (any non-empty value) turns on TLS and verification.
    verify = !!env.DOCKER_TLS_VERIFY;
    wantTls = verify || !!env.DOCKER_TLS || endpoint.port === 2376 || endpoint.tls !== undefined;
    if (wantTls) tlsDir = env.DOCKER_CERT_PATH || (home ? join(home, '.docker') : undefined);
  }
  if (endpoint.kind === 'tcp' && wantTls) {
    endpoint.tls = tlsDir ? loadCerts(tlsDir, verify, read) : { verify };
  }
  return endpoint;
}

/** Makes the dockerode client for an endpoint. The only place dockerode is loaded. */
export function createDockerClient(endpoint: EngineEndpoint): Dockerode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: keeps ~1 MB of code out of activation
  const DockerodeCtor = require('dockerode') as typeof Dockerode;
  // docker-modem fills defaults from process.env.DOCKER_HOST; every connection field is set here
  // (undefined included) so the endpoint we resolved is the one used.
  const base: Record<string, unknown> = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined };
  if (endpoint.kind === 'unix') return new DockerodeCtor({ ...base, socketPath: endpoint.socketPath } as Dockerode.DockerOptions);
  if (endpoint.kind === 'ssh') {
    return new DockerodeCtor({ ...base, protocol: 'ssh', host: endpoint.host, port: endpoint.port, username: endpoint.username } as Dockerode.DockerOptions);
  }
  const tls = endpoint.tls;
  if (!tls) return new DockerodeCtor({ ...base, protocol: 'http', host: endpoint.host, port: endpoint.port } as Dockerode.DockerOptions);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only TLS connections need it
  const https = require('node:https') as typeof Https;
  const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify });
  return new DockerodeCtor({ ...base, protocol: 'https', host: endpoint.host, port: endpoint.port, ca: tls.ca, cert: tls.cert, key: tls.key, agent } as Dockerode.DockerOptions);
}
