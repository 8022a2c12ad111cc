/**
 * Mounts as devcontainer.json writes them (`--mount` strings and `{type, source, target}` objects)
 * turned into the Engine API's shape. One parser serves `mounts`, `workspaceMount` and runArgs'
 * `--mount`, so all three accept the same aliases and fail with the same messages.
 */
import type { MountObject } from '../config/types';
import type { EngineMount } from '../engine/types';
import { parseBytes } from './bytes';
import { configError, type Locate, type ValueOrigin } from './configError';

const MOUNT_HINT = 'Write mounts as "type=bind,source=/host/path,target=/container/path[,readonly]" (types: bind, volume, tmpfs).';

/**
 * Splits a `--mount` value on commas outside double quotes, as Docker's CSV reading does: a quoted
 * field (or value) may hold commas, and `""` inside quotes is one quote.
 */
export function splitMountFields(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else if (ch === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields.map((f) => f.trim()).filter((f) => f !== '');
}

function parseBool(value: string | undefined, key: string, origin?: ValueOrigin): boolean {
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw configError(`mount option '${key}' takes true or false, not '${value}'`, origin, MOUNT_HINT);
}

/** Applies one `key[=value]` option to a mount under construction. */
function applyOption(mount: Partial<EngineMount>, key: string, value: string | undefined, origin?: ValueOrigin): void {
  const need = (): string => {
    if (value === undefined || value === '') throw configError(`mount option '${key}' needs a value`, origin, MOUNT_HINT);
    return value;
  };
  switch (key.toLowerCase()) {
    case 'type': {
      const type = need();
      if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
        throw configError(`unknown mount type '${type}'; Berth supports bind, volume and tmpfs`, origin, MOUNT_HINT);
      }
      mount.type = type;
      return;
    }
    case 'source':
    case 'src':
      mount.source = need();
      return;
    case 'target':
    case 'dst':
    case 'destination':
      mount.target = need();
      return;
    case 'readonly':
    case 'ro':
      mount.readOnly = parseBool(value, key, origin);
      return;
    case 'consistency':
      // macOS-only file sharing hint; Linux engines (and Docker Desktop today) ignore it.
      return;
    case 'bind-propagation':
      mount.bindPropagation = need();
      return;
    case 'volume-nocopy':
      mount.volumeNoCopy = parseBool(value, key, origin);
      return;
    case 'tmpfs-size': {
      const bytes = parseBytes(need());
      if (bytes === undefined) throw configError(`mount option tmpfs-size: '${value}' is not a size (e.g. 64m)`, origin, MOUNT_HINT);
      mount.tmpfsSizeBytes = bytes;
      return;
    }
    case 'tmpfs-mode': {
      const mode = need();
      if (!/^[0-7]{3,4}$/.test(mode)) throw configError(`mount option tmpfs-mode: '${mode}' is not an octal mode (e.g. 1777)`, origin, MOUNT_HINT);
      mount.tmpfsMode = parseInt(mode, 8);
      return;
    }
    default:
      throw configError(
        `mount option '${key}' is not supported by Berth; supported: type, source/src, target/dst/destination, readonly/ro, consistency, bind-propagation, volume-nocopy, tmpfs-size, tmpfs-mode`,
        origin,
        MOUNT_HINT,
      );
  }
}

/** Checks a mount under construction is complete and consistent, and returns it typed. */
function finish(mount: Partial<EngineMount>, written: string, origin?: ValueOrigin): EngineMount {
  const type = mount.type ?? 'volume'; // Docker's default for --mount
  if (!mount.target) throw configError(`mount '${written}' has no target`, origin, MOUNT_HINT);
  if (!mount.target.startsWith('/')) {
    throw configError(`mount '${written}': target '${mount.target}' is not an absolute path`, origin, MOUNT_HINT);
  }
  if (type === 'bind') {
    if (!mount.source) throw configError(`bind mount '${written}' has no source`, origin, MOUNT_HINT);
    if (!mount.source.startsWith('/')) {
      throw configError(`bind mount '${written}': source '${mount.source}' is not an absolute path`, origin,
        'Use an absolute host path, e.g. "${localWorkspaceFolder}/data".');
    }
  }
  if (type === 'tmpfs' && mount.source) throw configError(`tmpfs mount '${written}' cannot have a source`, origin, MOUNT_HINT);
  const out: EngineMount = { type, target: mount.target };
  if (mount.source !== undefined) out.source = mount.source;
  if (mount.readOnly !== undefined) out.readOnly = mount.readOnly;
  if (mount.bindPropagation !== undefined) out.bindPropagation = mount.bindPropagation;
  if (mount.volumeNoCopy !== undefined) out.volumeNoCopy = mount.volumeNoCopy;
  if (mount.tmpfsSizeBytes !== undefined) out.tmpfsSizeBytes = mount.tmpfsSizeBytes;
  if (mount.tmpfsMode !== undefined) out.tmpfsMode = mount.tmpfsMode;
  return out;
}

/** Parses a `--mount` style string (`type=bind,source=/a,target=/b,readonly`). */
export function parseMountString(text: string, origin?: ValueOrigin): EngineMount {
  const mount: Partial<EngineMount> = {};
  const fields = splitMountFields(text);
  if (fields.length === 0) throw configError('empty mount', origin, MOUNT_HINT);
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    applyOption(mount, key.trim(), value, origin);
  }
  return finish(mount, text, origin);
}

/** Converts a devcontainer.json mount object; extra keys are read as `--mount` options (`readonly: true`). */
export function parseMountObject(obj: MountObject, origin?: ValueOrigin): EngineMount {
  const mount: Partial<EngineMount> = {};
  for (const [key, raw] of Object.entries(obj)) {
    if (raw === undefined || raw === null) continue;
    if (typeof raw === 'object') throw configError(`mount property '${key}' must be a string, number or boolean`, origin, MOUNT_HINT);
    const name = key === 'readOnly' ? 'readonly' : key;
    applyOption(mount, name, String(raw), origin);
  }
  return finish(mount, JSON.stringify(obj), origin);
}

/** One mount in either form. */
export function parseMount(value: string | MountObject, origin?: ValueOrigin): EngineMount {
  return typeof value === 'string' ? parseMountString(value, origin) : parseMountObject(value, origin);
}

function normalTarget(target: string): string {
  return target.length > 1 ? target.replace(/\/+$/, '') : target;
}

/** Keeps one mount per target: a later mount replaces an earlier one, and takes the later position. */
export function dedupeMounts(mounts: EngineMount[]): EngineMount[] {
  const last = new Map<string, number>();
  mounts.forEach((m, i) => last.set(normalTarget(m.target), i));
  return mounts.filter((m, i) => last.get(normalTarget(m.target)) === i);
}

/**
 * Parses the `mounts` list of a config (errors name `mounts[i]`) and dedupes it by target.
 * `pathPrefix` lets the caller point at another list, e.g. a Feature's mounts.
 */
export function parseMounts(list: (string | MountObject)[], locate?: Locate, pathPrefix = 'mounts'): EngineMount[] {
  return dedupeMounts(list.map((m, i) => parseMount(m, { path: `${pathPrefix}[${i}]`, locate })));
}
