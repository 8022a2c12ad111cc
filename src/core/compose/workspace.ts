/**
 * Where the workspace is in a Compose dev container, and whether Berth mounts it. The reference CLI
 * adds no mount and defaults workspaceFolder to `/`; Berth mounts the workspace when the spec implies
 * it (see the README, "Docker Compose"):
 * - `workspaceMount` set: that mount (`""`: none);
 * - no workspaceFolder: the workspace at `/workspaces/<basename>`, which becomes the workspaceFolder;
 * - a workspaceFolder the service's own volumes do not already cover: the workspace there.
 */
import { posix, win32 } from 'node:path';
import type { DevContainerJson } from '../config/types';
import { parseMountString } from '../container/mounts';
import type { EngineMount } from '../engine/types';
import { shellWords } from '../shell';

export interface ComposeWorkspaceInput {
  /** devcontainer.json after substitution. */
  raw: DevContainerJson;
  workspaceFolderHost: string;
  platform: NodeJS.Platform;
  /** Targets of the service's volumes in the user's compose files; undefined when unknown. */
  serviceVolumeTargets?: string[];
}

export interface ComposeWorkspace {
  /** The remote workspace folder. */
  workspaceFolder: string;
  /** The mount Berth adds to `service`, if any. */
  mount?: EngineMount;
}

function basenameOf(folder: string, platform: NodeJS.Platform): string {
  return (platform === 'win32' ? win32 : posix).basename(folder);
}

/** True when `target` is `folder` or one of its parents. */
export function covers(target: string, folder: string): boolean {
  const t = target.length > 1 ? target.replace(/\/+$/, '') : target;
  return folder === t || folder.startsWith(t === '/' ? '/' : `${t}/`);
}

/** The workspace folder in the container only (enough to attach; no compose file needed). */
export function composeWorkspaceFolder(raw: DevContainerJson, workspaceFolderHost: string, platform: NodeJS.Platform): string {
  if (typeof raw.workspaceFolder === 'string' && raw.workspaceFolder !== '') return raw.workspaceFolder;
  if (typeof raw.workspaceMount === 'string' && raw.workspaceMount !== '') return parseMountString(raw.workspaceMount).target;
  if (raw.workspaceMount === '') return '/';
  return `/workspaces/${basenameOf(workspaceFolderHost, platform)}`;
}

/** The workspace folder and the mount Berth adds for it. */
export function composeWorkspace(input: ComposeWorkspaceInput): ComposeWorkspace {
  const { raw } = input;
  const workspaceFolder = composeWorkspaceFolder(raw, input.workspaceFolderHost, input.platform);
  if (typeof raw.workspaceMount === 'string') {
    return raw.workspaceMount === '' ? { workspaceFolder } : { workspaceFolder, mount: parseMountString(raw.workspaceMount) };
  }
  if (workspaceFolder === '/') return { workspaceFolder };
  const explicitFolder = typeof raw.workspaceFolder === 'string' && raw.workspaceFolder !== '';
  if (explicitFolder && (input.serviceVolumeTargets ?? []).some((t) => covers(t, workspaceFolder))) return { workspaceFolder };
  return { workspaceFolder, mount: { type: 'bind', source: input.workspaceFolderHost, target: workspaceFolder } };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** One item of a list in `compose config` output: a plain string, or a map of plain values. */
export type ComposeListItem = string | Record<string, string>;

/**
 * The items of one list property (`volumes`, `ports`) of one service in `compose config` output
 * (YAML as Compose prints it: `- text` items or `- key: value` maps). A small reader for that one
 * shape, not general YAML.
 */
export function serviceList(configYaml: string, service: string, key: string): ComposeListItem[] {
  const lines = configYaml.split(/\r?\n/);
  let i = lines.findIndex((l) => /^services:\s*$/.test(l));
  if (i < 0) return [];
  let serviceIndent = -1;
  for (i++; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    if (indentOf(l) === 0) return [];
    const m = /^(\s+)(['"]?)([^'":]+)\2:\s*$/.exec(l);
    if (m && (serviceIndent < 0 || m[1].length === serviceIndent)) {
      serviceIndent = m[1].length;
      if (m[3] === service) break;
    }
  }
  if (i >= lines.length) return [];
  const items: ComposeListItem[] = [];
  let listIndent = -1;
  let current: Record<string, string> | undefined;
  const header = new RegExp(`^\\s+${key}:\\s*$`);
  for (i++; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    const ind = indentOf(l);
    if (ind <= serviceIndent) break;
    if (listIndent < 0) {
      if (ind === serviceIndent + 2 && header.test(l)) listIndent = ind;
      continue;
    }
    const trimmed = l.trim();
    if (ind <= listIndent && !trimmed.startsWith('- ')) break;
    const item = /^-\s+(.*)$/.exec(trimmed);
    const body = item ? item[1] : trimmed;
    // A YAML key needs `: ` (or a line end) after it: `vol:/path` is a plain string.
    const pair = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(body);
    if (item && !pair) {
      current = undefined;
      items.push(unquote(body));
      continue;
    }
    if (!pair) continue;
    if (item || !current) {
      current = {};
      items.push(current);
    }
    current[pair[1]] = unquote(pair[2] ?? '');
  }
  return items;
}

/** The volume targets of one service in `compose config` output (`src:dst[:mode]` or `target:`). */
export function serviceVolumeTargets(configYaml: string, service: string): string[] {
  return serviceList(configYaml, service, 'volumes').map((v) => {
    if (typeof v !== 'string') return v.target ?? '';
    const parts = v.split(':');
    return parts.length >= 2 ? parts[1] : parts[0];
  });
}

/** The container ports one service already publishes in `compose config` output. */
export function servicePublishedPorts(configYaml: string, service: string): number[] {
  const out: number[] = [];
  for (const p of serviceList(configYaml, service, 'ports')) {
    if (typeof p !== 'string') {
      if (p.published !== undefined && p.target !== undefined) out.push(Number.parseInt(p.target, 10));
      continue;
    }
    // `[ip:][host:]container[/proto]`: the container port is the last field (ranges: their first port).
    const container = p.split('/')[0].split(':').pop() ?? '';
    const n = Number.parseInt(container, 10);
    if (p.includes(':') && !Number.isNaN(n)) out.push(n);
  }
  return out;
}

/**
 * The `image:` of one service in `compose config` output, when it sets one (a plain or quoted
 * scalar at the service's own level).
 */
export function serviceImage(configYaml: string, service: string): string | undefined {
  return serviceScalar(configYaml, service, 'image');
}

/**
 * A service's `entrypoint` or `command` in `compose config` output as an argv: the list form as it
 * is, the string form split as Compose splits it (shell words: quotes and backslashes). Undefined when
 * the service does not set it.
 */
export function serviceArgv(configYaml: string, service: string, key: 'entrypoint' | 'command'): string[] | undefined {
  const listed = serviceList(configYaml, service, key);
  if (listed.length > 0) return listed.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  const text = serviceScalar(configYaml, service, key);
  return text === undefined ? undefined : shellWords(text);
}

/** A plain or quoted scalar property (`image`, `user`) at one service's own level in `compose config` output. */
export function serviceScalar(configYaml: string, service: string, key: string): string | undefined {
  const lines = configYaml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^services:\s*$/.test(l));
  if (start < 0) return undefined;
  let serviceIndent = -1;
  let inService = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    const ind = indentOf(l);
    if (ind === 0) break;
    const header = /^(\s+)(['"]?)([^'":]+)\2:\s*$/.exec(l);
    if (header && (serviceIndent < 0 || header[1].length === serviceIndent)) {
      serviceIndent = header[1].length;
      inService = header[3] === service;
      continue;
    }
    if (!inService) continue;
    const value = new RegExp(`^\\s+${key}:\\s*(.+)$`).exec(l);
    if (value && ind === serviceIndent + 2) return unquote(value[1]);
  }
  return undefined;
}
