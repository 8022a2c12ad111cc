/**
 * The dev container spec reader: find the devcontainer.json, parse it, check it, substitute its
 * variables and return a typed config with defaults applied. The one entry point is readConfig.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BerthError, type Diagnostic, type SourceLocation } from '../errors';
import { pickConfig } from './find';
import { applyLegacyRenames, defaultWorkspaceFolder, mergeWithImageMetadata, normalizeConfig } from './normalize';
import { configInvalid, locate, parseJsonc } from './parse';
import { devcontainerId, idLabels as computeIdLabels, substitute, substituteString, type SubstitutionContext, type VariableProblem } from './substitute';
import type { DevContainerJson, MetadataEntry, ResolvedConfig } from './types';
import { schemaDiagnostics, semanticDiagnostics } from './validate';

export { findConfigs, pickConfig } from './find';
export { parseJsonc, locate, positionAt, formatJsonPath, describeParseError, MAX_NESTING, type JsoncDocument, type JsonPath } from './parse';
export { schemaDiagnostics, semanticDiagnostics, devcontainerSchema } from './validate';
export {
  substitute,
  substituteString,
  resolveContainerEnv,
  resolveContainerEnvString,
  devcontainerId,
  idLabels,
  type SubstitutionContext,
  type VariableProblem,
} from './substitute';
export { configToMetadataEntry, parseMetadataLabel, metadataFromLabels, METADATA_PROPERTIES } from './metadata';
export { mergeConfiguration, dedupeMounts, mountTarget, parseByteSize, type MergedConfiguration } from './merge';
export {
  normalizeConfig,
  mergeWithImageMetadata,
  applyLegacyRenames,
  configKind,
  workspaceOf,
  defaultWorkspaceFolder,
  defaultWorkspaceMount,
  CONFIG_ORIGIN,
} from './normalize';
export * from './types';

/** What readConfig needs; nothing is read from the process. */
export interface ReadConfigOptions {
  /** The workspace folder on the host (made absolute). */
  workspaceFolder: string;
  /** A devcontainer.json path (absolute or relative to the workspace) or a `.devcontainer/<folder>` name. */
  configFile?: string;
  /** The host environment for `${localEnv:…}`. */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** `--id-label` overrides: replace the default local_folder/config_file labels. */
  idLabels?: Record<string, string>;
  /** The image's `devcontainer.metadata` entries, when already known; merged before the spec's own. */
  imageMetadata?: MetadataEntry[];
}

/** A spec as read: the typed config, the substituted spec, where it was, and its warnings and identity. */
export interface ReadConfigResult {
  /** The typed config, with defaults (and image metadata, when given) applied. */
  config: ResolvedConfig;
  /** The spec as written, after variable substitution and legacy renames (read-configuration's `configuration`). */
  raw: DevContainerJson;
  /**
   * The spec as written, legacy renames applied but no variable substituted: what goes into the
   * `devcontainer.metadata` label, which holds raw values (as the reference CLI writes it).
   */
  written: DevContainerJson;
  /** The local variables of this read, to substitute metadata entries read back from a label. */
  substitution: SubstitutionContext;
  /** Absolute path of the devcontainer.json read. */
  configFile: string;
  /** Warnings (unknown properties and variables, deprecations). Errors throw instead. */
  diagnostics: Diagnostic[];
  idLabels: Record<string, string>;
  devcontainerId: string;
  /**
   * Where a JSON path (`runArgs[2]`, `build.options[0]`) is written in the spec, for errors found
   * after reading (the planners'). Paths into merged values need {@link locateInSpec}.
   */
  locate?: (path: string) => SourceLocation;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0);
}

/**
 * Finds, parses, validates and substitutes a workspace's devcontainer.json. Throws BerthError:
 * 'config-not-found' / 'config-ambiguous' from finding it, 'config-invalid' with every problem as a
 * Diagnostic (file, line:col, JSON path) when there is any error.
 */
export async function readConfig(options: ReadConfigOptions): Promise<ReadConfigResult> {
  const workspaceFolder = resolve(options.workspaceFolder);
  const configFile = await pickConfig(workspaceFolder, options.configFile);
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch (e) {
    throw new BerthError('config-not-found', `cannot read ${configFile}: ${(e as Error).message}`, { cause: e });
  }
  const doc = parseJsonc(text, configFile);
  const original = doc.value as DevContainerJson;
  const diagnostics = schemaDiagnostics(doc);

  const labels = options.idLabels && Object.keys(options.idLabels).length > 0
    ? { ...options.idLabels }
    : computeIdLabels(workspaceFolder, configFile, options.platform);
  // The id is a SHA-256: worked out when first asked for, so commands that never need it (exec, a
  // plain reuse) never load node:crypto. Hence getters, and no object spread of these contexts here.
  let id: string | undefined;
  const lazyId = () => (id ??= devcontainerId(labels));
  const context = (containerWorkspaceFolder?: string): SubstitutionContext => ({
    platform: options.platform,
    env: options.env,
    localWorkspaceFolder: workspaceFolder,
    get devcontainerId() {
      return lazyId();
    },
    ...(containerWorkspaceFolder === undefined ? {} : { containerWorkspaceFolder }),
  });
  // workspaceFolder is substituted first: `${containerWorkspaceFolder}` elsewhere is its value.
  const ws = typeof original.workspaceFolder === 'string' ? substituteString(original.workspaceFolder, context()) : '';
  const ctx = context(ws || defaultWorkspaceFolder(original, { workspaceFolder, platform: options.platform }));
  const report = (p: VariableProblem) => diagnostics.push({ severity: p.severity, message: p.message, location: locate(doc, p.path) });
  const substituted = substitute(original, ctx, report);

  diagnostics.push(...(await semanticDiagnostics(doc, substituted)));
  diagnostics.sort(byPosition);
  if (diagnostics.some((d) => d.severity === 'error')) throw configInvalid(configFile, diagnostics);

  const raw = applyLegacyRenames(substituted);
  let config = normalizeConfig(raw, { configFile, workspaceFolder, platform: options.platform });
  if (options.imageMetadata && options.imageMetadata.length > 0) {
    config = mergeWithImageMetadata(config, options.imageMetadata);
  }
  const locateText = (path: string) => locate(doc, [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1])));
  return {
    config,
    raw,
    written: applyLegacyRenames(original),
    substitution: ctx,
    configFile,
    diagnostics,
    idLabels: labels,
    get devcontainerId() {
      return lazyId();
    },
    locate: locateText,
  };
}
