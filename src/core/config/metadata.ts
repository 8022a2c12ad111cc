/**
 * The `devcontainer.metadata` image label (SPEC-DIGEST §4): reading it into entries, and the entry a
 * devcontainer.json contributes to it.
 */
import { BerthError } from '../errors';
import { LABEL_METADATA } from '../labels';
import type { DevContainerJson, MetadataEntry } from './types';

/** The devcontainer.json properties that go into the metadata label (and so take part in merging). */
export const METADATA_PROPERTIES = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
  'waitFor',
  'customizations',
  'mounts',
  'containerEnv',
  'containerUser',
  'init',
  'privileged',
  'capAdd',
  'securityOpt',
  'remoteUser',
  'userEnvProbe',
  'remoteEnv',
  'overrideCommand',
  'portsAttributes',
  'otherPortsAttributes',
  'forwardPorts',
  'shutdownAction',
  'updateRemoteUserUID',
  'hostRequirements',
] as const satisfies readonly (keyof DevContainerJson & keyof MetadataEntry)[];

/** The picked properties of a devcontainer.json, raw values (no defaults), as one metadata entry. */
export function configToMetadataEntry(raw: DevContainerJson): MetadataEntry {
  const entry: MetadataEntry = {};
  for (const key of METADATA_PROPERTIES) {
    if (raw[key] !== undefined) entry[key] = raw[key] as never;
  }
  return entry;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The entries of a `devcontainer.metadata` label value: a JSON array of objects or one object.
 * Missing or empty gives []. Empty and non-object entries are dropped. Malformed JSON is a
 * BerthError('config-invalid') naming the image, since its hooks and settings would be lost.
 */
export function parseMetadataLabel(label: string | undefined, image = 'the image'): MetadataEntry[] {
  if (label === undefined || label.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(label);
  } catch (e) {
    throw new BerthError('config-invalid', `the ${LABEL_METADATA} label of ${image} is not valid JSON: ${(e as Error).message}`, {
      hint: 'rebuild the image, or fix the LABEL that sets it',
      cause: e,
    });
  }
  const list = Array.isArray(value) ? value : [value];
  return list.filter((e): e is MetadataEntry => isPlainObject(e) && Object.keys(e).length > 0);
}

/** The labels of an image or container → its metadata entries. */
export function metadataFromLabels(labels: Record<string, string> | undefined | null, image?: string): MetadataEntry[] {
  return parseMetadataLabel(labels?.[LABEL_METADATA], image);
}
