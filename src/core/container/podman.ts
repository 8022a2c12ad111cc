/**
 * Podman on Linux: the reference CLI runs dev containers there with `--security-opt label=disable`
 * (SELinux would otherwise deny the container its bind-mounted workspace) and, when the remote user
 * is not root, `--userns=keep-id` (the host user keeps its UID inside, so workspace files keep their
 * owner), unless runArgs maps ids itself (`--uidmap` / `--gidmap`). Through the Docker API these are
 * HostConfig.SecurityOpt and HostConfig.UsernsMode.
 *
 * Podman accepts keep-id only when rootless: a rootful service refuses the create with "keep-id is
 * only supported in rootless mode" (measured on Podman 4.3.1), where the reference CLI fails. Berth
 * asks for keep-id only when the engine reports itself rootless.
 */
import type { EngineFacts } from '../engine/types';
import { runArgsUser } from './runArgs';

export interface PodmanRunInput {
  /** What the planner needs to know about the engine (omitted means Docker). */
  engine?: EngineFacts;
  /** The host OS (`process.platform`): the rules are for Linux hosts, as in the reference. */
  platform?: string;
  /** The merged remoteUser (devcontainer.json and image metadata), without the containerUser fallback. */
  remoteUser?: string;
  runArgs: readonly string[];
  /** `Config.User` of the image the container runs (empty means root). */
  imageUser?: string;
}

export interface PodmanRunOptions {
  securityOpt: string[];
  usernsMode?: 'keep-id';
}

/** The user keep-id is decided for, as the reference picks it: remoteUser, runArgs -u, the image's, root. */
export function keepIdUser(input: Pick<PodmanRunInput, 'remoteUser' | 'runArgs' | 'imageUser'>): string {
  return input.remoteUser || runArgsUser(input.runArgs) || input.imageUser || 'root';
}

/** The extra create options Podman on Linux gets; none for Docker or another host OS. */
export function podmanRunOptions(input: PodmanRunInput): PodmanRunOptions {
  if (!input.engine?.isPodman || input.platform !== 'linux') return { securityOpt: [] };
  const out: PodmanRunOptions = { securityOpt: ['label=disable'] };
  // The reference's test, on each entry: `--uidmap`, `--gidmap`, with or without `=value`.
  if (input.runArgs.some((a) => /--[ug]idmap(=|$)/.test(a))) return out;
  // `user:group` names the group too; the user part decides (`0:0` is root).
  const user = keepIdUser(input).split(':')[0];
  if (user !== 'root' && user !== '0' && input.engine.rootless) out.usernsMode = 'keep-id';
  return out;
}
