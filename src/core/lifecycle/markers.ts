/**
 * Marker files that record which hooks ran in a container, in the reference CLI's layout so that
 * switching between Berth and the `devcontainer` CLI does not rerun hooks:
 * `<home>/.devcontainer/.<hook>Marker` holding the container's `Created` timestamp (create hooks) or
 * `State.StartedAt` (postStart), followed by a newline.
 */
import type { ContainerExec } from '../engine/types';
import { BerthError } from '../errors';
import type { LifecycleMarkers, MarkedHookName } from './plan';

export const MARKED_HOOKS: readonly MarkedHookName[] = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
];

/** The folder the markers live in for a user whose home is `home`. */
export function markerDirFor(home: string): string {
  return `${home.replace(/\/+$/, '')}/.devcontainer`;
}

/** Path of one hook's marker file. */
export function markerPath(markerDir: string, hook: MarkedHookName): string {
  return `${markerDir}/.${hook}Marker`;
}

/** What one read of the container found. */
export interface MarkerState {
  /** The user's home folder in the container (passwd, else `$HOME`, else `/`). */
  home: string;
  markerDir: string;
  markers: LifecycleMarkers;
}

export interface MarkerExecOptions {
  /** The remote user: markers belong to (and are read as) that user. */
  user?: string;
  signal?: AbortSignal;
}

// Values are passed as positional args, never spliced into the script, so nothing needs quoting.
// Records end with \x1e and split key from value with \x1f, so an empty or odd marker cannot break parsing.
const READ_SCRIPT = [
  'h=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)',
  '[ -n "$h" ] || h=$(grep "^[^:]*:[^:]*:$(id -u):" /etc/passwd 2>/dev/null | head -n 1 | cut -d: -f6)',
  '[ -n "$h" ] || h="${HOME:-/}"',
  'd="${1:-$h/.devcontainer}"',
  'printf "home\\037%s\\036" "$h"',
  'printf "dir\\037%s\\036" "$d"',
  'for n in onCreateCommand updateContentCommand postCreateCommand postStartCommand; do',
  '  if [ -f "$d/.${n}Marker" ]; then printf "%s\\037" "$n"; cat "$d/.${n}Marker"; printf "\\036"; fi',
  'done',
].join('\n');

/** Parses the output of the read script; exported for tests. */
export function parseMarkerOutput(out: string): MarkerState {
  const state: MarkerState = { home: '/', markerDir: '', markers: {} };
  for (const record of out.split('\x1e')) {
    const sep = record.indexOf('\x1f');
    if (sep < 0) continue;
    const key = record.slice(0, sep).trim();
    const value = record.slice(sep + 1).trim();
    if (key === 'home') state.home = value || '/';
    else if (key === 'dir') state.markerDir = value;
    else if ((MARKED_HOOKS as readonly string[]).includes(key)) state.markers[key as MarkedHookName] = value;
  }
  if (!state.markerDir) state.markerDir = markerDirFor(state.home);
  return state;
}

/**
 * Reads the home folder and every marker in ONE exec (each exec costs ~50-90 ms). `markerDir`
 * overrides `<home>/.devcontainer`.
 */
export async function readMarkers(
  exec: ContainerExec,
  containerId: string,
  options: MarkerExecOptions & { markerDir?: string } = {},
): Promise<MarkerState> {
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  const { exitCode } = await exec.exec(containerId, {
    cmd: ['/bin/sh', '-c', READ_SCRIPT, 'berth-markers', options.markerDir ?? ''],
    user: options.user,
    signal: options.signal,
    onStdout: (c) => chunks.push(c),
    onStderr: (c) => errors.push(c),
  });
  if (exitCode !== 0) {
    throw new BerthError('docker-error', `Could not read the lifecycle markers in the container (exit code ${exitCode})`, {
      hint: Buffer.concat(errors).toString('utf8').trim() || 'Check that /bin/sh exists in the image.',
    });
  }
  return parseMarkerOutput(Buffer.concat(chunks).toString('utf8'));
}

/** Records that `hook` ran: writes `value` and a newline to its marker, creating the folder. */
export async function writeMarker(
  exec: ContainerExec,
  containerId: string,
  options: MarkerExecOptions & { markerDir: string; hook: MarkedHookName; value: string },
): Promise<void> {
  const errors: Buffer[] = [];
  const { exitCode } = await exec.exec(containerId, {
    cmd: ['/bin/sh', '-c', 'mkdir -p "$1" && printf "%s\\n" "$3" > "$1/.$2Marker"', 'berth-marker', options.markerDir, options.hook, options.value],
    user: options.user,
    signal: options.signal,
    onStderr: (c) => errors.push(c),
  });
  if (exitCode !== 0) {
    throw new BerthError('docker-error', `Could not write ${markerPath(options.markerDir, options.hook)} (exit code ${exitCode})`, {
      hint: Buffer.concat(errors).toString('utf8').trim() || 'Check that the remote user can write to its home folder.',
    });
  }
}
