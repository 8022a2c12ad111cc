/**
 * Paths between the host workspace folder and its place in the container, so problem matchers
 * running on the host find the files a compiler in the container names. Pure: no `vscode` import.
 */
import { posix } from 'node:path';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

/**
 * Replaces every container path under `containerFolder` in `text` with the same path under
 * `hostFolder`. A path must start at the folder exactly (`/workspaces/app2` is not under
 * `/workspaces/app`). On a Windows host the separators of the mapped part become backslashes.
 */
export function mapContainerPaths(text: string, containerFolder: string, hostFolder: string): string {
  const from = trimSlash(containerFolder);
  const to = trimSlash(hostFolder);
  if (from === '' || from === '/' || from === to) return text;
  const windows = to.includes('\\');
  // Stop at characters compilers put after a path (`:line`, quotes, brackets, whitespace).
  const re = new RegExp(`(^|[^\\w./-])${escapeRegExp(from)}(?=$|[/\\s:'"()\\[\\],;])((?:/[^\\s:'"()\\[\\],;]*)?)`, 'g');
  return text.replace(re, (_m, before: string, rest: string) => before + to + (windows ? rest.replace(/\//g, '\\') : rest));
}

/**
 * `mapContainerPaths` over a stream of chunks: a chunk may end inside a path, so the unfinished
 * last line is held back until its end arrives (or `flush`). Output stays line-true.
 */
export class StreamingPathMapper {
  private pending = '';

  constructor(
    private readonly containerFolder: string,
    private readonly hostFolder: string,
  ) {}

  push(chunk: string): string {
    const text = this.pending + chunk;
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (cut < 0) {
      this.pending = text;
      // Don't hold a long line without a break forever (progress bars, prompts).
      return this.pending.length > 4096 ? this.flush() : '';
    }
    this.pending = text.slice(cut + 1);
    return mapContainerPaths(text.slice(0, cut + 1), this.containerFolder, this.hostFolder);
  }

  flush(): string {
    const out = mapContainerPaths(this.pending, this.containerFolder, this.hostFolder);
    this.pending = '';
    return out;
  }
}

/** The reverse: a host path inside the workspace folder to its container path; undefined when outside. */
export function hostToContainerPath(hostPath: string, hostFolder: string, containerFolder: string): string | undefined {
  const norm = (p: string) => trimSlash(p.replace(/\\/g, '/'));
  const h = norm(hostPath);
  const root = norm(hostFolder);
  if (h === root) return trimSlash(containerFolder);
  if (!h.startsWith(root + '/')) return undefined;
  return posix.join(trimSlash(containerFolder), h.slice(root.length + 1));
}

/** A `berth` task as written in tasks.json. */
export interface BerthTaskDefinition {
  type: 'berth';
  /** A shell command line (run through /bin/sh -c) or, with `args`, the program to run. */
  command: string;
  args?: string[];
  /** Working folder in the container; relative to the container workspace folder. */
  cwd?: string;
}

/** argv and working folder for a berth task. */
export function taskCommandLine(
  def: Pick<BerthTaskDefinition, 'command' | 'args' | 'cwd'>,
  containerFolder: string,
): { cmd: string[]; cwd: string } {
  const cmd = def.args && def.args.length > 0 ? [def.command, ...def.args] : ['/bin/sh', '-c', def.command];
  const cwd = def.cwd ? posix.resolve(trimSlash(containerFolder), def.cwd) : trimSlash(containerFolder);
  return { cmd, cwd };
}

/** Quotes one argument for /bin/sh (single quotes; safe for any content). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Replaces `${workspaceFolder}` (and `${workspaceRoot}`) with a folder: enough for tasks.json cwd values. */
export function substituteWorkspaceFolder(value: string, folder: string): string {
  return value.replace(/\$\{(workspaceFolder|workspaceRoot)\}/g, folder);
}
