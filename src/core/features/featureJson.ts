/**
 * devcontainer-feature.json: reading it (what Berth relies on is checked, the rest kept as written)
 * and turning the user's value for a Feature into the option values its install script gets.
 */
import { BerthError, type SourceLocation } from '../errors';
import type { FeatureJson, FeatureOption } from './types';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(file: string, message: string): BerthError {
  return new BerthError('config-invalid', `${file}: ${message}`, {
    location: { file, line: 1, column: 1 },
    hint: 'fix the Feature\'s devcontainer-feature.json (or ask its author to)',
  });
}

/** Parses and checks a devcontainer-feature.json. Throws BerthError('config-invalid') naming the file. */
export function parseFeatureJson(text: string, file: string): FeatureJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(value)) throw bad(file, 'must hold a JSON object');
  if (typeof value.id !== 'string' || value.id === '') throw bad(file, '"id" must be a non-empty string');
  if (value.version !== undefined && typeof value.version !== 'string') throw bad(file, '"version" must be a string');
  const options: Record<string, FeatureOption> = {};
  if (value.options !== undefined) {
    if (!isObject(value.options)) throw bad(file, '"options" must be an object');
    for (const [name, o] of Object.entries(value.options)) {
      if (!isObject(o)) throw bad(file, `option "${name}" must be an object`);
      if (o.type !== 'boolean' && o.type !== 'string') throw bad(file, `option "${name}": "type" must be "boolean" or "string"`);
      if (o.enum !== undefined && !(Array.isArray(o.enum) && o.enum.every((x) => typeof x === 'string'))) {
        throw bad(file, `option "${name}": "enum" must be a list of strings`);
      }
      options[name] = o as unknown as FeatureOption;
    }
  }
  for (const key of ['containerEnv', 'dependsOn', 'customizations'] as const) {
    if (value[key] !== undefined && !isObject(value[key])) throw bad(file, `"${key}" must be an object`);
  }
  for (const key of ['capAdd', 'securityOpt', 'installsAfter', 'mounts', 'legacyIds'] as const) {
    if (value[key] !== undefined && !Array.isArray(value[key])) throw bad(file, `"${key}" must be a list`);
  }
  if (value.containerEnv !== undefined && !Object.values(value.containerEnv as object).every((v) => typeof v === 'string')) {
    throw bad(file, '"containerEnv" values must be strings');
  }
  return { ...value, id: value.id, options } as FeatureJson;
}

/** Where the user's value for a Feature is, for error messages. */
export interface OptionContext {
  /** The id as written (the `features` key or the dependsOn key). */
  featureKey: string;
  /** Where `features["id"]` (or the option inside it) is written. */
  locate: (option?: string) => SourceLocation | undefined;
  warn: (message: string) => void;
}

function describeAllowed(name: string, o: FeatureOption): string {
  if (o.type === 'boolean') return `option "${name}" takes true or false`;
  if (o.enum) return `option "${name}" takes one of ${o.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  return `option "${name}" takes a string`;
}

/**
 * The option values for an install: every declared default, overlaid by the user's values. A string
 * value stands for `{ "version": value }` when the Feature declares a `version` option. Values of the
 * wrong type, or outside an enum, throw BerthError('config-invalid') naming the Feature, the option and
 * what it takes. Options the Feature does not declare are passed through with a warning.
 */
export function resolveOptions(
  json: FeatureJson,
  userValue: unknown,
  ctx: OptionContext,
): { options: Record<string, string | boolean>; userOptions: Record<string, unknown> } {
  let user: Record<string, unknown>;
  if (userValue === undefined || userValue === null || userValue === true) user = {};
  else if (typeof userValue === 'string') {
    if (!json.options.version) {
      throw new BerthError('config-invalid', `Feature "${ctx.featureKey}" has no "version" option, so its value cannot be the string ${JSON.stringify(userValue)}`, {
        location: ctx.locate(),
        hint: 'give the Feature an object of options, e.g. {}',
      });
    }
    user = { version: userValue };
  } else if (isObject(userValue)) user = userValue;
  else {
    throw new BerthError('config-invalid', `Feature "${ctx.featureKey}": its value must be an object of options (or a version string), not ${JSON.stringify(userValue)}`, {
      location: ctx.locate(),
      hint: 'write "features": { "<id>": { "<option>": <value> } }',
    });
  }

  const options: Record<string, string | boolean> = {};
  for (const [name, o] of Object.entries(json.options)) {
    if (o.default !== undefined) options[name] = o.default;
  }
  for (const [name, value] of Object.entries(user)) {
    const decl = json.options[name];
    if (!decl) {
      const known = Object.keys(json.options);
      ctx.warn(`Feature "${ctx.featureKey}" has no option "${name}"${known.length ? ` (it has ${known.join(', ')})` : ''}; passing it on anyway`);
      if (typeof value === 'string' || typeof value === 'boolean') options[name] = value;
      else if (typeof value === 'number') options[name] = String(value);
      continue;
    }
    options[name] = checkValue(name, decl, value, ctx);
  }
  return { options, userOptions: user };
}

function checkValue(name: string, decl: FeatureOption, value: unknown, ctx: OptionContext): string | boolean {
  const fail = () =>
    new BerthError('config-invalid', `Feature "${ctx.featureKey}": ${describeAllowed(name, decl)}, not ${JSON.stringify(value)}`, {
      location: ctx.locate(name),
      hint: decl.enum ? `use one of ${decl.enum.join(', ')}` : decl.type === 'boolean' ? 'write true or false (without quotes)' : 'write a string in double quotes',
    });
  if (decl.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    // devcontainer.json authors often quote booleans; the install script gets text either way.
    if (value === 'true' || value === 'false') return value === 'true';
    throw fail();
  }
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = String(value);
  else throw fail();
  if (decl.enum && !decl.enum.includes(text)) throw fail();
  return text;
}
