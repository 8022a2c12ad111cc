import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  mergeConfiguration,
  metadataFromLabels,
  readConfig,
  type MergedConfiguration,
  type MetadataEntry,
  type ReadConfigResult,
} from '../../core/config';
import { createEngine } from '../../core/engine/engine';
import { BerthError, describeError, formatDiagnostic } from '../../core/errors';
import { boolFlag, listFlag, stringFlag } from '../args';
import type { CliContext, CommandSpec } from '../command';
import { printResult, WORKSPACE_FLAGS } from './common';
import { ENGINE_FLAGS } from './service';

/**
 * Reads the labels of an image, or undefined when it is not available locally. Injected so the
 * command works (without image metadata) where no engine is wired in.
 */
export type ImageLabelReader = (image: string, ctx: CliContext) => Promise<Record<string, string> | undefined>;

/** `--id-label k=v` flags as an object. */
export function parseIdLabels(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new BerthError('usage', `--id-label takes name=value, got '${v}'`, { hint: 'e.g. --id-label devcontainer.local_folder=/path' });
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** The shape of the reference CLI's `mergedConfiguration`: the spec, overlaid with merged values, hooks as lists. */
export function mergedConfigurationOutput(raw: Record<string, unknown>, merged: MergedConfiguration): Record<string, unknown> {
  const { hooks, entrypoints, hostRequirements, ...rest } = merged;
  const out: Record<string, unknown> = { ...raw };
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    // Empty merged collections the spec does not mention are left out, as the reference does.
    const empty = Array.isArray(v) ? v.length === 0 : k === 'customizations' && Object.keys(v as object).length === 0;
    if (empty && raw[k] === undefined) continue;
    out[k] = v;
  }
  if (entrypoints.length > 0) out.entrypoints = entrypoints;
  if (hostRequirements) out.hostRequirements = hostRequirements;
  for (const [hook, sources] of Object.entries(hooks)) {
    delete out[hook];
    out[`${hook}s`] = sources.map((s) => s.command);
  }
  return out;
}

/** The image whose label holds the base metadata: `image`, or a Dockerfile's last plain `FROM`. */
async function baseImageOf(result: ReadConfigResult): Promise<string | undefined> {
  const c = result.config;
  if (c.kind === 'image') return c.image;
  if (c.kind !== 'dockerfile') return undefined;
  try {
    const froms = [...(await readFile(c.dockerfile, 'utf8')).matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1]);
    const last = froms[froms.length - 1];
    return last && !last.includes('$') ? last : undefined;
  } catch {
    return undefined;
  }
}

/** Image labels from the Docker engine (`--docker-host`, else the environment's engine). */
export const engineImageLabels: ImageLabelReader = async (image, ctx) => {
  const engine = createEngine({ host: stringFlag(ctx.args, 'docker-host'), env: ctx.env });
  const details = await engine.inspectImage(image, { signal: ctx.signal });
  return details?.Config?.Labels ?? undefined;
};

export function readConfigurationCommand(readImageLabels?: ImageLabelReader): CommandSpec {
  return {
    name: 'read-configuration',
    summary: 'Print the devcontainer.json as Berth reads it (variables substituted) as JSON, like `devcontainer read-configuration`.',
    flags: {
      ...WORKSPACE_FLAGS,
      ...ENGINE_FLAGS,
      'include-merged-configuration': { type: 'boolean', description: "Also print the configuration merged with the image's devcontainer.metadata label." },
      'id-label': { type: 'string[]', valueName: 'name=value', description: 'Identify the container by these labels instead of the workspace folder and config file.' },
    },
    async run(ctx) {
      const workspaceFolder = resolve(ctx.cwd, stringFlag(ctx.args, 'workspace-folder') ?? '.');
      const idLabels = parseIdLabels(listFlag(ctx.args, 'id-label'));
      const result = await readConfig({
        workspaceFolder,
        configFile: stringFlag(ctx.args, 'config'),
        env: ctx.env,
        platform: process.platform,
        idLabels: Object.keys(idLabels).length > 0 ? idLabels : undefined,
      });
      for (const d of result.diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
      const { config } = result;
      const configuration = { ...result.raw, configFilePath: result.configFile };
      const workspace: Record<string, string> = { workspaceFolder: config.workspaceFolder };
      if (config.workspaceMount !== undefined) workspace.workspaceMount = config.workspaceMount;
      // `"workspaceMount": ""` (no mount) is echoed as written, as the reference does.
      else if (result.raw.workspaceMount === '') workspace.workspaceMount = '';
      const out: Record<string, unknown> = { configuration, workspace };
      if (boolFlag(ctx.args, 'include-merged-configuration')) {
        let imageEntries: MetadataEntry[] = [];
        const image = await baseImageOf(result);
        if (image && readImageLabels) {
          // Without the image (not pulled, no engine) the merge still shows what the spec contributes.
          try {
            const labels = await readImageLabels(image, ctx);
            if (labels === undefined) ctx.stderr.write(`warning: image ${image} is not available locally; merged configuration from devcontainer.json only\n`);
            imageEntries = metadataFromLabels(labels, image);
          } catch (e) {
            ctx.stderr.write(`warning: cannot read the labels of ${image}; merged configuration from devcontainer.json only: ${describeError(e)}\n`);
          }
        }
        const merged = mergeConfiguration([...imageEntries, config.configMetadata ?? {}]);
        out.mergedConfiguration = mergedConfigurationOutput(configuration, merged);
      }
      printResult(ctx, out);
      return 0;
    },
  };
}

/** The image's labels are read from the engine only for `--include-merged-configuration`. */
export const readConfiguration: CommandSpec = readConfigurationCommand(engineImageLabels);
