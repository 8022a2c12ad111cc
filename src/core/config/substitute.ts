/**
 * `${…}` variables in devcontainer.json string values (SPEC-DIGEST §2), the devcontainer id, and
 * the id labels it is computed from. Everything the substitution needs comes in a context.
 */
import { sha256Hex } from '../lazyNode';
import { basename as posixBasename } from 'node:path/posix';
import { basename as winBasename } from 'node:path/win32';
import { LABEL_CONFIG_FILE, LABEL_LOCAL_FOLDER } from '../labels';
import type { JsonPath } from './parse';

/** The inputs of a substitution; none are read from the process. */
export interface SubstitutionContext {
  platform: NodeJS.Platform;
  /** The host environment, for `${localEnv:…}` / `${env:…}`. */
  env: Record<string, string | undefined>;
  /** Absolute host path of the workspace (`${localWorkspaceFolder}`). */
  localWorkspaceFolder: string;
  /** The workspace path in the container (`${containerWorkspaceFolder}`); left literal when unknown. */
  containerWorkspaceFolder?: string;
  /** `${devcontainerId}`; left literal when unknown (before the id labels are). */
  devcontainerId?: string;
}

/** A `${…}` the substitution did not know or could not resolve, and where it was. */
export interface VariableProblem {
  path: JsonPath;
  /** The variable as written, e.g. `${foo}`. */
  variable: string;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * Replaces each `${…}` as the reference's non-greedy `/\$\{(.*?)\}/g` would (the body holds no
 * line break), in linear time: the regex backtracks quadratically on input like `${${${…` without
 * a closing brace.
 */
function replaceVariables(text: string, replace: (match: string, inner: string) => string): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start === -1) break;
    const end = text.indexOf('}', start + 2);
    // With no '}' left, no later '${' can close either.
    if (end === -1) break;
    const inner = text.slice(start + 2, end);
    const lastBreak = Math.max(inner.lastIndexOf('\n'), inner.lastIndexOf('\r'), inner.lastIndexOf('\u2028'), inner.lastIndexOf('\u2029'));
    if (lastBreak !== -1) {
      // Every '${' before that line break would span it too: resume after it.
      from = start + 2 + lastBreak + 1;
      continue;
    }
    out += text.slice(copied, start) + replace(text.slice(start, end + 1), inner);
    copied = from = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Names handled in a later pass; they stay as written without a warning. */
const LATER = new Set(['containerEnv']);

function basenameFor(platform: NodeJS.Platform, p: string): string {
  return platform === 'win32' ? winBasename(p) : posixBasename(p);
}

function lookupEnv(ctx: SubstitutionContext, name: string): string | undefined {
  if (ctx.platform !== 'win32') return ctx.env[name];
  // Windows environment names are case-insensitive.
  const upper = name.toUpperCase();
  for (const [k, v] of Object.entries(ctx.env)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

/** Substitutes one string. Problems (unknown variables) go to `report` with `path`. */
export function substituteString(
  text: string,
  ctx: SubstitutionContext,
  path: JsonPath = [],
  report?: (p: VariableProblem) => void,
): string {
  return replaceVariables(text, (match, inner) => {
    const [name, ...args] = inner.split(':');
    switch (name) {
      case 'localEnv':
      case 'env': {
        if (args.length === 0 || args[0] === '') {
          report?.({ path, variable: match, severity: 'error', message: `\`${match}\` needs a variable name, e.g. \${localEnv:HOME}` });
          return match;
        }
        const value = lookupEnv(ctx, args[0]);
        // The default ends at the next ':' (`${localEnv:X:a:b}` gives `a`), as in the reference.
        return value ?? args[1] ?? '';
      }
      case 'localWorkspaceFolder':
        return ctx.localWorkspaceFolder;
      case 'localWorkspaceFolderBasename':
        return basenameFor(ctx.platform, ctx.localWorkspaceFolder);
      case 'containerWorkspaceFolder':
        return ctx.containerWorkspaceFolder ?? match;
      case 'containerWorkspaceFolderBasename':
        return ctx.containerWorkspaceFolder === undefined ? match : posixBasename(ctx.containerWorkspaceFolder);
      case 'devcontainerId':
        return ctx.devcontainerId ?? match;
      default:
        if (!LATER.has(name)) {
          report?.({ path, variable: match, severity: 'warning', message: `unknown variable \`${match}\` is left as written` });
        }
        return match;
    }
  });
}

/**
 * Substitutes every string value in a JSON value (object keys are untouched). Returns a new value;
 * the input is not changed.
 */
export function substitute<T>(value: T, ctx: SubstitutionContext, report?: (p: VariableProblem) => void, path: JsonPath = []): T {
  return walk(value, path, (s, p) => substituteString(s, ctx, p, report)) as T;
}

function walk(value: unknown, path: JsonPath, onString: (s: string, path: JsonPath) => string): unknown {
  if (typeof value === 'string') return onString(value, path);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], onString));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: walk(v, [...path, k], onString), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * The third pass: `${containerEnv:VAR[:default]}` in remoteEnv values, against the running
 * container's environment. Unset without a default gives `''`. Other variables are left alone.
 */
export function resolveContainerEnv(
  remoteEnv: Record<string, string | null>,
  containerEnv: Record<string, string>,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(remoteEnv)) {
    out[key] = value === null ? null : resolveContainerEnvString(value, containerEnv);
  }
  return out;
}

/** `${containerEnv:…}` in one string. */
export function resolveContainerEnvString(text: string, containerEnv: Record<string, string>): string {
  return replaceVariables(text, (match, inner) => {
    const [name, ...args] = inner.split(':');
    if (name !== 'containerEnv' || !args[0]) return match;
    return Object.prototype.hasOwnProperty.call(containerEnv, args[0]) ? containerEnv[args[0]] : (args[1] ?? '');
  });
}

/**
 * The id labels of a workspace's container: `devcontainer.local_folder` and
 * `devcontainer.config_file`. On Windows the drive letter is lowercased, as the reference does.
 */
export function idLabels(workspaceFolder: string, configFile: string, platform: NodeJS.Platform = 'linux'): Record<string, string> {
  const fix = (p: string) => (platform === 'win32' ? p.replace(/^[A-Z]:/, (d) => d.toLowerCase()) : p);
  return { [LABEL_LOCAL_FOLDER]: fix(workspaceFolder), [LABEL_CONFIG_FILE]: fix(configFile) };
}

/**
 * `${devcontainerId}`: the id labels as compact JSON with sorted keys, SHA-256, read as one big
 * number and written in base 32 (`0-9a-v`), left-padded with `0` to 52 characters.
 */
export function devcontainerId(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) sorted[k] = labels[k];
  const hex = sha256Hex(JSON.stringify(sorted));
  return BigInt(`0x${hex}`).toString(32).padStart(52, '0');
}
