/**
 * A small client of the OCI distribution API for Features: manifests and blobs (pull), uploads and
 * manifests (push, for publishing), with the registry's auth challenge answered: Bearer tokens from its
 * realm (anonymous, or with the Docker credentials) or Basic. Local registries (localhost, 127.0.0.1,
 * ::1) are spoken to over http, all others over https.
 */
import { sha256Hex } from '../lazyNode';
import { BerthError } from '../errors';
import { findCredentials, type CredentialHelperRunner, type RegistryCredentials } from './credentials';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const FEATURE_CONFIG = 'application/vnd.devcontainers';
export const FEATURE_LAYER = 'application/vnd.devcontainers.layer.v1+tar';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

export interface OciClientOptions {
  /** The host environment: where the Docker config is (HOME, DOCKER_CONFIG). */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  runHelper?: CredentialHelperRunner;
  /** Deadline of each request; default 30 s. */
  timeoutMs?: number;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${sha256Hex(data)}`;
}

function isLocalHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host.endsWith('.localhost');
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(space < 0 ? '' : header.slice(space + 1)))) params[m[1].toLowerCase()] = m[2] ?? m[3];
  return { scheme, params };
}

function unavailable(message: string, hint?: string, cause?: unknown): BerthError {
  return new BerthError('feature-unavailable', message, { hint, cause });
}

const unreachable = new WeakSet<object>();

/** Whether an error means the registry (or tarball host) could not be reached at all: offline, stopped, DNS. */
export function isUnreachable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && unreachable.has(e);
}

function unreachableError(what: string, e: unknown): BerthError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const err = unavailable(
    `Cannot reach ${what} (${cause?.code ?? cause?.message ?? (e as Error).message})`,
    'check the network (or start the registry); Features already in the cache or pinned in devcontainer-lock.json work offline',
    e,
  );
  unreachable.add(err);
  return err;
}

export class OciClient {
  /** Authorization header per `registry/path`, reused for the session. */
  private readonly auth = new Map<string, string>();
  private credentials = new Map<string, Promise<RegistryCredentials | undefined>>();

  constructor(private readonly options: OciClientOptions) {}

  baseUrl(registry: string): string {
    return `${isLocalHost(registry) ? 'http' : 'https'}://${registry}/v2/`;
  }

  /** GET the manifest of `tagOrDigest`; the digest is of the bytes received (and checked when asked by digest). */
  async getManifest(registry: string, path: string, tagOrDigest: string): Promise<{ digest: string; manifest: OciManifest; raw: Buffer }> {
    const res = await this.request(registry, path, 'pull', `${path}/manifests/${tagOrDigest}`, { headers: { Accept: OCI_MANIFEST } });
    const raw = Buffer.from(await res.arrayBuffer());
    if (res.status === 404) {
      throw unavailable(`${registry}/${path}:${tagOrDigest} was not found in the registry`, 'check the Feature id and its version (tag)');
    }
    if (!res.ok) throw this.httpError(res, raw, `${registry}/${path}:${tagOrDigest}`);
    const digest = sha256Digest(raw);
    if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) {
      throw unavailable(`The manifest of ${registry}/${path}@${tagOrDigest} has the digest ${digest}: it was changed or corrupted`);
    }
    let manifest: OciManifest;
    try {
      manifest = JSON.parse(raw.toString('utf8')) as OciManifest;
    } catch (e) {
      throw unavailable(`The registry sent an unreadable manifest for ${registry}/${path}:${tagOrDigest}`, undefined, e);
    }
    if (!Array.isArray(manifest.layers)) throw unavailable(`${registry}/${path}:${tagOrDigest} is not an OCI image manifest (no layers)`);
    return { digest, manifest, raw };
  }

  /** GET a blob and check it against its digest. */
  async getBlob(registry: string, path: string, digest: string): Promise<Buffer> {
    const res = await this.request(registry, path, 'pull', `${path}/blobs/${digest}`, {});
    const data = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw this.httpError(res, data, `${registry}/${path}@${digest}`);
    const got = sha256Digest(data);
    if (got !== digest) {
      throw unavailable(
        `The Feature layer ${registry}/${path}@${digest} failed its digest check: the registry sent content with the digest ${got}`,
        'the registry holds a corrupted or tampered blob; nothing was installed. Republish the Feature or ask its owner',
      );
    }
    return data;
  }

  /** Uploads a blob (monolithic POST + PUT) unless the registry has it. */
  async pushBlob(registry: string, path: string, data: Buffer, digest = sha256Digest(data)): Promise<string> {
    const head = await this.request(registry, path, 'pull,push', `${path}/blobs/${digest}`, { method: 'HEAD' });
    if (head.ok) return digest;
    const start = await this.request(registry, path, 'pull,push', `${path}/blobs/uploads/`, { method: 'POST' });
    await start.arrayBuffer();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw this.httpError(start, Buffer.alloc(0), `upload to ${registry}/${path}`);
    const url = new URL(location, this.baseUrl(registry));
    url.searchParams.set('digest', digest);
    const put = await this.request(registry, path, 'pull,push', url.toString(), {
      method: 'PUT',
      body: data,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
    });
    const body = Buffer.from(await put.arrayBuffer());
    if (put.status !== 201) throw this.httpError(put, body, `upload to ${registry}/${path}`);
    return digest;
  }

  /** PUTs a manifest under a tag (or its digest); returns its digest. */
  async pushManifest(registry: string, path: string, reference: string, manifest: Buffer): Promise<string> {
    const res = await this.request(registry, path, 'pull,push', `${path}/manifests/${reference}`, {
      method: 'PUT',
      body: manifest,
      headers: { 'Content-Type': OCI_MANIFEST },
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 201) throw this.httpError(res, body, `${registry}/${path}:${reference}`);
    return sha256Digest(manifest);
  }

  /** The registry's tags for a repository (`/tags/list`). */
  async listTags(registry: string, path: string): Promise<string[]> {
    const res = await this.request(registry, path, 'pull', `${path}/tags/list`, {});
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw this.httpError(res, body, `${registry}/${path} tags`);
    return (JSON.parse(body.toString('utf8')) as { tags?: string[] }).tags ?? [];
  }

  private httpError(res: Response, body: Buffer, what: string): BerthError {
    const text = body.toString('utf8').slice(0, 300).trim();
    const hint =
      res.status === 401 || res.status === 403
        ? `log in to the registry (docker login ${what.split('/')[0]}) or check your credentials`
        : 'check the Feature id; the registry may be down';
    return unavailable(`The registry answered ${res.status} ${res.statusText} for ${what}${text ? `: ${text}` : ''}`, hint);
  }

  /** One request; a 401 is answered once with the challenge's scheme, then retried. */
  private async request(registry: string, repo: string, actions: string, pathOrUrl: string, init: RequestInit): Promise<Response> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : this.baseUrl(registry) + pathOrUrl;
    const key = `${registry}/${repo}:${actions}`;
    const send = async (authorization?: string) => {
      const headers = new Headers(init.headers);
      if (authorization) headers.set('Authorization', authorization);
      try {
        return await fetch(url, { ...init, headers, signal: this.signal(), redirect: 'follow' });
      } catch (e) {
        if (this.options.signal?.aborted) throw new BerthError('cancelled', 'Cancelled', { cause: e });
        throw unreachableError(`the registry ${registry}`, e);
      }
    };
    let res = await send(this.auth.get(key));
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate');
    if (!challenge) return res;
    const body = await res.arrayBuffer();
    const authorization = await this.answer(registry, repo, actions, challenge);
    // No credentials to answer with: hand back the 401 (its body still readable) for the error message.
    if (!authorization) return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    this.auth.set(key, authorization);
    res = await send(authorization);
    return res;
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30000);
    return this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
  }

  private creds(registry: string): Promise<RegistryCredentials | undefined> {
    let found = this.credentials.get(registry);
    if (!found) {
      found = findCredentials(registry, this.options.env, this.options.runHelper);
      this.credentials.set(registry, found);
    }
    return found;
  }

  private async answer(registry: string, repo: string, actions: string, header: string): Promise<string | undefined> {
    const { scheme, params } = parseChallenge(header);
    const creds = await this.creds(registry);
    const basic = creds && !creds.identityToken ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (scheme === 'basic') return basic;
    if (scheme !== 'bearer' || !params.realm) return undefined;
    const service = params.service;
    const scope = params.scope ?? `repository:${repo}:${actions}`;
    const ask = async (how: 'anonymous' | 'basic' | 'refresh'): Promise<Response> => {
      const tokenUrl = new URL(params.realm);
      let init: RequestInit;
      if (how === 'refresh') {
        // OAuth2 refresh-token grant (the Docker token spec), as `docker login` with an identity token does.
        const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'berth', scope, refresh_token: creds?.identityToken ?? '' });
        if (service) form.set('service', service);
        init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() };
      } else {
        if (service) tokenUrl.searchParams.set('service', service);
        tokenUrl.searchParams.set('scope', scope);
        init = { headers: how === 'basic' && basic ? { Authorization: basic } : {} };
      }
      try {
        return await fetch(tokenUrl, { ...init, signal: this.signal() });
      } catch (e) {
        throw unreachableError(`the token service of ${registry} (${tokenUrl.origin})`, e);
      }
    };
    let res = await ask(creds?.identityToken ? 'refresh' : creds ? 'basic' : 'anonymous');
    // Credentials the token service turns down may have expired: a public Feature still comes anonymously
    // (as the reference CLI retries).
    const refused = creds && (res.status === 401 || res.status === 403);
    if (refused) res = await ask('anonymous');
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      throw unavailable(
        `The token service of ${registry} answered ${res.status} for ${repo}${refused ? ' (to your credentials, then anonymously)' : creds ? '' : ' (anonymously)'}`,
        creds ? 'check your registry credentials (docker login)' : `the Feature may be private: docker login ${registry}`,
      );
    }
    const token = JSON.parse(body.toString('utf8')) as { token?: string; access_token?: string };
    const value = token.token ?? token.access_token;
    return value ? `Bearer ${value}` : undefined;
  }
}

/** Downloads a legacy Feature tarball; unreachable hosts are marked as such (see isUnreachable). */
export async function fetchTarball(url: string, signal?: AbortSignal): Promise<Buffer> {
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(60000);
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
  } catch (e) {
    if (signal?.aborted) throw new BerthError('cancelled', 'Cancelled', { cause: e });
    throw unreachableError(url, e);
  }
  const data = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw unavailable(`${url} answered ${res.status} ${res.statusText}`, 'check the Feature URL');
  return data;
}
