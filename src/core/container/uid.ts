/**
 * updateRemoteUserUID (digest §8): on Linux, the container user's UID/GID are changed to the host
 * user's so files in the bind-mounted workspace keep the right owner. Berth does it with a small
 * generated image on top of the dev container image, editing /etc/passwd and /etc/group with awk
 * (no usermod needed, so busybox images work too).
 */

/** Inputs of the decision; the caller passes host facts (os.userInfo()) and the image's user. */
export interface UidUpdateInput {
  /** `config.updateRemoteUserUID` (default true). */
  enabled: boolean;
  /** The host OS (`process.platform`); only `linux` needs the update. */
  platform: string;
  /** Only a container being created now gets it; an existing one keeps its image. */
  isNewContainer: boolean;
  hostUid: number;
  hostGid: number;
  remoteUser?: string;
  /** The `-u`/`--user` of runArgs (`runArgsUser`). */
  runArgsUser?: string;
  containerUser?: string;
  /** `Config.User` of the image (empty means root). */
  imageUser?: string;
  /** The image the dev container would run; the UID image is built on top of it. */
  image: string;
  /** `--platform` to build for, when the image is not the host's. */
  buildPlatform?: string;
}

/** The decision: skip (with the reason, for the log) or build `imageName` from `dockerfile`. */
export type UidUpdatePlan =
  | { run: false; reason: string }
  | {
      run: true;
      user: string;
      imageName: string;
      /** The Dockerfile text (UPDATE_UID_DOCKERFILE); it needs no build context. */
      dockerfile: string;
      buildArgs: { BASE_IMAGE: string; REMOTE_USER: string; NEW_UID: string; NEW_GID: string; IMAGE_USER: string };
      platform?: string;
    };

/**
 * Edits the user in place. Skips (successfully) when the user does not exist, already has the ids,
 * or the new UID belongs to another user; keeps the old GID when the new one belongs to another
 * group, or when the user's primary group is shared (not named after the user).
 */
export const UPDATE_UID_DOCKERFILE = `ARG BASE_IMAGE
FROM $BASE_IMAGE
USER root
ARG REMOTE_USER
ARG NEW_UID
ARG NEW_GID
RUN set -e; \\
  entry=$(awk -F: -v u="$REMOTE_USER" '$1 == u { print; exit }' /etc/passwd); \\
  if [ -z "$entry" ]; then echo "berth: user $REMOTE_USER not found; UID left as is"; exit 0; fi; \\
  old_uid=$(echo "$entry" | cut -d: -f3); old_gid=$(echo "$entry" | cut -d: -f4); home=$(echo "$entry" | cut -d: -f6); \\
  if [ "$old_uid" = "$NEW_UID" ] && [ "$old_gid" = "$NEW_GID" ]; then echo "berth: $REMOTE_USER already has $NEW_UID:$NEW_GID"; exit 0; fi; \\
  if [ "$old_uid" != "$NEW_UID" ] && awk -F: -v id="$NEW_UID" '$3 == id { found = 1 } END { exit !found }' /etc/passwd; then \\
    echo "berth: UID $NEW_UID is taken in the image; $REMOTE_USER keeps $old_uid"; exit 0; fi; \\
  gid=$NEW_GID; \\
  group=$(awk -F: -v id="$old_gid" '$3 == id { print $1; exit }' /etc/group); \\
  if [ "$old_gid" != "$NEW_GID" ]; then \\
    if awk -F: -v id="$NEW_GID" '$3 == id { found = 1 } END { exit !found }' /etc/group; then \\
      echo "berth: GID $NEW_GID is taken in the image; $REMOTE_USER keeps GID $old_gid"; gid=$old_gid; \\
    elif [ "$group" != "$REMOTE_USER" ]; then \\
      echo "berth: primary group '$group' is shared; $REMOTE_USER keeps GID $old_gid"; gid=$old_gid; \\
    else \\
      awk -F: -v OFS=: -v id="$old_gid" -v new="$gid" '$3 == id { $3 = new } { print }' /etc/group > /tmp/berth-group; \\
      cat /tmp/berth-group > /etc/group; rm -f /tmp/berth-group; \\
    fi; \\
  fi; \\
  awk -F: -v OFS=: -v u="$REMOTE_USER" -v uid="$NEW_UID" -v gid="$gid" '$1 == u { $3 = uid; $4 = gid } { print }' /etc/passwd > /tmp/berth-passwd; \\
  cat /tmp/berth-passwd > /etc/passwd; rm -f /tmp/berth-passwd; \\
  if [ -n "$home" ] && [ "$home" != "/" ] && [ -d "$home" ]; then chown -R "$NEW_UID:$gid" "$home"; fi; \\
  echo "berth: $REMOTE_USER is now $NEW_UID:$gid (was $old_uid:$old_gid)"
ARG IMAGE_USER=root
USER $IMAGE_USER
`;

/** `<image>-uid`: a tag suffix for `name:tag`, a name suffix otherwise; digests become a tag. */
export function uidImageName(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return `${image.slice(0, at)}-uid:${image.slice(at + 1).replace(/^sha256:/, '').slice(0, 12)}`;
  // `name:tag` → `name:tag-uid` (same repository), `name` → `name-uid`: both are the text plus `-uid`.
  return `${image}-uid`;
}

/** Picks the user the update is for: remoteUser, else runArgs -u, else containerUser, else the image's. */
export function uidUpdateUser(input: Pick<UidUpdateInput, 'remoteUser' | 'runArgsUser' | 'containerUser' | 'imageUser'>): string {
  return input.remoteUser || input.runArgsUser || input.containerUser || input.imageUser || 'root';
}

/** Decides whether to build the UID image, and with what. */
export function planUidUpdate(input: UidUpdateInput): UidUpdatePlan {
  if (!input.enabled) return { run: false, reason: 'updateRemoteUserUID is false' };
  if (input.platform !== 'linux') return { run: false, reason: `the host is ${input.platform}, not Linux` };
  if (!input.isNewContainer) return { run: false, reason: 'the container already exists' };
  // `user:group` names the group too; the user part decides.
  const user = uidUpdateUser(input).split(':')[0];
  if (user === 'root' || user === '0') return { run: false, reason: 'the user is root' };
  if (/^\d+$/.test(user)) return { run: false, reason: `the user is the numeric id ${user}` };
  if (input.hostUid === 0) return { run: false, reason: 'the host user is root' };
  const plan: UidUpdatePlan = {
    run: true,
    user,
    imageName: uidImageName(input.image),
    dockerfile: UPDATE_UID_DOCKERFILE,
    buildArgs: {
      BASE_IMAGE: input.image,
      REMOTE_USER: user,
      NEW_UID: String(input.hostUid),
      NEW_GID: String(input.hostGid),
      IMAGE_USER: input.imageUser || 'root',
    },
  };
  if (input.buildPlatform) plan.platform = input.buildPlatform;
  return plan;
}
