/**
 * Checks a parsed devcontainer.json: against schemas/devcontainer.schema.json (the file VS Code
 * also uses), then for the mistakes a schema cannot see (conflicting sources, missing files).
 * Every problem is a Diagnostic with file, line:col and the property's JSON path.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import schemaJson from '../../../schemas/devcontainer.schema.json';
import type { Diagnostic } from '../errors';
import { SchemaChecker, type SchemaNode } from './jsonSchema';
import { locate, type JsonPath, type JsoncDocument } from './parse';
import type { DevContainerJson } from './types';

/** The schema the editor and the core share. */
export const devcontainerSchema = schemaJson as SchemaNode;

let checker: SchemaChecker | undefined;

/** Schema problems: wrong types and values are errors; unknown or deprecated properties warnings. */
export function schemaDiagnostics(doc: JsoncDocument, value: unknown = doc.value): Diagnostic[] {
  checker ??= new SchemaChecker(devcontainerSchema);
  return checker.check(value).map((issue) => ({
    severity: issue.severity,
    message: issue.message,
    location: locate(doc, issue.path, { key: issue.key }),
  }));
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Problems across properties and with the file system. `raw` is the substituted spec (paths may
 * hold variables); `doc` gives the locations. Relative paths are from the devcontainer.json folder.
 */
export async function semanticDiagnostics(doc: JsoncDocument, raw: DevContainerJson): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const error = (path: JsonPath, message: string, key = true) =>
    out.push({ severity: 'error', message, location: locate(doc, path, { key }) });
  const dir = dirname(doc.file);
  const has = (k: string) => raw[k] !== undefined;
  const buildKey = has('build') ? 'build' : has('dockerFile') ? 'dockerFile' : undefined;
  const compose = has('dockerComposeFile');

  if (compose && has('image')) error(['image'], '`image` and `dockerComposeFile` are both set: with Compose the image comes from the service; remove `image`');
  if (compose && buildKey) error([buildKey], `\`${buildKey}\` and \`dockerComposeFile\` are both set: with Compose the build is in the Compose file; remove \`${buildKey}\``);
  if (!compose && has('image') && buildKey) error([buildKey], `\`image\` and \`${buildKey}\` are both set: use \`image\` to run an existing image or \`${buildKey}\` to build one, not both`);
  if (compose && !isString(raw.service)) {
    if (raw.service === undefined) error(['dockerComposeFile'], '`dockerComposeFile` needs `service`: the name of the Compose service to use as the dev container');
  }
  if (!compose && !has('image') && !buildKey) {
    const what = has('service') ? '`service` is set without `dockerComposeFile`; ' : '';
    out.push({
      severity: 'error',
      message: `${what}the spec needs one of \`image\`, \`build\` (with \`dockerfile\`) or \`dockerComposeFile\``,
      location: locate(doc, []),
    });
  }

  // The Dockerfile, from build.dockerfile or the legacy top-level dockerFile.
  const build = raw.build;
  if (!compose && buildKey === 'build' && build && typeof build === 'object' && !Array.isArray(build)) {
    if (build.dockerfile === undefined) {
      if (!has('image') && !isString(raw.dockerFile)) error(['build'], '`build` needs `dockerfile`: the path of the Dockerfile, relative to devcontainer.json');
    } else if (isString(build.dockerfile)) {
      const file = resolve(dir, build.dockerfile);
      if (!(await isFile(file))) error(['build', 'dockerfile'], `\`build.dockerfile\` names ${file}, which does not exist`, false);
    }
  } else if (!compose && buildKey === 'dockerFile' && isString(raw.dockerFile)) {
    const file = resolve(dir, raw.dockerFile);
    if (!(await isFile(file))) error(['dockerFile'], `\`dockerFile\` names ${file}, which does not exist`, false);
  }

  if (compose) {
    const files = raw.dockerComposeFile;
    const list: [JsonPath, unknown][] = Array.isArray(files) ? files.map((f, i) => [['dockerComposeFile', i], f]) : [[['dockerComposeFile'], files]];
    for (const [path, f] of list) {
      if (!isString(f)) continue;
      const file = resolve(dir, f);
      if (!(await isFile(file))) error(path, `\`dockerComposeFile\` names ${file}, which does not exist`, false);
    }
  }
  return out;
}
