/**
 * The Compose project name of a dev container. First the reference CLI's rule (so other spec tools
 * find the same project), then, when that name already belongs to another workspace (two clones of
 * one repository both give `<repo>_devcontainer`), a name made unique by the devcontainerId.
 */
import { posix, win32 } from 'node:path';

/** Where the name came from, for the log. */
export type ProjectNameSource = 'COMPOSE_PROJECT_NAME' | '.env' | 'compose name' | 'workspace folder' | 'compose file folder';

export interface ProjectNameInput {
  /** The host environment (COMPOSE_PROJECT_NAME). */
  env: Record<string, string | undefined>;
  /** Text of `<workspace>/.env`, when there is one. */
  dotEnv?: string;
  /** Top-level `name` of the compose files (the last one that sets it). */
  composeName?: string;
  workspaceFolder: string;
  /** Absolute path of the first compose file. */
  firstComposeFile: string;
  platform: NodeJS.Platform;
}

/** Lowercase, only `[-_a-z0-9]` kept (Compose's own rule for project names). */
export function sanitizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

/** `COMPOSE_PROJECT_NAME=x` in a `.env` text (last assignment wins; quotes and comments handled). */
export function projectNameFromDotEnv(text: string): string | undefined {
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?COMPOSE_PROJECT_NAME\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[1].trim();
    const quoted = /^(['"])(.*)\1/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '');
    found = value;
  }
  return found || undefined;
}

/** A top-level `name:` in compose YAML text (a plain or quoted scalar), without a YAML parser. */
export function composeNameFromText(text: string): string | undefined {
  const m = /^name:[ \t]*(['"]?)([^'"#\r\n]*?)\1[ \t]*(?:#.*)?$/m.exec(text);
  const value = m?.[2].trim();
  return value ? value : undefined;
}

/** The reference CLI's project name and where it came from. */
export function referenceProjectName(input: ProjectNameInput): { name: string; source: ProjectNameSource } {
  const path = input.platform === 'win32' ? win32 : posix;
  const fromEnv = input.env.COMPOSE_PROJECT_NAME;
  if (fromEnv) return { name: sanitizeProjectName(fromEnv), source: 'COMPOSE_PROJECT_NAME' };
  const fromDotEnv = input.dotEnv === undefined ? undefined : projectNameFromDotEnv(input.dotEnv);
  if (fromDotEnv) return { name: sanitizeProjectName(fromDotEnv), source: '.env' };
  if (input.composeName) return { name: sanitizeProjectName(input.composeName), source: 'compose name' };
  const dir = path.dirname(input.firstComposeFile);
  if (path.resolve(dir) === path.resolve(input.workspaceFolder, '.devcontainer')) {
    return { name: sanitizeProjectName(`${path.basename(input.workspaceFolder)}_devcontainer`), source: 'workspace folder' };
  }
  return { name: sanitizeProjectName(path.basename(dir)), source: 'compose file folder' };
}

/** The name used when the reference name is taken by another workspace: `<name>_<first 10 of devcontainerId>`. */
export function uniqueProjectName(name: string, devcontainerId: string): string {
  return sanitizeProjectName(`${name}_${devcontainerId.slice(0, 10)}`);
}
