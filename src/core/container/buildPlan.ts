/**
 * Plans the image build of a Dockerfile config: the ImageBuildSpec the engine builds, with
 * `build.options` (`docker build` flags) translated to the Engine API's build parameters.
 */
import { sha256Hex } from '../lazyNode';
import { basename } from 'node:path';
import type { DockerfileConfig } from '../config/types';
import type { ImageBuildSpec } from '../engine/types';
import { LABEL_BERTH_MANAGED } from '../labels';
import { configError, type Locate, type ValueOrigin } from './configError';

/**
 * The image name the spec's tools give a workspace's Dockerfile build:
 * `vsc-<folder name>-<sha256 hex of the path>`, lowercased, keeping only `[a-z0-9._-]` (digest §3).
 */
export function imageNameFor(workspaceFolder: string): string {
  const hash = sha256Hex(workspaceFolder);
  return `vsc-${basename(workspaceFolder)}-${hash}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '');
}

/** Options of planImageBuild. */
export interface PlanImageBuildOptions {
  /** `--no-cache` / rebuild without cache. */
  noCache?: boolean;
  /** Tag to build; defaults to `imageNameFor(config.workspaceFolderHost)`. */
  imageName?: string;
  /** Labels to put on the image (e.g. the build hash); Berth's managed label is always added. */
  labels?: Record<string, string>;
  /** The host environment, for `--build-arg NAME` without a value (taken from the host, as docker does). */
  hostEnv?: Record<string, string | undefined>;
  /** Maps `build.options[i]` to file:line:col for messages. */
  locate?: Locate;
}

interface BuildFlag {
  value: boolean;
  apply(spec: ImageBuildSpec, value: string, origin: ValueOrigin, hostEnv: Record<string, string | undefined>): void;
}

function boolValue(flag: string, value: string, origin: ValueOrigin): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw configError(`build.options: '${flag}' takes true or false, not '${value}'`, origin);
}

const BUILD_FLAGS: Record<string, BuildFlag> = {
  '--network': { value: true, apply: (s, v) => { s.network = v; } },
  '--platform': { value: true, apply: (s, v) => { s.platform = v; } },
  '--pull': { value: false, apply: (s, v, o) => { s.pull = boolValue('--pull', v, o); } },
  '--no-cache': { value: false, apply: (s, v, o) => { s.noCache = boolValue('--no-cache', v, o); } },
  '--target': { value: true, apply: (s, v) => { s.target = v; } },
  '--cache-from': { value: true, apply: (s, v) => { if (!s.cacheFrom.includes(v)) s.cacheFrom.push(v); } },
  '--tag': { value: true, apply: (s, v) => { if (!s.tags.includes(v)) s.tags.push(v); } },
  '--label': {
    value: true,
    apply: (s, v) => {
      const eq = v.indexOf('=');
      s.labels[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
    },
  },
  '--build-arg': {
    value: true,
    apply: (s, v, _o, env) => {
      const eq = v.indexOf('=');
      if (eq >= 0) s.buildArgs[v.slice(0, eq)] = v.slice(eq + 1);
      else if (env[v] !== undefined) s.buildArgs[v] = env[v] as string;
    },
  },
};
const SHORT_BUILD_FLAGS: Record<string, string> = { '-t': '--tag' };

/** Plans the build; throws a `config-invalid` BerthError naming an unsupported `build.options` flag. */
export function planImageBuild(config: DockerfileConfig, options: PlanImageBuildOptions = {}): ImageBuildSpec {
  const spec: ImageBuildSpec = {
    context: config.context,
    dockerfile: config.dockerfile,
    tags: [options.imageName ?? imageNameFor(config.workspaceFolderHost)],
    buildArgs: { ...config.buildArgs },
    cacheFrom: [...config.cacheFrom],
    labels: { [LABEL_BERTH_MANAGED]: 'true', ...options.labels },
  };
  if (config.target) spec.target = config.target;
  if (options.noCache) spec.noCache = true;

  const args = config.buildOptions;
  const hostEnv = options.hostEnv ?? {};
  for (let i = 0; i < args.length; i++) {
    const origin: ValueOrigin = { path: `build.options[${i}]`, locate: options.locate };
    const token = args[i];
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const written = eq < 0 ? token : token.slice(0, eq);
    const name = SHORT_BUILD_FLAGS[written] ?? written;
    const flag = Object.hasOwn(BUILD_FLAGS, name) ? BUILD_FLAGS[name] : undefined;
    if (!flag) {
      throw configError(`build.options: '${written}' is not supported by Berth; supported: ${Object.keys(BUILD_FLAGS).join(', ')}, -t`, origin,
        'Remove it, or express it in the Dockerfile or in build.args/build.target/build.cacheFrom.');
    }
    let value: string;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (!flag.value) value = 'true';
    else {
      if (i + 1 >= args.length) throw configError(`build.options: '${written}' needs a value`, origin);
      value = args[++i];
    }
    flag.apply(spec, value, origin, hostEnv);
  }
  // A --no-cache in build.options must not turn off a rebuild the user asked for without cache.
  if (options.noCache) spec.noCache = true;
  return spec;
}
