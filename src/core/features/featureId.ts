/**
 * Parsing a Feature id as written in `features` (or a dependsOn): `./folder` beside devcontainer.json,
 * `registry/namespace/id[:tag|@sha256:…]`, or a legacy `https://…/devcontainer-feature-<id>.tgz`.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FeatureSource } from './types';

/** Why an id cannot be used; the caller adds where it was written. */
export class FeatureIdError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface FeatureIdContext {
  /** Folder of the devcontainer.json. Local ids are relative to it. */
  configDir: string;
  /** `<workspace>/.devcontainer`: local Features must be inside it. */
  devcontainerDir: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
// OCI distribution: path components, and tags of up to 128 characters.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * The short ids of the Features that lived in microsoft/vscode-dev-containers, and where the reference
 * CLI sends them: the same name (or a new one) under ghcr.io/devcontainers/features, pinned to major 1.
 */
const MOVED_SHORT_IDS: ReadonlyMap<string, string> = new Map([
  ...['aws-cli', 'azure-cli', 'desktop-lite', 'docker-in-docker', 'docker-from-docker', 'dotnet', 'git', 'git-lfs', 'github-cli', 'java', 'kubectl-helm-minikube', 'node', 'powershell', 'python', 'ruby', 'rust', 'sshd', 'terraform'].map(
    (id): [string, string] => [id, id],
  ),
  ['golang', 'go'],
  ['common', 'common-utils'],
]);
/** Short ids whose Feature became an option of another one. */
const FOLDED_SHORT_IDS: ReadonlyMap<string, string> = new Map([
  ['gradle', 'java'],
  ['maven', 'java'],
  ['jupyterlab', 'python'],
]);
const CORE_FEATURES = 'ghcr.io/devcontainers/features';

/**
 * A deprecated short id (`node`, `golang`, ...) as the reference CLI maps it: the full reference to
 * use, with a warning that says so. Undefined for any other id.
 */
export function movedShortId(id: string): { reference: string; warning: string } | undefined {
  const name = MOVED_SHORT_IDS.get(id.trim());
  if (name === undefined) return undefined;
  const reference = `${CORE_FEATURES}/${name}:1`;
  return {
    reference,
    warning: `Feature "${id}" is a deprecated short id: using ${reference} (write that instead; see https://github.com/devcontainers/features/tree/main/src/${name}#example-usage)`,
  };
}

/** Parses an id, throwing FeatureIdError with the reason when it is not usable. */
export function parseFeatureId(id: string, ctx: FeatureIdContext): FeatureSource {
  const trimmed = id.trim();
  if (trimmed.startsWith('./') || trimmed.startsWith('../') || trimmed === '.' || trimmed === '..') {
    return parseLocal(trimmed, ctx);
  }
  if (isAbsolute(trimmed) || /^[A-Za-z]:[\\/]/.test(trimmed)) {
    throw new FeatureIdError(
      `Feature "${id}": absolute paths are not allowed`,
      'put the Feature in a folder inside .devcontainer and refer to it as "./<folder>"',
    );
  }
  if (/^https?:\/\//i.test(trimmed)) return parseTarball(trimmed, id);
  const moved = movedShortId(trimmed);
  if (moved) return parseOci(moved.reference, id);
  const folded = FOLDED_SHORT_IDS.get(trimmed);
  if (folded) {
    throw new FeatureIdError(
      `Feature "${id}" no longer exists on its own: it is part of the "${folded}" Feature now`,
      `use "${CORE_FEATURES}/${folded}:1" with its options (https://github.com/devcontainers/features/tree/main/src/${folded}#options)`,
    );
  }
  return parseOci(trimmed, id);
}

function parseLocal(id: string, ctx: FeatureIdContext): FeatureSource {
  const path = resolve(ctx.configDir, id);
  const rel = relative(resolve(ctx.devcontainerDir), path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new FeatureIdError(
      `Feature "${id}" points outside the workspace's .devcontainer folder (${path})`,
      'local Features must live in a folder inside <workspace>/.devcontainer',
    );
  }
  return { kind: 'local', path };
}

function parseTarball(url: string, id: string): FeatureSource {
  const name = /\/devcontainer-feature-([^/]+)\.tgz$/.exec(new URL(url).pathname);
  if (!name) {
    throw new FeatureIdError(`Feature "${id}": a tarball URL must end in devcontainer-feature-<id>.tgz`);
  }
  return { kind: 'tarball', url, id: name[1] };
}

function parseOci(raw: string, id: string): FeatureSource {
  const ref = raw.toLowerCase();
  let rest = ref;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new FeatureIdError(`Feature "${id}": the digest must be sha256:<64 hex digits>`);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) {
    throw new FeatureIdError(
      `Feature "${id}" is not a local folder ("./…"), an OCI reference (registry/namespace/id) or a tarball URL`,
      'write the full reference, e.g. "ghcr.io/devcontainers/features/node:1"',
    );
  }
  const registry = rest.slice(0, slash);
  let path = rest.slice(slash + 1);
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw new FeatureIdError(`Feature "${id}": "${tag}" is not a valid tag`);
  }
  if (!registry.includes('.') && !registry.includes(':') && !registry.startsWith('localhost')) {
    throw new FeatureIdError(
      `Feature "${id}": "${registry}" is not a registry host (it needs a "." or a port, or to be localhost)`,
      'write the full reference, e.g. "ghcr.io/devcontainers/features/node:1"',
    );
  }
  const parts = path.split('/');
  if (parts.some((p) => !PATH_COMPONENT.test(p))) {
    throw new FeatureIdError(`Feature "${id}": "${path}" is not a valid repository path`);
  }
  if (!digest && !tag) tag = 'latest';
  return { kind: 'oci', registry, path, id: parts[parts.length - 1], tag, digest };
}

/** `registry/path` without tag or digest: how installsAfter and overrideFeatureInstallOrder match. */
export function resourceOf(source: FeatureSource, userId: string): string {
  if (source.kind === 'oci') return `${source.registry}/${source.path}`;
  if (source.kind === 'tarball') return source.url;
  return userId;
}

/** The reference to fetch: `registry/path:tag` or `registry/path@digest`. */
export function ociReference(source: Extract<FeatureSource, { kind: 'oci' }>): string {
  return source.digest ? `${source.registry}/${source.path}@${source.digest}` : `${source.registry}/${source.path}:${source.tag}`;
}

/** An id without its version (tag or digest), for matching installsAfter and overrideFeatureInstallOrder entries. */
export function stripVersion(id: string): string {
  const s = id.trim().toLowerCase();
  if (s.startsWith('./') || s.startsWith('../') || /^https?:/.test(s)) return id.trim();
  const at = s.indexOf('@');
  const noDigest = at >= 0 ? s.slice(0, at) : s;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
