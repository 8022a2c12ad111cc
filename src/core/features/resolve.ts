/**
 * From a config's `features` to the Features to install, in order: each id parsed, fetched (local
 * folder, cache, or registry/URL), its options checked, its dependsOn pulled in (recursively), the
 * install order computed, and devcontainer-lock.json checked or written.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { locate, parseJsonc, type JsoncDocument } from '../config/parse';
import type { ResolvedConfig } from '../config/types';
import { BerthError, type SourceLocation } from '../errors';
import { logger, type EventSink, type Logger } from '../events';
import { FeatureCache } from './cache';
import type { CredentialHelperRunner } from './credentials';
import { FeatureIdError, movedShortId, ociReference, parseFeatureId, resourceOf } from './featureId';
import { parseFeatureJson, resolveOptions } from './featureJson';
import { formatLockfile, lockfilePath, readLockfile, writeLockfile, type LockEntry, type Lockfile } from './lockfile';
import { FEATURE_LAYER, fetchTarball, isUnreachable, OciClient, sha256Digest } from './oci';
import { installOrder, type OrderNode } from './order';
import type { FeatureOrigin, FeatureSource, ResolvedFeature } from './types';

export interface ResolveFeaturesOptions {
  config: Pick<ResolvedConfig, 'features' | 'overrideFeatureInstallOrder' | 'configFile' | 'workspaceFolderHost'>;
  /** Host folder of the content-addressed cache (e.g. `<stateDir>/features`). */
  cacheDir: string;
  /** The host environment (Docker config location for registry credentials). */
  env: Record<string, string | undefined>;
  events: EventSink;
  signal?: AbortSignal;
  /** Write devcontainer-lock.json when it is missing or changed. Only in a trusted context. */
  writeLockfile?: boolean;
  /** Fail when devcontainer-lock.json is missing or would change (`--frozen-lockfile`). */
  frozenLockfile?: boolean;
  /** For tests: how credential helpers are run. */
  runHelper?: CredentialHelperRunner;
}

export interface ResolvedFeatures {
  /** In install order. */
  features: ResolvedFeature[];
  lockfile: { path: string; written: boolean; content?: string };
}

interface Pending {
  userId: string;
  value: unknown;
  /** Where this id was written. */
  where: (option?: string) => SourceLocation | undefined;
  /** Name of what asked for it, for messages. */
  requestedBy?: string;
  /** The dependsOn list of the node that asked for it, to link it into the graph. */
  linkInto?: string[];
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sourceKey(source: FeatureSource): string {
  if (source.kind === 'local') return `local:${source.path}`;
  if (source.kind === 'tarball') return `tarball:${source.url}`;
  return `oci:${ociReference(source)}`;
}

async function readDoc(file: string): Promise<JsoncDocument | undefined> {
  try {
    return parseJsonc(await readFile(file, 'utf8'), file);
  } catch {
    return undefined;
  }
}

/** Resolves the Features of a config. Throws BerthError (config-invalid, feature-unavailable, lockfile-mismatch). */
export async function resolveFeatures(options: ResolveFeaturesOptions): Promise<ResolvedFeatures> {
  const { config } = options;
  const log = logger(options.events, 'features');
  const doc = await readDoc(config.configFile);
  const configLoc = (path: (string | number)[]) => (doc ? locate(doc, path) : { file: config.configFile, line: 1, column: 1 });
  const lockPath = lockfilePath(config.configFile);
  const lock = await readLockfile(lockPath);
  const fetcher = new FeatureFetcher(new FeatureCache(options.cacheDir), new OciClient({ env: options.env, signal: options.signal, runHelper: options.runHelper }), log, options.signal);
  const idContext = { configDir: dirname(config.configFile), devcontainerDir: join(config.workspaceFolderHost, '.devcontainer') };

  const queue: Pending[] = Object.entries(config.features).map(([userId, value]) => ({
    userId,
    value,
    where: (option?: string) => ({ ...configLoc(option ? ['features', userId, option] : ['features', userId]), path: option ? `features["${userId}"].${option}` : `features["${userId}"]` }),
  }));
  const byNode = new Map<string, ResolvedFeature>();
  const nodes: OrderNode[] = [];
  while (queue.length > 0) {
    const item = queue.shift() as Pending;
    let source: FeatureSource;
    try {
      source = parseFeatureId(item.userId, idContext);
      const moved = movedShortId(item.userId);
      if (moved) log.warn(moved.warning);
    } catch (e) {
      if (!(e instanceof FeatureIdError)) throw e;
      throw new BerthError('config-invalid', item.requestedBy ? `${e.message} (a dependsOn of ${item.requestedBy})` : e.message, { location: item.where(), hint: e.hint });
    }
    if (source.kind === 'local' && item.requestedBy) {
      throw new BerthError('config-invalid', `Feature "${item.requestedBy}" depends on the local Feature "${item.userId}"; dependsOn must name published Features`, { location: item.where() });
    }
    const pinned = lock?.features[item.userId];
    const fetched = await fetcher.fetch(source, item.userId, pinned);
    const jsonFile = join(fetched.folder, 'devcontainer-feature.json');
    let text: string;
    try {
      text = await readFile(jsonFile, 'utf8');
    } catch {
      throw new BerthError('config-invalid', `Feature "${item.userId}" has no devcontainer-feature.json (looked in ${fetched.folder})`, {
        location: item.where(),
        hint: source.kind === 'local' ? 'a local Feature is a folder with devcontainer-feature.json and install.sh' : 'the published Feature is malformed',
      });
    }
    const json = parseFeatureJson(text, jsonFile);
    try {
      await stat(join(fetched.folder, 'install.sh'));
    } catch {
      throw new BerthError('config-invalid', `Feature "${item.userId}" has no install.sh (looked in ${fetched.folder})`, { location: item.where() });
    }
    const { options: values, userOptions } = resolveOptions(json, item.value, { featureKey: item.userId, locate: item.where, warn: log.warn });
    const key = `${sourceKey(source)}#${sortedJson(values)}`;
    item.linkInto?.push(key);
    if (byNode.has(key)) continue;
    const deps = Object.entries(json.dependsOn ?? {});
    const feature: ResolvedFeature = { userId: item.userId, source, folder: fetched.folder, json, options: values, userOptions, origin: fetched.origin, dependsOn: deps.map(([id]) => id) };
    byNode.set(key, feature);
    const depNodeKeys: string[] = [];
    nodes.push({
      key,
      userId: item.userId,
      resource: resourceOf(source, item.userId),
      tag: source.kind === 'oci' ? source.tag : undefined,
      digest: fetched.origin.integrity,
      optionsJson: sortedJson(values),
      dependsOn: depNodeKeys,
      installsAfter: json.installsAfter ?? [],
    });
    for (const [depId, depValue] of deps) {
      const depWhere = () => ({ file: jsonFile, line: 1, column: 1, path: `dependsOn["${depId}"]` });
      queue.push({ userId: depId, value: depValue, where: depWhere, requestedBy: item.userId, linkInto: depNodeKeys });
    }
  }

  const order = installOrder(nodes, config.overrideFeatureInstallOrder ?? [], configLoc(['overrideFeatureInstallOrder']));
  const features = order.map((k) => byNode.get(k) as ResolvedFeature);
  const lockfile = await settleLockfile(lockPath, lock, features, options, log);
  return { features, lockfile };
}

async function settleLockfile(
  path: string,
  existing: Lockfile | undefined,
  features: ResolvedFeature[],
  options: ResolveFeaturesOptions,
  log: Logger,
): Promise<ResolvedFeatures['lockfile']> {
  const next: Lockfile = { features: {} };
  for (const f of features) {
    if (f.source.kind === 'local' || !f.origin.resolved || !f.origin.integrity) continue;
    const entry: LockEntry = { version: f.json.version ?? '', resolved: f.origin.resolved, integrity: f.origin.integrity };
    if (f.dependsOn.length > 0) entry.dependsOn = f.dependsOn;
    next.features[f.userId] = entry;
  }
  const hasEntries = Object.keys(next.features).length > 0;
  const content = formatLockfile(next);
  const current = existing ? formatLockfile(existing) : undefined;
  if (options.frozenLockfile) {
    if (!existing && hasEntries) {
      throw new BerthError('lockfile-mismatch', `--frozen-lockfile: there is no ${path}`, { hint: 'run once without --frozen-lockfile to write it, and commit it' });
    }
    if (existing && current !== content) {
      throw new BerthError('lockfile-mismatch', `--frozen-lockfile: ${path} would change`, {
        output: diffLines(current ?? '', content),
        hint: 'run without --frozen-lockfile to update it (and review the change), or revert devcontainer.json',
      });
    }
    return { path, written: false, content };
  }
  if (!hasEntries && !existing) return { path, written: false };
  if (current === content) return { path, written: false, content };
  if (!options.writeLockfile) {
    log.debug(`${path} is ${existing ? 'out of date' : 'missing'}; not written (writing it was not asked for)`);
    return { path, written: false, content };
  }
  await writeLockfile(path, next);
  log.info(`${existing ? 'Updated' : 'Wrote'} ${path}`);
  return { path, written: true, content };
}

function diffLines(a: string, b: string): string[] {
  const left = new Set(a.split('\n'));
  const right = new Set(b.split('\n'));
  return [...a.split('\n').filter((l) => !right.has(l)).map((l) => `- ${l}`), ...b.split('\n').filter((l) => !left.has(l)).map((l) => `+ ${l}`)];
}

/** Gets a Feature's files onto the host: the local folder, the cache, or the network (then cached). */
class FeatureFetcher {
  constructor(
    private readonly cache: FeatureCache,
    private readonly client: OciClient,
    private readonly log: Logger,
    private readonly signal?: AbortSignal,
  ) {}

  async fetch(source: FeatureSource, userId: string, pinned: LockEntry | undefined): Promise<{ folder: string; origin: FeatureOrigin }> {
    if (source.kind === 'local') {
      this.log.debug(`Feature ${userId}: local folder ${source.path}`);
      return { folder: source.path, origin: { via: 'local' } };
    }
    if (source.kind === 'tarball') return this.fetchTarball(source.url, userId, pinned);
    return this.fetchOci(source, userId, pinned);
  }

  private fromCache(userId: string, what: string, digest: string, resolved: string, why: string) {
    this.log.info(`Feature ${userId}: from cache (${what}, ${digest.slice(0, 19)}…)${why}`);
    return { folder: this.cache.featureDir(digest), origin: { via: 'cache' as const, resolved, integrity: digest } };
  }

  private async fetchOci(source: Extract<FeatureSource, { kind: 'oci' }>, userId: string, pinned: LockEntry | undefined) {
    const repo = `${source.registry}/${source.path}`;
    const ref = ociReference(source);
    // A digest in the id wins; else the lockfile's pin, when it is for the same repository.
    let digest = source.digest ?? (pinned && pinned.resolved.startsWith(`${repo}@`) ? pinned.integrity : undefined);
    const why = source.digest ? '' : digest ? ', pinned by the lockfile' : '';
    if (digest && (await this.cache.has(digest))) return this.fromCache(userId, ref, digest, `${repo}@${digest}`, why);
    let manifest;
    try {
      manifest = await this.client.getManifest(source.registry, source.path, digest ?? (source.tag as string));
    } catch (e) {
      if (!digest && isUnreachable(e)) {
        const known = await this.cache.getRef(ref);
        if (known && (await this.cache.has(known.digest))) {
          return this.fromCache(userId, ref, known.digest, `${repo}@${known.digest}`, `, resolved ${known.fetchedAt}; the registry is unreachable`);
        }
      }
      throw e;
    }
    digest = manifest.digest;
    if (await this.cache.has(digest)) {
      await this.cache.setRef(ref, digest);
      return this.fromCache(userId, ref, digest, `${repo}@${digest}`, '');
    }
    const layer = manifest.manifest.layers.find((l) => l.mediaType === FEATURE_LAYER) ?? manifest.manifest.layers[0];
    if (!layer) throw new BerthError('feature-unavailable', `${ref} has no layers: it is not a Feature`);
    const data = await this.client.getBlob(source.registry, source.path, layer.digest);
    const folder = await this.cache.store(digest, data, manifest.raw);
    await this.cache.setRef(ref, digest);
    this.log.info(`Feature ${userId}: downloaded from ${source.registry} (${ref}, ${digest.slice(0, 19)}…, ${data.length} bytes)`);
    return { folder, origin: { via: 'network' as const, resolved: `${repo}@${digest}`, integrity: digest } };
  }

  private async fetchTarball(url: string, userId: string, pinned: LockEntry | undefined) {
    const pin = pinned && pinned.resolved === url ? pinned.integrity : undefined;
    if (pin && (await this.cache.has(pin))) return this.fromCache(userId, url, pin, url, ', pinned by the lockfile');
    let data: Buffer;
    try {
      data = await fetchTarball(url, this.signal);
    } catch (e) {
      const known = isUnreachable(e) && !pin ? await this.cache.getRef(url) : undefined;
      if (known && (await this.cache.has(known.digest))) return this.fromCache(userId, url, known.digest, url, ', the host is unreachable');
      throw e;
    }
    const digest = sha256Digest(data);
    if (pin && pin !== digest) {
      throw new BerthError('feature-unavailable', `${url} now has the digest ${digest}, not ${pin} as devcontainer-lock.json pins`, {
        hint: 'the tarball changed: review it, then delete its lockfile entry to accept the new content',
      });
    }
    const folder = await this.cache.store(digest, data);
    await this.cache.setRef(url, digest);
    this.log.info(`Feature ${userId}: downloaded ${url} (${digest.slice(0, 19)}…)`);
    return { folder, origin: { via: 'network' as const, resolved: url, integrity: digest } };
  }
}
