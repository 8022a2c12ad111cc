/**
 * `runArgs`: `docker run` flags as people write them in devcontainer.json, applied to a
 * ContainerCreateSpec. Flags are parsed the way Docker's CLI parses them (`--flag value`,
 * `--flag=value`, `-e X`, `-eX`, `-e=X`, clusters like `-it`), so a line that works with `docker run`
 * works here. Anything Berth cannot express is an error naming the flag, never silently dropped.
 */
import type { Diagnostic } from '../errors';
import type { ContainerCreateSpec, EngineMount } from '../engine/types';
import { parseBytes } from './bytes';
import { configError, locationOf, type Locate, type ValueOrigin } from './configError';
import { parseMountString } from './mounts';
import { dedupePorts, parsePublish } from './ports';

/** What applying runArgs needs besides the flags themselves. */
export interface RunArgsOptions {
  /** The host environment, for `-e NAME` (value taken from the host, as `docker run` does). */
  hostEnv: Record<string, string | undefined>;
  /** Finds `runArgs[i]` in the config file, so errors and warnings name line:col. */
  locate?: Locate;
}

/** The spec with the flags applied, and warnings for flags that were accepted but ignored. */
export interface RunArgsResult {
  spec: ContainerCreateSpec;
  warnings: Diagnostic[];
}

interface FlagContext {
  spec: ContainerCreateSpec;
  hostEnv: Record<string, string | undefined>;
  origin: ValueOrigin;
  /** How the flag was written, for messages. */
  flag: string;
  warn(message: string): void;
}

interface FlagDef {
  long: string;
  aliases?: string[];
  short?: string;
  /** A flag that takes a value; the others are booleans (`--init`, `--init=false`). */
  value: boolean;
  apply(ctx: FlagContext, value: string): void;
}

function extra(spec: ContainerCreateSpec): Record<string, unknown> {
  spec.extraHostConfig ??= {};
  return spec.extraHostConfig;
}

function pushExtra(spec: ContainerCreateSpec, key: string, value: string): void {
  const host = extra(spec);
  const list = Array.isArray(host[key]) ? (host[key] as string[]) : [];
  if (!list.includes(value)) list.push(value);
  host[key] = list;
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

function bool(ctx: FlagContext, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw configError(`runArgs: '${ctx.flag}' takes true or false, not '${value}'`, ctx.origin);
}

function keyValue(ctx: FlagContext, value: string, what: string): [string, string | undefined] {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '') throw configError(`runArgs: '${ctx.flag} ${value}' has no ${what} name`, ctx.origin);
  return [key, eq < 0 ? undefined : value.slice(eq + 1)];
}

function bytes(ctx: FlagContext, value: string): number {
  const n = parseBytes(value);
  if (n === undefined) throw configError(`runArgs: '${ctx.flag} ${value}': not a size (use a number with b, k, m or g)`, ctx.origin);
  return n;
}

const PROPAGATION = new Set(['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate']);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `-v`: `/host:/ctr[:opts]` (bind), `name:/ctr[:opts]` (named volume) or `/ctr` (anonymous volume). */
function parseVolumeFlag(ctx: FlagContext, value: string): EngineMount {
  const parts = value.split(':');
  if (parts.length === 1) {
    if (!value.startsWith('/')) throw configError(`runArgs: '${ctx.flag} ${value}': the container path must be absolute`, ctx.origin);
    return { type: 'volume', target: value };
  }
  if (parts.length > 3) throw configError(`runArgs: '${ctx.flag} ${value}' has too many ':' parts`, ctx.origin);
  const [source, target, opts = ''] = parts;
  if (!target.startsWith('/')) throw configError(`runArgs: '${ctx.flag} ${value}': the container path must be absolute`, ctx.origin);
  let mount: EngineMount;
  if (source.startsWith('/')) {
    mount = { type: 'bind', source, target };
  } else if (VOLUME_NAME.test(source)) {
    mount = { type: 'volume', source, target };
  } else {
    throw configError(`runArgs: '${ctx.flag} ${value}': '${source}' is neither an absolute host path nor a volume name`, ctx.origin,
      'Bind mounts need an absolute host path, e.g. "${localWorkspaceFolder}/data:/data".');
  }
  for (const opt of opts.split(',').filter(Boolean)) {
    if (opt === 'ro') mount.readOnly = true;
    else if (opt === 'rw') mount.readOnly = false;
    else if (opt === 'nocopy' && mount.type === 'volume') mount.volumeNoCopy = true;
    else if (PROPAGATION.has(opt) && mount.type === 'bind') mount.bindPropagation = opt;
    else if (opt === 'consistent' || opt === 'cached' || opt === 'delegated') continue;
    else if (opt === 'z' || opt === 'Z') ctx.warn(`runArgs: SELinux relabelling ('${opt}' in '${value}') is ignored by Berth`);
    else throw configError(`runArgs: '${ctx.flag} ${value}': unknown volume option '${opt}'`, ctx.origin);
  }
  return mount;
}

/** `--tmpfs /path[:rw,size=64m,mode=1777]`. */
function parseTmpfsFlag(ctx: FlagContext, value: string): EngineMount {
  const colon = value.indexOf(':');
  const target = colon < 0 ? value : value.slice(0, colon);
  if (!target.startsWith('/')) throw configError(`runArgs: '${ctx.flag} ${value}': the path must be absolute`, ctx.origin);
  const mount: EngineMount = { type: 'tmpfs', target };
  for (const opt of colon < 0 ? [] : value.slice(colon + 1).split(',').filter(Boolean)) {
    const [k, v] = opt.split('=', 2);
    if (k === 'size' && v !== undefined) mount.tmpfsSizeBytes = bytes(ctx, v);
    else if (k === 'mode' && v !== undefined && /^[0-7]{3,4}$/.test(v)) mount.tmpfsMode = parseInt(v, 8);
    else if (k === 'ro') mount.readOnly = true;
    else if (k === 'rw') mount.readOnly = false;
    else throw configError(`runArgs: '${ctx.flag} ${value}': tmpfs option '${opt}' is not supported (size, mode, ro, rw)`, ctx.origin);
  }
  return mount;
}

function addMount(spec: ContainerCreateSpec, mount: EngineMount): void {
  // Like the config's mounts, a later mount at the same target replaces the earlier one.
  spec.mounts = spec.mounts.filter((m) => m.target !== mount.target);
  spec.mounts.push(mount);
}

function parseDevice(ctx: FlagContext, value: string): ContainerCreateSpec['devices'][number] {
  const parts = value.split(':');
  const perms = /^[rwm]{1,3}$/;
  let [pathOnHost, pathInContainer, cgroupPermissions] = [parts[0], parts[0], 'rwm'];
  if (parts.length === 2) {
    if (perms.test(parts[1])) cgroupPermissions = parts[1];
    else pathInContainer = parts[1];
  } else if (parts.length === 3) {
    [pathOnHost, pathInContainer, cgroupPermissions] = parts;
  } else if (parts.length > 3) {
    throw configError(`runArgs: '${ctx.flag} ${value}' has too many ':' parts`, ctx.origin);
  }
  if (!perms.test(cgroupPermissions)) throw configError(`runArgs: '${ctx.flag} ${value}': permissions must be made of r, w, m`, ctx.origin);
  if (!pathOnHost.startsWith('/') || !pathInContainer.startsWith('/')) {
    throw configError(`runArgs: '${ctx.flag} ${value}': device paths must be absolute`, ctx.origin);
  }
  return { pathOnHost, pathInContainer, cgroupPermissions };
}

function parseGpus(ctx: FlagContext, value: string): NonNullable<ContainerCreateSpec['gpus']> {
  const v = value.replace(/^"(.*)"$/, '$1');
  if (v === 'all') return { count: -1, capabilities: [['gpu']] };
  if (/^\d+$/.test(v)) return { count: Number(v), capabilities: [['gpu']] };
  let count = -1;
  let capabilities = ['gpu'];
  for (const field of v.split(',')) {
    const [k, val = ''] = field.split('=', 2);
    if (k === 'count') count = val === 'all' ? -1 : Number(val);
    else if (k === 'capabilities') capabilities = val.split(/[ ;]/).filter(Boolean);
    else {
      throw configError(`runArgs: '${ctx.flag} ${value}': '${k}' is not supported by Berth; use all, a count, or count=N`, ctx.origin);
    }
    if (Number.isNaN(count)) throw configError(`runArgs: '${ctx.flag} ${value}': count must be a number or all`, ctx.origin);
  }
  return { count, capabilities: [capabilities] };
}

function parseUlimit(ctx: FlagContext, value: string): ContainerCreateSpec['ulimits'][number] {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value);
  if (!m) throw configError(`runArgs: '${ctx.flag} ${value}': write name=soft[:hard], e.g. nofile=1024:2048`, ctx.origin);
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  if (hard !== -1 && soft > hard) throw configError(`runArgs: '${ctx.flag} ${value}': the soft limit is above the hard limit`, ctx.origin);
  return { name: m[1], soft, hard };
}

const ignored = (why: string) => (ctx: FlagContext) => ctx.warn(`runArgs: '${ctx.flag}' is ignored: ${why}`);

const FLAGS: FlagDef[] = [
  { long: '--network', aliases: ['--net'], value: true, apply: (c, v) => { c.spec.networkMode = v; } },
  { long: '--cap-add', value: true, apply: (c, v) => pushUnique(c.spec.capAdd, v) },
  { long: '--cap-drop', value: true, apply: (c, v) => pushExtra(c.spec, 'CapDrop', v) },
  { long: '--security-opt', value: true, apply: (c, v) => pushUnique(c.spec.securityOpt, v) },
  {
    long: '--env', short: 'e', value: true,
    apply: (c, v) => {
      const [key, val] = keyValue(c, v, 'variable');
      if (val !== undefined) c.spec.env[key] = val;
      else if (c.hostEnv[key] !== undefined) c.spec.env[key] = c.hostEnv[key] as string;
      // `docker run -e NAME` with NAME unset on the host sets nothing; neither do we.
    },
  },
  {
    long: '--env-file', value: true,
    apply: (c) => {
      throw configError(`runArgs: '${c.flag}' is not supported by Berth`, c.origin,
        'Put the variables in "containerEnv" (or use "-e NAME" to pass one from the host environment).');
    },
  },
  { long: '--volume', short: 'v', value: true, apply: (c, v) => addMount(c.spec, parseVolumeFlag(c, v)) },
  { long: '--mount', value: true, apply: (c, v) => addMount(c.spec, parseMountString(v, c.origin)) },
  { long: '--tmpfs', value: true, apply: (c, v) => addMount(c.spec, parseTmpfsFlag(c, v)) },
  { long: '--publish', short: 'p', value: true, apply: (c, v) => { c.spec.ports = dedupePorts([...c.spec.ports, ...parsePublish(v, c.origin)]); } },
  { long: '--publish-all', short: 'P', value: false, apply: (c, v) => { extra(c.spec).PublishAllPorts = bool(c, v); } },
  {
    long: '--add-host', value: true,
    apply: (c, v) => {
      const m = /^([^:=]+)[:=](.+)$/.exec(v);
      if (!m) throw configError(`runArgs: '${c.flag} ${v}': write host:ip`, c.origin);
      pushUnique(c.spec.extraHosts, `${m[1]}:${m[2]}`);
    },
  },
  { long: '--shm-size', value: true, apply: (c, v) => { c.spec.shmSizeBytes = bytes(c, v); } },
  { long: '--device', value: true, apply: (c, v) => { c.spec.devices.push(parseDevice(c, v)); } },
  { long: '--device-cgroup-rule', value: true, apply: (c, v) => pushExtra(c.spec, 'DeviceCgroupRules', v) },
  { long: '--gpus', value: true, apply: (c, v) => { c.spec.gpus = parseGpus(c, v); } },
  {
    long: '--ulimit', value: true,
    apply: (c, v) => {
      const u = parseUlimit(c, v);
      c.spec.ulimits = [...c.spec.ulimits.filter((x) => x.name !== u.name), u];
    },
  },
  { long: '--hostname', short: 'h', value: true, apply: (c, v) => { c.spec.hostname = v; } },
  { long: '--name', value: true, apply: (c, v) => { c.spec.name = v; } },
  {
    long: '--label', short: 'l', value: true,
    apply: (c, v) => {
      const [key, val] = keyValue(c, v, 'label');
      c.spec.labels[key] = val ?? '';
    },
  },
  { long: '--user', short: 'u', value: true, apply: (c, v) => { c.spec.user = v; } },
  { long: '--init', value: false, apply: (c, v) => { c.spec.init = bool(c, v); } },
  { long: '--privileged', value: false, apply: (c, v) => { c.spec.privileged = bool(c, v); } },
  { long: '--memory', short: 'm', value: true, apply: (c, v) => { extra(c.spec).Memory = bytes(c, v); } },
  {
    long: '--memory-swap', value: true,
    apply: (c, v) => { extra(c.spec).MemorySwap = v === '-1' ? -1 : bytes(c, v); },
  },
  {
    long: '--cpus', value: true,
    apply: (c, v) => {
      const n = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || n <= 0) throw configError(`runArgs: '${c.flag} ${v}': not a positive number of CPUs`, c.origin);
      extra(c.spec).NanoCpus = Math.round(n * 1e9);
    },
  },
  { long: '--ipc', value: true, apply: (c, v) => { extra(c.spec).IpcMode = v; } },
  { long: '--pid', value: true, apply: (c, v) => { extra(c.spec).PidMode = v; } },
  { long: '--userns', value: true, apply: (c, v) => { extra(c.spec).UsernsMode = v; } },
  { long: '--runtime', value: true, apply: (c, v) => { extra(c.spec).Runtime = v; } },
  { long: '--group-add', value: true, apply: (c, v) => pushExtra(c.spec, 'GroupAdd', v) },
  { long: '--dns', value: true, apply: (c, v) => pushExtra(c.spec, 'Dns', v) },
  { long: '--dns-search', value: true, apply: (c, v) => pushExtra(c.spec, 'DnsSearch', v) },
  { long: '--dns-option', aliases: ['--dns-opt'], value: true, apply: (c, v) => pushExtra(c.spec, 'DnsOptions', v) },
  {
    long: '--sysctl', value: true,
    apply: (c, v) => {
      const [key, val] = keyValue(c, v, 'sysctl');
      if (val === undefined) throw configError(`runArgs: '${c.flag} ${v}': write name=value`, c.origin);
      const host = extra(c.spec);
      host.Sysctls = { ...((host.Sysctls as Record<string, string> | undefined) ?? {}), [key]: val };
    },
  },
  { long: '--workdir', short: 'w', value: true, apply: (c, v) => { c.spec.workingDir = v; } },
  // docker run takes one executable here, never a shell line; "" clears the image's entrypoint.
  { long: '--entrypoint', value: true, apply: (c, v) => { c.spec.entrypoint = v === '' ? [] : [v]; } },
  { long: '--rm', value: false, apply: ignored('Berth keeps the dev container until `berth down`') },
  { long: '--interactive', short: 'i', value: false, apply: ignored('Berth runs commands with `exec`, not on the main process') },
  { long: '--tty', short: 't', value: false, apply: ignored('Berth runs commands with `exec`, not on the main process') },
  { long: '--detach', short: 'd', value: false, apply: ignored('dev containers always run in the background') },
];

const BY_LONG = new Map<string, FlagDef>();
const BY_SHORT = new Map<string, FlagDef>();
for (const def of FLAGS) {
  BY_LONG.set(def.long, def);
  for (const alias of def.aliases ?? []) BY_LONG.set(alias, def);
  if (def.short) BY_SHORT.set(def.short, def);
}

/** Every flag runArgs accepts, as listed in error messages. */
export const SUPPORTED_RUN_ARGS: readonly string[] = FLAGS.map((d) =>
  [d.short ? `-${d.short}` : undefined, d.long, ...(d.aliases ?? [])].filter(Boolean).join('/'),
);

function unsupported(flag: string, origin: ValueOrigin, cluster?: string) {
  const shown = cluster ? `'${flag}' (in '${cluster}')` : `'${flag}'`;
  const spaced = flag.includes(' ')
    ? ` Write the flag and its value as two entries: ["${flag.split(' ')[0]}", "${flag.split(' ').slice(1).join(' ')}"], or join them with '='.`
    : '';
  return configError(`runArgs: ${shown} is not supported by Berth; supported: ${SUPPORTED_RUN_ARGS.join(', ')}`, origin,
    `Remove it from runArgs, or set the property in devcontainer.json instead.${spaced}`);
}

/**
 * Applies `runArgs` to a copy of `spec`, in order, later flags winning as in `docker run`. Throws a
 * `config-invalid` BerthError naming the flag (and where it is written) for an unsupported flag, a
 * missing value or a bad value.
 */
export function applyRunArgs(spec: ContainerCreateSpec, runArgs: readonly string[], options: RunArgsOptions): RunArgsResult {
  const out = cloneSpec(spec);
  const warnings: Diagnostic[] = [];
  const ctxFor = (flag: string, index: number): FlagContext => {
    const origin: ValueOrigin = { path: `runArgs[${index}]`, locate: options.locate };
    return {
      spec: out,
      hostEnv: options.hostEnv,
      origin,
      flag,
      warn: (message) => warnings.push({ severity: 'warning', message, location: locationOf(origin) }),
    };
  };
  const takeValue = (flag: string, index: number): [string, number] => {
    if (index + 1 >= runArgs.length) {
      throw configError(`runArgs: '${flag}' needs a value`, { path: `runArgs[${index}]`, locate: options.locate },
        `Put the value in the next entry (["${flag}", "value"]) or write "${flag}=value".`);
    }
    return [runArgs[index + 1], index + 1];
  };

  for (let i = 0; i < runArgs.length; i++) {
    const token = runArgs[i];
    const start = i;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token : token.slice(0, eq);
      const def = BY_LONG.get(name);
      if (!def) throw unsupported(eq < 0 ? token : name, { path: `runArgs[${i}]`, locate: options.locate });
      let value: string;
      if (!def.value) value = eq < 0 ? 'true' : token.slice(eq + 1);
      else if (eq >= 0) value = token.slice(eq + 1);
      else [value, i] = takeValue(name, i);
      def.apply(ctxFor(name, start), value);
    } else if (token.startsWith('-') && token.length > 1) {
      // A shorthand cluster: booleans may be combined (`-it`); a value flag ends it (`-eX=1`, `-e=X=1`, `-e X=1`).
      for (let j = 1; j < token.length; j++) {
        const letter = token[j];
        const def = BY_SHORT.get(letter);
        if (!def) throw unsupported(`-${letter}`, { path: `runArgs[${i}]`, locate: options.locate }, token.length === 2 ? undefined : token);
        const flag = `-${letter}`;
        if (!def.value) {
          def.apply(ctxFor(flag, start), 'true');
          continue;
        }
        let value = token.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') [value, i] = takeValue(flag, i);
        def.apply(ctxFor(flag, start), value);
        break;
      }
    } else {
      throw configError(`runArgs: '${token}' is not a flag; runArgs holds \`docker run\` options only`, { path: `runArgs[${i}]`, locate: options.locate },
        'The image comes from "image" or "build", the command from overrideCommand; a flag\'s value goes right after the flag.');
    }
  }
  return { spec: out, warnings };
}

/** The user `-u`/`--user` in runArgs sets (the last one), if any. */
export function runArgsUser(runArgs: readonly string[]): string | undefined {
  try {
    return applyRunArgs(emptySpec(''), runArgs, { hostEnv: {} }).spec.user;
  } catch {
    // A bad flag is planContainer's to report, with its place in the spec; here it just names no user.
    return undefined;
  }
}

/** A spec with nothing set but the image. */
export function emptySpec(image: string): ContainerCreateSpec {
  return { image, env: {}, labels: {}, mounts: [], ports: [], capAdd: [], securityOpt: [], extraHosts: [], devices: [], ulimits: [] };
}

function cloneSpec(spec: ContainerCreateSpec): ContainerCreateSpec {
  return structuredClone(spec);
}
