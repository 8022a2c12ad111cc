/**
 * The environment hooks and `exec` run with: the probed user env, overlaid by remoteEnv, whose values
 * may be `null` (unset the variable) or refer to the container's env as `${containerEnv:VAR}` or
 * `${containerEnv:VAR:default}` (the spec's third substitution pass, done once the container runs).
 */
import { resolveContainerEnvString } from '../config/substitute';

/**
 * `probed`, then each remoteEnv entry in order: `null` removes the variable, a string (after
 * `${containerEnv:…}` is resolved against `containerEnv`) sets it. `containerEnv` is the env of the
 * container's processes (`docker inspect` Config.Env, or an exec's `/proc/self/environ`); it defaults
 * to `probed`.
 *
 * A `null` only removes the variable from this record: an exec's env is added to the container's
 * `Config.Env`, so a variable set there stays visible unless the command is wrapped in `env -u`.
 */
export function combineRemoteEnv(
  probed: Record<string, string>,
  remoteEnv: Record<string, string | null>,
  containerEnv: Record<string, string> = probed,
): Record<string, string> {
  const env: Record<string, string> = { ...probed };
  for (const [name, value] of Object.entries(remoteEnv)) {
    if (value === null) delete env[name];
    else env[name] = resolveContainerEnvString(value, containerEnv);
  }
  return env;
}

/** `KEY=VALUE` list (Config.Env) as a record; a later entry wins. */
export function envListToRecord(list: readonly string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
