/**
 * The features stage as plain data: the Dockerfile that installs resolved Features on top of a base
 * image with the classic builder (no `# syntax`, no BuildKit mounts, nothing pulled), the files of its
 * build context, and which build step installs which Feature (to name it when a step fails).
 */
import { appendHomesCommand, builtinEnvFile, installWrapper, optionsEnvFile } from './installScript';
import type { ResolvedFeature } from './types';

/** Where Feature files go in the image (the reference CLI's folder). */
export const FEATURES_DIR = '/tmp/dev-container-features';

export interface FeaturesDockerfilePlan {
  dockerfile: string;
  /** Files to write into the context besides each Feature's folder: relative path → content. */
  files: Record<string, string>;
  /** Each Feature's folder in the context (copied from `ResolvedFeature.folder`), in install order. */
  folders: { feature: ResolvedFeature; dir: string }[];
  /** The classic builder's step number ("Step n/m") of each Feature's install RUN, in install order. */
  installSteps: number[];
}

export interface FeaturesDockerfileInput {
  baseImage: string;
  /** The base image's `Config.User`: restored after the installs (which run as root). */
  imageUser: string;
  containerUser: string;
  remoteUser: string;
  features: ResolvedFeature[];
}

/** `ENV` value in double quotes: `$` stays live so `${PATH}` expands as the Feature author means. */
function envValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, ' ')}"`;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_') || 'feature';
}

export function planFeaturesDockerfile(input: FeaturesDockerfileInput): FeaturesDockerfilePlan {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  const folders: FeaturesDockerfilePlan['folders'] = [];
  const installSteps: number[] = [];
  const builtin = `${FEATURES_DIR}/devcontainer-features.builtin.env`;
  const switchUser = input.imageUser !== '' && input.imageUser !== 'root' && input.imageUser !== '0';
  lines.push(`FROM ${input.baseImage}`);
  // Installs run as root; an image without a USER already is.
  if (switchUser) lines.push('USER root');
  files['devcontainer-features.builtin.env'] = builtinEnvFile(input.containerUser, input.remoteUser);
  lines.push(`COPY devcontainer-features.builtin.env ${builtin}`);
  lines.push(`RUN ${appendHomesCommand(builtin, input.containerUser, input.remoteUser)}`);
  input.features.forEach((feature, i) => {
    const dir = `${safeName(feature.json.id)}_${i}`;
    folders.push({ feature, dir });
    files[`${dir}/devcontainer-features.env`] = optionsEnvFile(feature.options);
    files[`${dir}/devcontainer-features-install.sh`] = installWrapper({ userId: feature.userId, version: feature.json.version, options: feature.options });
    lines.push(`COPY ${dir}/ ${FEATURES_DIR}/${dir}/`);
    const env = Object.entries(feature.json.containerEnv ?? {});
    if (env.length > 0) lines.push(`ENV ${env.map(([k, v]) => `${k}=${envValue(v)}`).join(' ')}`);
    lines.push(`RUN cd ${FEATURES_DIR}/${dir} && sh ./devcontainer-features-install.sh`);
    installSteps.push(lines.length);
  });
  if (switchUser) lines.push(`USER ${input.imageUser}`);
  return { dockerfile: `${lines.join('\n')}\n`, files, folders, installSteps };
}
