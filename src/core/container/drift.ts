/**
 * "What changed since this container was made?" Build inputs are hashed one by one (spec
 * properties, the Dockerfile, each context file the Dockerfile copies) and stored on the container
 * as labels, so `up` and `status` can name the input that changed rather than just "out of date".
 */
import { sha256Hex } from '../lazyNode';
import { type Dirent } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { MountObject, ResolvedConfig } from '../config/types';
import { CONTAINER_HOOKS } from '../config/types';
import { DockerignoreMatcher, patternToRegex } from '../engine/dockerignore';
import { LABEL_BERTH_BUILD_HASH, LABEL_BERTH_BUILD_INPUTS } from '../labels';
import type { DriftItem } from '../usecases/types';
import { copySources } from './dockerfileSources';
import { parseStages } from '../production/dockerfileStages';
import { parseMount } from './mounts';

/** The value of LABEL_BERTH_BUILD_HASH and the map behind it (LABEL_BERTH_BUILD_INPUTS as JSON). */
export interface BuildInputs {
  /** SHA-256 over all inputs: equal hashes mean nothing that goes into the image changed. */
  hash: string;
  /** Input name (`Dockerfile`, `build.args`, `context file src/app.js`, …) → short hash of it. */
  inputs: Record<string, string>;
  /**
   * Whether the hash covers everything the build reads besides its base images: every copied file
   * by content, no ADD from a URL or git, no RUN --mount. Only then may an image with the same
   * hash (and the same base images) stand in for a build.
   */
  complete: boolean;
  /** Images a Dockerfile build reads (external FROMs, COPY --from=image); undefined when not known. */
  baseImages?: string[];
}

/** Limits that keep hashing a huge context fast. */
export interface BuildInputsOptions {
  /** Files whose contents are hashed; past this, size and mtime stand in. Default 5000. */
  maxFiles?: number;
  /** Bytes of content hashed; past this, size and mtime stand in. Default 200 MB. */
  maxBytes?: number;
  /** Up to this many copied files each get their own input; more are grouped per COPY source. Default 200. */
  maxNamedFiles?: number;
  /** Entries walked in the context before giving up on listing it. Default 50000. */
  maxWalk?: number;
}

const SHORT = 12;

function sha(data: string | Buffer): string {
  return sha256Hex(data);
}

function short(data: string | Buffer): string {
  return sha(data).slice(0, SHORT);
}

/** JSON with object keys sorted, so equal values hash equally whatever order they were written in. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface WalkResult {
  files: string[];
  truncated: boolean;
}

/** Lists the context's files (relative, `/`-separated) that its `.dockerignore` lets through. */
async function walkContext(context: string, maxWalk: number): Promise<WalkResult> {
  let ignore = new DockerignoreMatcher([]);
  try {
    ignore = DockerignoreMatcher.fromText(await readFile(join(context, '.dockerignore'), 'utf8'));
  } catch {
    // no .dockerignore: everything is in the context
  }
  const files: string[] = [];
  let seen = 0;
  const walk = async (rel: string): Promise<boolean> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(context, rel), { withFileTypes: true });
    } catch {
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++seen > maxWalk) return false;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (ignore.ignores(path) && !ignore.mayReincludeUnder(path)) continue;
        if (!(await walk(path))) return false;
      } else if (!ignore.ignores(path)) {
        files.push(path);
      }
    }
    return true;
  };
  const complete = await walk('');
  return { files, truncated: !complete };
}

/** Whether `file` is copied by source `pattern` (the file itself, or a directory above it, matches). */
function matcherFor(pattern: string): (file: string) => boolean {
  if (pattern === '.' || pattern === '') return () => true;
  const re = patternToRegex(pattern.replace(/\/+$/, ''));
  return (file) => {
    if (re.test(file)) return true;
    for (let i = file.indexOf('/'); i >= 0; i = file.indexOf('/', i + 1)) if (re.test(file.slice(0, i))) return true;
    return false;
  };
}

/** Hashes files, switching from contents to size+mtime once the budget is spent. */
async function hashFiles(context: string, files: string[], maxFiles: number, maxBytes: number): Promise<{ hashes: Map<string, string>; estimated: boolean }> {
  const out = new Map<string, string>();
  let estimated = false;
  let count = 0;
  let bytes = 0;
  for (const file of files) {
    const abs = join(context, file);
    try {
      const st = await lstat(abs);
      if (st.isSymbolicLink()) {
        out.set(file, short(`link:${await readlink(abs)}`));
      } else if (!st.isFile()) {
        // A device or FIFO (a context that reaches /dev) would never end or block: name its kind only.
        out.set(file, short(`special:${st.mode}`));
      } else if (count < maxFiles && bytes + st.size <= maxBytes) {
        count++;
        bytes += st.size;
        out.set(file, short(await readFile(abs)));
      } else {
        estimated = true;
        out.set(file, short(`stat:${st.size}:${st.mtimeMs}`));
      }
    } catch {
      out.set(file, 'missing');
    }
  }
  return { hashes: out, estimated };
}

/** The per-property inputs of a config: what changes the image, from the spec itself. */
function propertyInputs(config: ResolvedConfig): Record<string, string> {
  const inputs: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    inputs[name] = short(canonical(value));
  };
  if (config.kind === 'image') put('image', config.image);
  if (config.kind === 'dockerfile') {
    put('build.args', config.buildArgs);
    put('build.target', config.target);
    put('build.options', config.buildOptions);
  }
  if (config.kind === 'compose') put('dockerComposeFile', config.composeFiles);
  put('features', config.features);
  put('overrideFeatureInstallOrder', config.overrideFeatureInstallOrder);
  put('updateRemoteUserUID', config.updateRemoteUserUID);
  return inputs;
}

/**
 * Hashes every build input of `config`. For a Dockerfile config that includes the Dockerfile text
 * and each context file its COPY/ADD instructions read (honouring `.dockerignore`).
 */
export async function computeBuildInputs(config: ResolvedConfig, options: BuildInputsOptions = {}): Promise<BuildInputs> {
  const inputs = propertyInputs(config);
  if (config.kind === 'dockerfile') {
    let text: string | undefined;
    try {
      text = await readFile(config.dockerfile, 'utf8');
    } catch {
      inputs.Dockerfile = 'missing';
    }
    if (text !== undefined) {
      inputs.Dockerfile = short(text);
      const context = await contextInputs(config.context, text, config.buildArgs, options);
      Object.assign(inputs, context.inputs);
      return { hash: sha(canonical(inputs)), inputs, complete: context.complete, baseImages: externalImages(text, config.buildArgs, context.copyFrom) };
    }
  }
  return { hash: sha(canonical(inputs)), inputs, complete: config.kind === 'image' };
}

/**
 * The images a Dockerfile reads: FROMs that are not earlier stages (nor `scratch`), and COPY
 * --from values that are neither stage names nor indexes. Undefined when one cannot be worked out.
 */
export function externalImages(dockerfileText: string, buildArgs: Record<string, string>, copyFrom: string[]): string[] | undefined {
  const stages = parseStages(dockerfileText, buildArgs);
  const names = new Set<string>();
  const images = new Set<string>();
  for (const stage of stages) {
    const from = stage.from.toLowerCase();
    if (stage.from === '' || stage.from.includes('$')) return undefined;
    if (!names.has(from) && from !== 'scratch') images.add(stage.from);
    if (stage.name) names.add(stage.name);
  }
  for (const ref of copyFrom) {
    if (ref === '' || ref.includes('$')) return undefined;
    if (!names.has(ref.toLowerCase()) && !/^\d+$/.test(ref)) images.add(ref);
  }
  return [...images].sort();
}

async function contextInputs(
  context: string,
  dockerfileText: string,
  buildArgs: Record<string, string>,
  options: BuildInputsOptions,
): Promise<{ inputs: Record<string, string>; complete: boolean; copyFrom: string[] }> {
  const { sources, unresolved, remote, runMounts, copyFrom } = copySources(dockerfileText, buildArgs);
  if (unresolved) sources.push('.');
  const readsOutside = remote || runMounts;
  if (sources.length === 0) return { inputs: {}, complete: !readsOutside, copyFrom };
  const walked = await walkContext(context, options.maxWalk ?? 50000);
  const inputs: Record<string, string> = {};
  if (walked.truncated) inputs['context (too many files to list)'] = short(walked.files.join('\n'));

  const perSource = sources.map((source) => {
    const matches = matcherFor(source);
    return { source, files: walked.files.filter(matches) };
  });
  const copied = [...new Set(perSource.flatMap((s) => s.files))].sort();
  const { hashes, estimated } = await hashFiles(context, copied, options.maxFiles ?? 5000, options.maxBytes ?? 200 * 1024 * 1024);

  if (copied.length <= (options.maxNamedFiles ?? 200)) {
    for (const file of copied) inputs[`context file ${file}`] = hashes.get(file) ?? 'missing';
  } else {
    for (const { source, files } of perSource) {
      inputs[`context ${source}`] = short(files.map((f) => `${f}\0${hashes.get(f)}`).join('\n'));
    }
  }
  // A source that matches nothing fails the build; record it so its appearance counts as a change.
  for (const { source, files } of perSource) if (files.length === 0) inputs[`context file ${source}`] = 'missing';
  return { inputs, complete: !readsOutside && !walked.truncated && !estimated, copyFrom };
}

/** Reads LABEL_BERTH_BUILD_INPUTS back; undefined when absent or not the JSON Berth writes. */
export function parseBuildInputsLabel(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** The two labels that record `inputs` on an image or container. */
export function buildInputsLabels(inputs: BuildInputs): Record<string, string> {
  return { [LABEL_BERTH_BUILD_HASH]: inputs.hash, [LABEL_BERTH_BUILD_INPUTS]: JSON.stringify(inputs.inputs) };
}

/**
 * The build drift of a container or image from its labels: empty when the hash matches, the changed
 * inputs otherwise, and undefined when the labels are missing (made by another tool, or before
 * Berth recorded inputs), so the caller can say "unknown" rather than guess.
 */
export function buildDrift(labels: Record<string, string> | undefined, now: BuildInputs): DriftItem[] | undefined {
  const hash = labels?.[LABEL_BERTH_BUILD_HASH];
  if (!hash) return undefined;
  if (hash === now.hash) return [];
  const old = parseBuildInputsLabel(labels?.[LABEL_BERTH_BUILD_INPUTS]);
  if (!old) return [{ input: 'build inputs (only the overall hash was recorded)', needsRebuild: true }];
  const items = diffBuildInputs(old, now.inputs);
  return items.length > 0 ? items : [{ input: 'build inputs', needsRebuild: true }];
}

/** Names each build input that differs between the recorded and the current inputs. */
export function diffBuildInputs(old: Record<string, string>, now: Record<string, string>): DriftItem[] {
  const names = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
  const items: DriftItem[] = [];
  for (const name of names) {
    if (old[name] === now[name]) continue;
    const suffix = old[name] === undefined ? ' (new)' : now[name] === undefined ? ' (removed)' : '';
    items.push({ input: `${name}${suffix}`, needsRebuild: true });
  }
  return items;
}

/** One `devcontainer.metadata` entry, as far as runtime drift reads it. */
type MetadataEntry = Record<string, unknown>;

function metadataEntries(label: unknown): MetadataEntry[] {
  let value = label;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.filter((e): e is MetadataEntry => !!e && typeof e === 'object' && !Array.isArray(e));
}

function lastTruthy(entries: MetadataEntry[], key: string): unknown {
  let found: unknown;
  for (const e of entries) if (e[key]) found = e[key];
  return found;
}

function mergedRecord(entries: MetadataEntry[], key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const v = e[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v);
  }
  return out;
}

function portKey(p: unknown): string {
  const s = String(p);
  return s.startsWith('localhost:') ? s.slice('localhost:'.length) : s;
}

function mountKey(m: unknown): [string, string] {
  try {
    const parsed = parseMount(m as string | MountObject);
    return [parsed.target, canonical(parsed)];
  } catch {
    return [canonical(m), canonical(m)];
  }
}

/**
 * Compares what an existing container was made with (its `devcontainer.metadata` label, as text or
 * parsed) against the current config, for the properties that are not image inputs. Changes that
 * reach the container without recreating it (remoteEnv, remoteUser, userEnvProbe, forwardPorts,
 * hooks) have needsRebuild false; those fixed at creation (containerEnv, containerUser, mounts,
 * init, privileged, capAdd, securityOpt) have needsRebuild true.
 */
export function runtimeDrift(oldMetadata: unknown, now: ResolvedConfig): DriftItem[] {
  const entries = metadataEntries(oldMetadata);
  const items: DriftItem[] = [];
  const add = (input: string, needsRebuild: boolean) => items.push({ input, needsRebuild });

  const envDiff = (name: 'remoteEnv' | 'containerEnv', nowEnv: Record<string, unknown>, needsRebuild: boolean) => {
    const oldEnv = mergedRecord(entries, name);
    const keys = [...new Set([...Object.keys(oldEnv), ...Object.keys(nowEnv)])].sort();
    for (const k of keys) if (canonical(oldEnv[k]) !== canonical(nowEnv[k])) add(`${name}.${k}`, needsRebuild);
  };
  envDiff('remoteEnv', now.remoteEnv, false);
  envDiff('containerEnv', now.containerEnv, true);

  const oldContainerUser = lastTruthy(entries, 'containerUser');
  const oldRemoteUser = lastTruthy(entries, 'remoteUser') ?? oldContainerUser;
  if ((oldRemoteUser ?? '') !== (now.remoteUser ?? now.containerUser ?? '')) add('remoteUser', false);
  if ((oldContainerUser ?? '') !== (now.containerUser ?? '')) add('containerUser', true);
  if ((lastTruthy(entries, 'userEnvProbe') ?? 'loginInteractiveShell') !== now.userEnvProbe) add('userEnvProbe', false);

  const oldPorts = new Set(entries.flatMap((e) => (Array.isArray(e.forwardPorts) ? e.forwardPorts.map(portKey) : [])));
  const nowPorts = new Set(now.forwardPorts.map(portKey));
  if (oldPorts.size !== nowPorts.size || [...nowPorts].some((p) => !oldPorts.has(p))) add('forwardPorts', false);

  for (const hook of CONTAINER_HOOKS) {
    const oldList = entries.map((e) => e[hook]).filter((c) => c !== undefined && c !== null && c !== '');
    const nowList = now.hooks[hook].map((h) => h.command);
    if (canonical(oldList) !== canonical(nowList)) add(hook, false);
  }

  const oldMounts = new Map(entries.flatMap((e) => (Array.isArray(e.mounts) ? e.mounts.map(mountKey) : [])));
  const nowMounts = new Map(now.mounts.map(mountKey));
  if (canonical(Object.fromEntries(oldMounts)) !== canonical(Object.fromEntries(nowMounts))) add('mounts', true);

  const anyTrue = (key: string) => entries.some((e) => e[key] === true);
  if (anyTrue('init') !== now.init) add('init', true);
  if (anyTrue('privileged') !== now.privileged) add('privileged', true);
  const union = (key: string) => [...new Set(entries.flatMap((e) => (Array.isArray(e[key]) ? (e[key] as unknown[]).map(String) : [])))].sort();
  if (canonical(union('capAdd')) !== canonical([...new Set(now.capAdd)].sort())) add('capAdd', true);
  if (canonical(union('securityOpt')) !== canonical([...new Set(now.securityOpt)].sort())) add('securityOpt', true);
  return items;
}
