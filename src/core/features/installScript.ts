/**
 * What a Feature's install step gets: its options as `NAME="value"` lines (the spec's name mangling,
 * values unescaped as the spec and the reference write them), the builtin user variables, and the
 * wrapper that sources both and runs `./install.sh`.
 */
import { shellQuote } from '../shell';

/** The spec's option name → variable name: non-word characters → `_`, leading digits/underscores → `_`, uppercase. */
export function optionEnvName(option: string): string {
  return option.replace(/[^\w_]/g, '_').replace(/^[\d_]+/, '_').toUpperCase();
}

/** devcontainer-features.env: one `NAME="value"` line per option. */
export function optionsEnvFile(options: Record<string, string | boolean>): string {
  return Object.entries(options)
    .map(([name, value]) => `${optionEnvName(name)}="${String(value)}"\n`)
    .join('');
}

/** devcontainer-features.builtin.env before the homes are appended in the image (they need its passwd). */
export function builtinEnvFile(containerUser: string, remoteUser: string): string {
  return `_CONTAINER_USER="${containerUser}"\n_REMOTE_USER="${remoteUser}"\n`;
}

/**
 * A shell command (for a RUN) that appends `_CONTAINER_USER_HOME` and `_REMOTE_USER_HOME` to the
 * builtin env file, looked up in the image's user database (getent, else /etc/passwd).
 */
export function appendHomesCommand(builtinEnvPath: string, containerUser: string, remoteUser: string): string {
  const home = (user: string) =>
    `$( (getent passwd ${shellQuote(user)} 2>/dev/null || grep -E ${shellQuote(`^${user.replace(/[.[\]*^$\\]/g, '\\$&')}:`)} /etc/passwd || true) | head -n 1 | cut -d: -f6)`;
  const f = shellQuote(builtinEnvPath);
  return `echo "_CONTAINER_USER_HOME=\\"${home(containerUser)}\\"" >> ${f} && echo "_REMOTE_USER_HOME=\\"${home(remoteUser)}\\"" >> ${f}`;
}

/** The wrapper each Feature's RUN executes from its folder: `set -e`, both env files exported, `./install.sh`. */
export function installWrapper(feature: { userId: string; version?: string; options: Record<string, string | boolean> }): string {
  const summary = `${feature.userId}${feature.version ? ` (version ${feature.version})` : ''}`;
  return [
    '#!/bin/sh',
    'set -e',
    `echo ${shellQuote(`berth: installing Feature ${summary}`)}`,
    'set -a',
    '. ../devcontainer-features.builtin.env',
    '. ./devcontainer-features.env',
    'set +a',
    'chmod +x ./install.sh',
    './install.sh',
    '',
  ].join('\n');
}
