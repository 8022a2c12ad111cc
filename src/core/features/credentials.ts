/**
 * Registry credentials, in the reference CLI's order: `DEVCONTAINERS_OCI_AUTH`
 * (`registry|user|token,...`); then the way the docker CLI finds them, `~/.docker/config.json` (or
 * `$DOCKER_CONFIG/config.json`): `credHelpers[registry]`, else `credsStore`, through
 * `docker-credential-<name> get`, else `auths[registry].auth` (base64 `user:password`); then, for
 * ghcr.io, `GITHUB_TOKEN` (unless `GITHUB_HOST` names another GitHub).
 */
import { nodeChildProcess } from '../lazyNode';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RegistryCredentials {
  username: string;
  password: string;
  /**
   * A refresh token (`identitytoken` in the Docker config, e.g. from `az acr login`; a helper's
   * `<token>` user): exchanged at the token service for an access token instead of Basic credentials.
   */
  identityToken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Runs `docker-credential-<helper> get` with the registry on stdin; undefined when it has nothing. */
export type CredentialHelperRunner = (helper: string, registry: string, env: Record<string, string | undefined>) => Promise<RegistryCredentials | undefined>;

/** The real runner: the helper program found on the given environment's PATH. */
export const runCredentialHelper: CredentialHelperRunner = (helper, registry, env) =>
  new Promise((resolve) => {
    const child = nodeChildProcess().execFile(`docker-credential-${helper}`, ['get'], { timeout: 15000, env: env as NodeJS.ProcessEnv }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!parsed.Secret) resolve(undefined);
        else if (parsed.Username === '<token>') resolve({ username: '', password: '', identityToken: parsed.Secret });
        else resolve({ username: parsed.Username ?? '', password: parsed.Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(registry);
  });

/** The docker CLI's config folder for this environment. */
export function dockerConfigDir(env: Record<string, string | undefined>): string | undefined {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  const home = env.HOME ?? env.USERPROFILE;
  return home ? join(home, '.docker') : undefined;
}

/** Keys a registry may be stored under in `auths` (docker writes Docker Hub with its full URL). */
function authKeys(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === 'docker.io' || registry === 'registry-1.docker.io') keys.push('https://index.docker.io/v1/');
  return keys;
}

/** Credentials for a registry host (`ghcr.io`, `127.0.0.1:5000`), or undefined for anonymous access. */
export async function findCredentials(
  registry: string,
  env: Record<string, string | undefined>,
  runHelper: CredentialHelperRunner = runCredentialHelper,
): Promise<RegistryCredentials | undefined> {
  return fromOciAuthVariable(registry, env.DEVCONTAINERS_OCI_AUTH) ?? (await fromDockerConfig(registry, env, runHelper)) ?? fromGithubToken(registry, env);
}

/** `DEVCONTAINERS_OCI_AUTH=registry|user|token,registry2|user2|token2`: the entry for `registry`. */
function fromOciAuthVariable(registry: string, value: string | undefined): RegistryCredentials | undefined {
  for (const entry of value?.split(',') ?? []) {
    const [host, username, password] = entry.split('|');
    if (host === registry && username !== undefined && password !== undefined) return { username, password };
  }
  return undefined;
}

/** ghcr.io with `GITHUB_TOKEN` (a GitHub Actions or Codespaces token), as the reference CLI offers it. */
function fromGithubToken(registry: string, env: Record<string, string | undefined>): RegistryCredentials | undefined {
  const otherGithub = env.GITHUB_HOST !== undefined && env.GITHUB_HOST !== '' && env.GITHUB_HOST !== 'github.com';
  return registry === 'ghcr.io' && env.GITHUB_TOKEN && !otherGithub ? { username: 'USERNAME', password: env.GITHUB_TOKEN } : undefined;
}

async function fromDockerConfig(registry: string, env: Record<string, string | undefined>, runHelper: CredentialHelperRunner): Promise<RegistryCredentials | undefined> {
  const dir = dockerConfigDir(env);
  if (!dir) return undefined;
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const helper = config.credHelpers?.[registry];
  if (helper) return runHelper(helper, registry, env);
  if (config.credsStore) {
    const found = await runHelper(config.credsStore, registry, env);
    if (found) return found;
  }
  for (const key of authKeys(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.identitytoken) return { username: '', password: '', identityToken: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  return undefined;
}
