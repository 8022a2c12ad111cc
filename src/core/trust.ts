/**
 * What a dev container spec may do to the host beyond its own workspace: run a command on the host
 * (initializeCommand), mount host folders or the Docker socket, or loosen the container's isolation
 * (privileged, host namespaces, capabilities, devices). Pure: front ends show these items before the
 * first start of a spec and remember the user's answer per {@link specHash}.
 */
import { sha256Hex } from './lazyNode';
import { posix, win32 } from 'node:path';
import type { DevContainerJson, MountObject, ResolvedConfig } from './config/types';
import { parseMount } from './container/mounts';

/** What kind of reach a risk item gives the repository. */
export type RiskKind =
  | 'host-command'
  | 'host-mount'
  | 'docker-socket'
  | 'privileged'
  | 'capability'
  | 'host-namespace'
  | 'device'
  | 'security-opt'
  | 'build-context'
  | 'compose';

/** One thing a spec asks for that reaches beyond its workspace. */
export interface RiskItem {
  kind: RiskKind;
  /** `high`: host code execution or root-equivalent access; `medium`: wider access worth a look. */
  severity: 'high' | 'medium';
  /** One sentence for the prompt: what the spec asks and what it allows. */
  message: string;
  /** The value as the spec writes it (after variable substitution): the command, the mount, the flag. */
  detail: string;
  /** JSON path of the property in the spec, e.g. `initializeCommand`, `mounts[1]`, `runArgs[3]`. */
  path: string;
}

/** What the assessment reads from a loaded spec (a ReadConfigResult fits). */
export interface RiskInput {
  config: ResolvedConfig;
  /** The substituted spec as written: its indices name the places (`mounts[1]`, `runArgs[3]`). */
  raw: DevContainerJson;
  substitution: { env: Record<string, string | undefined>; platform: NodeJS.Platform };
}

const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'SYS_BOOT', 'SYS_TIME', 'NET_ADMIN', 'DAC_READ_SEARCH',
  'DAC_OVERRIDE', 'BPF', 'PERFMON', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG', 'SETFCAP']);
const LOOSE_SECURITY = /^(seccomp[=:]unconfined|apparmor[=:]unconfined|label[=:]disable|systempaths[=:]unconfined|no-new-privileges[=:]false)$/i;
const CREDENTIAL_FOLDERS = ['.ssh', '.aws', '.gnupg', '.kube', '.docker', '.azure', '.config/gcloud', '.config/gh', '.netrc', '.npmrc', '.git-credentials'];
/** Flags whose value is the next token when not written `--flag=value` (the ones this file reads). */
const VALUE_FLAGS = new Set(['--volume', '-v', '--mount', '--network', '--net', '--pid', '--ipc', '--userns', '--uts', '--cgroupns', '--cap-add',
  '--device', '--device-cgroup-rule', '--security-opt']);

function describeCommand(command: unknown): string {
  if (typeof command === 'string') return command;
  if (Array.isArray(command)) return command.map(String).join(' ');
  if (command && typeof command === 'object') return Object.entries(command).map(([k, v]) => `${k}: ${describeCommand(v)}`).join('; ');
  return String(command);
}

interface PathTools {
  resolve(...p: string[]): string;
  relative(from: string, to: string): string;
  isAbsolute(p: string): boolean;
  same(a: string, b: string): boolean;
}

function pathTools(platform: NodeJS.Platform): PathTools {
  const p = platform === 'win32' ? win32 : posix;
  const fold = (s: string) => (platform === 'win32' ? s.toLowerCase() : s);
  return { resolve: p.resolve, relative: p.relative, isAbsolute: p.isAbsolute, same: (a, b) => fold(p.resolve(a)) === fold(p.resolve(b)) };
}

/** Whether `child` is `parent` or inside it. */
function within(tools: PathTools, parent: string, child: string): boolean {
  const rel = tools.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !tools.isAbsolute(rel));
}

/** The risk of bind-mounting host path `source`, or undefined when it lies in the workspace. */
function bindRisk(input: RiskInput, source: string, readOnly: boolean, path: string, detail: string): RiskItem | undefined {
  const { platform, env } = input.substitution;
  const tools = pathTools(platform);
  const home = env.HOME ?? env.USERPROFILE;
  const expanded = home && (source === '~' || source.startsWith('~/')) ? home + source.slice(1) : source;
  const abs = tools.resolve(input.config.workspaceFolderHost, expanded);
  if (within(tools, input.config.workspaceFolderHost, abs)) return undefined;
  const how = readOnly ? 'read-only' : 'read-write';
  if (/(^|[\\/])(docker|podman)\.sock$/.test(abs) || /^\/\/\.\/pipe\/docker_engine$/i.test(source)) {
    return { kind: 'docker-socket', severity: 'high', path, detail, message: `Mounts the Docker socket (${abs}): the container can control the host's Docker engine, which amounts to root on the host.` };
  }
  if (tools.same(abs, tools.resolve('/')) || /^[a-zA-Z]:\\?$/.test(abs)) {
    return { kind: 'host-mount', severity: 'high', path, detail, message: `Mounts the host's whole file system (${abs}) ${how} into the container.` };
  }
  if (home) {
    if (tools.same(abs, home)) return { kind: 'host-mount', severity: 'high', path, detail, message: `Mounts your home folder (${abs}) ${how} into the container, with every credential in it.` };
    const credentials = CREDENTIAL_FOLDERS.find((f) => within(tools, tools.resolve(home, f), abs) || (!tools.same(abs, tools.resolve('/')) && within(tools, abs, tools.resolve(home, f))));
    if (credentials) {
      return { kind: 'host-mount', severity: 'high', path, detail, message: `Mounts ${abs} ${how}, which holds (or is) your ~/${credentials} credentials.` };
    }
  }
  return { kind: 'host-mount', severity: readOnly ? 'medium' : 'high', path, detail, message: `Mounts ${abs}, a host folder outside the workspace, ${how}.` };
}

function mountRisk(input: RiskInput, mount: string | MountObject, path: string): RiskItem | undefined {
  let parsed;
  try {
    parsed = parseMount(mount);
  } catch {
    // A mount that does not parse cannot be created; the planner reports it.
    return undefined;
  }
  if (parsed.type !== 'bind' || parsed.source === undefined) return undefined;
  return bindRisk(input, parsed.source, parsed.readOnly === true, path, typeof mount === 'string' ? mount : JSON.stringify(mount));
}

/** `-v SRC:DST[:opts]`: only host paths are binds; a bare name is a volume. */
function volumeFlagRisk(input: RiskInput, value: string, path: string, detail: string): RiskItem | undefined {
  const windowsDrive = /^[a-zA-Z]:[\\/]/.test(value);
  const parts = windowsDrive ? [value.slice(0, 2) + value.slice(2).split(':')[0], ...value.slice(2).split(':').slice(1)] : value.split(':');
  if (parts.length < 2) return undefined;
  const source = parts[0];
  if (!(source.startsWith('/') || source.startsWith('~') || source.startsWith('.') || windowsDrive || source.startsWith('\\\\'))) return undefined;
  const readOnly = (parts[2] ?? '').split(',').includes('ro');
  return bindRisk(input, source, readOnly, path, detail);
}

function runArgRisks(input: RiskInput, runArgs: readonly unknown[]): RiskItem[] {
  const out: RiskItem[] = [];
  for (let i = 0; i < runArgs.length; i++) {
    const token = runArgs[i];
    if (typeof token !== 'string' || !token.startsWith('-')) continue;
    const path = `runArgs[${i}]`;
    let name: string;
    let value: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq < 0 ? token : token.slice(0, eq);
      value = eq < 0 ? undefined : token.slice(eq + 1);
    } else if (token.startsWith('-v')) {
      name = '-v';
      value = token.length > 2 ? token.slice(token[2] === '=' ? 3 : 2) : undefined;
    } else {
      continue;
    }
    if (value === undefined && VALUE_FLAGS.has(name)) {
      const next = runArgs[i + 1];
      if (typeof next === 'string') {
        value = next;
        i++;
      }
    }
    const detail = value === undefined ? token : `${name} ${value}`;
    const v = value ?? '';
    switch (name) {
      case '--privileged':
        if (v === '' || v === 'true') out.push({ kind: 'privileged', severity: 'high', path, detail, message: 'Runs the container privileged (--privileged): it can reach every host device and undo its isolation.' });
        break;
      case '-v':
      case '--volume': {
        const r = volumeFlagRisk(input, v, path, detail);
        if (r) out.push(r);
        break;
      }
      case '--mount': {
        const r = mountRisk(input, v, path);
        if (r) out.push({ ...r, detail });
        break;
      }
      case '--network':
      case '--net':
      case '--pid':
      case '--ipc':
      case '--userns':
      case '--uts':
      case '--cgroupns':
        if (v === 'host' || v.startsWith('container:')) {
          out.push({ kind: 'host-namespace', severity: v === 'host' && name !== '--ipc' && name !== '--uts' ? 'high' : 'medium', path, detail,
            message: `Shares the ${name.replace(/^--/, '')} namespace with ${v === 'host' ? 'the host' : `another container (${v.slice(10)})`} (${detail}).` });
        }
        break;
      case '--cap-add':
        capRisk(v, path, detail, out);
        break;
      case '--device':
      case '--device-cgroup-rule':
        out.push({ kind: 'device', severity: 'medium', path, detail, message: `Gives the container a host device (${detail}).` });
        break;
      case '--security-opt':
        if (LOOSE_SECURITY.test(v)) out.push({ kind: 'security-opt', severity: 'medium', path, detail, message: `Turns off a container security feature (${v}).` });
        break;
    }
  }
  return out;
}

function capRisk(cap: string, path: string, detail: string, out: RiskItem[]): void {
  const name = cap.trim().toUpperCase().replace(/^CAP_/, '');
  if (!DANGEROUS_CAPS.has(name)) return;
  const high = name === 'ALL' || name === 'SYS_ADMIN' || name === 'SYS_MODULE';
  out.push({ kind: 'capability', severity: high ? 'high' : 'medium', path, detail, message: `Adds the ${name} capability, which weakens the container's isolation from the host.` });
}

/**
 * Everything in a loaded spec that reaches beyond its workspace, in spec order: initializeCommand,
 * the build context, workspaceMount and mounts outside the workspace folder (the Docker socket, `/`,
 * the home folder and credential folders called out), privileged, capAdd, securityOpt, and runArgs
 * such as `--privileged`, `-v /:/host`, `--pid=host`, `--network=host`, `--cap-add=SYS_ADMIN` and
 * `--device`. An empty list means the spec stays inside its workspace and container.
 */
export function assessSpecRisk(loaded: RiskInput): RiskItem[] {
  const { config, raw } = loaded;
  const out: RiskItem[] = [];
  if (config.initializeCommand !== undefined) {
    const detail = describeCommand(config.initializeCommand);
    if (detail.trim() !== '') {
      out.push({ kind: 'host-command', severity: 'high', path: 'initializeCommand', detail, message: `Runs a command on this computer (not in the container) before every start: ${detail}` });
    }
  }
  if (config.kind === 'compose') {
    out.push({ kind: 'compose', severity: 'medium', path: 'dockerComposeFile', detail: config.composeFiles.join(', '),
      message: 'Starts Docker Compose services: their mounts, privileges and ports are set in the Compose files, which Berth does not check.' });
  }
  if (config.kind === 'dockerfile') {
    const tools = pathTools(loaded.substitution.platform);
    if (!within(tools, config.workspaceFolderHost, config.context)) {
      out.push({ kind: 'build-context', severity: tools.same(config.context, tools.resolve('/')) ? 'high' : 'medium', path: 'build.context', detail: config.context,
        message: `Sends ${config.context}, a host folder outside the workspace, to the Docker engine as the build context; the build can copy any file in it.` });
    }
  }
  if (config.workspaceMount) {
    const r = mountRisk(loaded, config.workspaceMount, 'workspaceMount');
    if (r) out.push(r);
  }
  // The config's mounts may include ones merged from image or Feature metadata: name the spec's own by index.
  const own = (Array.isArray(raw.mounts) ? raw.mounts : []).map((m) => JSON.stringify(m));
  config.mounts.forEach((m) => {
    const i = own.indexOf(JSON.stringify(m));
    const r = mountRisk(loaded, m, i >= 0 ? `mounts[${i}]` : 'mounts (from image or Feature metadata)');
    if (r) out.push(r);
  });
  if (config.privileged) out.push({ kind: 'privileged', severity: 'high', path: 'privileged', detail: 'privileged: true', message: 'Runs the container privileged: it can reach every host device and undo its isolation.' });
  config.capAdd.forEach((c, i) => capRisk(c, `capAdd[${i}]`, c, out));
  config.securityOpt.forEach((s, i) => {
    if (LOOSE_SECURITY.test(s)) out.push({ kind: 'security-opt', severity: 'medium', path: `securityOpt[${i}]`, detail: s, message: `Turns off a container security feature (${s}).` });
  });
  out.push(...runArgRisks(loaded, Array.isArray(raw.runArgs) ? raw.runArgs : config.runArgs));
  return out;
}

/** JSON with sorted keys, so the same spec hashes the same however it is formatted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A stable hash of a spec (as written: formatting and comments don't count) and of its risk items
 * (as substituted: a `${localEnv:…}` that now points elsewhere counts). The extension remembers the
 * user's answer under it, so any change to the spec or to what it reaches asks again.
 */
export function specHash(loaded: { written: DevContainerJson } & RiskInput, risks: RiskItem[] = assessSpecRisk(loaded)): string {
  const items = risks.map((r) => ({ kind: r.kind, path: r.path, detail: r.detail }));
  return sha256Hex(canonical({ spec: loaded.written, risks: items }));
}
