/**
 * The one place where failures of the engine (or of reaching it) become BerthErrors a user can act on.
 */
import { BerthError, isBerthError } from '../errors';

/** What was being done when the error happened, so the message can name it. */
export interface EngineErrorContext {
  /** Short verb phrase: `create container`, `pull image`, `exec in container`. */
  action: string;
  /** Where the engine was expected, as shown to users: `/var/run/docker.sock`, `tcp://host:2376`. */
  endpoint?: string;
  /** Image reference involved, for "image X not found". */
  image?: string;
  /** Container name involved, for name conflicts. */
  containerName?: string;
}

/** The fields docker-modem puts on its errors (HTTP status, the engine's JSON body) and Node's socket errors. */
interface RawEngineError {
  message?: string;
  code?: string;
  statusCode?: number;
  json?: unknown;
  address?: string;
}

/** The engine's own message: its JSON `message`, else docker-modem's text without the HTTP prefix. */
export function engineMessage(e: unknown): string {
  const raw = (e ?? {}) as RawEngineError;
  const json = raw.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length > 0) {
    const text = json.toString('utf8').trim();
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON: the text itself is the message
    }
    return text;
  }
  const msg = typeof raw.message === 'string' ? raw.message : String(e);
  // docker-modem: "(HTTP code 404) no such container - No such image: x "
  return msg.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

const UNAVAILABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

/** Pulls the host port out of the engine's "port is already allocated" / "address already in use" text. */
export function portFromMessage(message: string): number | undefined {
  const m =
    /Bind for [^\s]*:(\d+) failed/.exec(message) ??
    /listen (?:tcp|udp)[46]? [^\s]*:(\d+): bind: address already in use/.exec(message) ??
    /:(\d+): bind: address already in use/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Turns any failure of an engine call into a BerthError with a code, a clear message and a hint. */
export function mapEngineError(e: unknown, context: EngineErrorContext): BerthError {
  if (isBerthError(e)) return e;
  const raw = (e ?? {}) as RawEngineError;
  const endpoint = context.endpoint ?? '/var/run/docker.sock';
  const opts = { cause: e };

  if (raw.code === 'EACCES' || raw.code === 'EPERM') {
    return new BerthError('docker-permission', `Permission denied talking to the Docker engine at ${endpoint}`, {
      ...opts,
      hint: 'add your user to the docker group (sudo usermod -aG docker $USER), then log out and back in',
    });
  }
  if (raw.code && UNAVAILABLE_CODES.has(raw.code) && raw.statusCode === undefined) {
    const why = raw.code === 'ENOENT' ? '' : `: ${raw.code}`;
    return new BerthError('docker-unavailable', `Docker is not running (no engine at ${endpoint}${why})`, {
      ...opts,
      hint: 'start it, or set DOCKER_HOST / berth.dockerHost',
    });
  }

  const message = engineMessage(e);
  const status = raw.statusCode;
  const port = portFromMessage(message);
  if (port !== undefined || /port is already allocated|address already in use/i.test(message)) {
    const which = port !== undefined ? `port ${port}` : 'a port';
    return new BerthError('port-in-use', `Cannot publish ${which}: it is already in use on the host (${message})`, {
      ...opts,
      hint: `stop whatever listens on ${which}, or change forwardPorts/appPort/runArgs in devcontainer.json`,
    });
  }
  // Podman answers a taken name with HTTP 500, not 409.
  if ((status === 409 && /already in use/i.test(message)) || /container name "[^"]+" is already in use/i.test(message)) {
    const name = context.containerName ?? /name "\/?([^"]+)"/.exec(message)?.[1];
    return new BerthError('name-conflict', `A container named ${name ? `"${name}"` : 'like this'} already exists (${message})`, {
      ...opts,
      hint: 'remove the other container (docker rm -f NAME) or choose another name in runArgs',
    });
  }
  if (status === 404 && /no such image|not found|pull access denied|manifest unknown/i.test(message)) {
    const image = context.image ?? /No such image: (\S+)/i.exec(message)?.[1] ?? 'the image';
    return new BerthError('image-not-found', `Image ${image} not found (${message})`, {
      ...opts,
      hint: 'check the image name, or build it first; without a registry only local images can be used',
    });
  }
  if (status === 404 && /no such container/i.test(message)) {
    return new BerthError('container-not-found', `Container not found (${message})`, {
      ...opts,
      hint: 'it may have been removed; run `berth up` to create it again',
    });
  }
  return new BerthError('docker-error', `Docker failed to ${context.action}: ${message || 'unknown error'}`, opts);
}

/**
 * The daemon went away while a long call (a build, a hook) was running: its last answer can look like
 * the user's command failed (the daemon killed it on shutdown), so this says what really happened.
 */
export function daemonGone(action: string, endpoint = '/var/run/docker.sock', cause?: unknown): BerthError {
  return new BerthError('docker-unavailable', `Docker stopped while trying to ${action} (the engine at ${endpoint} no longer answers)`, {
    cause,
    hint: 'start Docker again, then run `berth up`: it carries on from where it stopped',
  });
}
