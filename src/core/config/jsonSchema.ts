/**
 * A small JSON Schema (draft-07 subset) checker, enough for schemas/devcontainer.schema.json, so the
 * core validates with the same file VS Code uses for hover text without bundling a full validator.
 * Problems come back with JSON paths; the caller turns paths into file:line:col.
 */
import type { Severity } from '../errors';
import { formatJsonPath, type JsonPath } from './parse';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** The schema keywords this checker understands. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  deprecationMessage?: string;
  default?: unknown;
  examples?: unknown[];
  definitions?: Record<string, SchemaNode>;
  type?: JsonType | JsonType[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

/** Keywords that only annotate (editors show them); they never fail a value. */
export const ANNOTATION_KEYWORDS = [
  '$schema', '$id', 'title', 'description', 'markdownDescription', 'deprecationMessage', 'default', 'examples', 'definitions',
] as const;
/** Keywords that constrain values. */
export const VALIDATION_KEYWORDS = [
  '$ref', 'type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'pattern', 'minimum', 'maximum',
] as const;
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set<string>([...ANNOTATION_KEYWORDS, ...VALIDATION_KEYWORDS]);

/** One problem with a value. `key` marks problems about a property's name rather than its value. */
export interface SchemaIssue {
  path: JsonPath;
  severity: Severity;
  message: string;
  key?: boolean;
  /** The property name suggested for an unknown one. */
  suggestion?: string;
}

/** The JSON type of a value, as messages name it (`integer` only when asked for). */
export function jsonTypeOf(value: unknown): Exclude<JsonType, 'integer'> {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

const ARTICLE: Record<JsonType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean (true or false)',
  null: 'null',
  array: 'an array',
  object: 'an object',
};

function matchesType(value: unknown, type: JsonType): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return jsonTypeOf(value) === type;
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function describeValue(value: unknown): string {
  const t = jsonTypeOf(value);
  if (t === 'string') {
    const s = value as string;
    return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  }
  if (t === 'number' || t === 'boolean') return `${t} ${String(value)}`;
  return t;
}

function subject(path: JsonPath): string {
  return path.length === 0 ? 'the spec' : `\`${formatJsonPath(path)}\``;
}

/** Edit distance counting a swap of neighbours as one edit (typos like `nmae`), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function suggestName(name: string, known: string[]): string | undefined {
  // Long names are no typo of a short property, and the distance is quadratic in length.
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const limit = name.length <= 4 ? 1 : name.length <= 10 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}

/** Checks values against one schema (the root, whose `definitions` `$ref`s point into). */
export class SchemaChecker {
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly root: SchemaNode) {}

  /** Every problem with `value`, in document order as far as the schema allows. */
  check(value: unknown, schema: SchemaNode = this.root, path: JsonPath = []): SchemaIssue[] {
    const issues: SchemaIssue[] = [];
    this.checkInto(value, schema, path, issues);
    return issues;
  }

  private resolve(schema: SchemaNode): SchemaNode {
    let s = schema;
    // Siblings of $ref (descriptions) are kept, as VS Code does; the referenced keywords win.
    for (let hops = 0; s.$ref !== undefined && hops < 32; hops++) {
      const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
      const target = m ? this.root.definitions?.[m[1]] : undefined;
      if (!target) throw new Error(`schema: unresolvable $ref ${s.$ref}`);
      const { $ref: _ignored, ...rest } = s;
      s = { ...rest, ...target };
    }
    return s;
  }

  private typesOf(schema: SchemaNode): JsonType[] {
    const s = this.resolve(schema);
    if (s.type !== undefined) return Array.isArray(s.type) ? s.type : [s.type];
    const branches = s.anyOf ?? s.oneOf;
    if (branches) return [...new Set(branches.flatMap((b) => this.typesOf(b)))];
    return [];
  }

  private checkInto(value: unknown, schema: SchemaNode, path: JsonPath, out: SchemaIssue[]): void {
    const s = this.resolve(schema);
    if (s.deprecationMessage && path.length > 0) {
      out.push({ path, severity: 'warning', key: true, message: `${subject(path)} is deprecated: ${s.deprecationMessage}` });
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => matchesType(value, t))) {
        const got = typeof value === 'number' && types.includes('integer') && Number.isFinite(value) ? `number ${value}` : jsonTypeOf(value);
        out.push({ path, severity: 'error', message: `${subject(path)} must be ${listWords(types.map((t) => ARTICLE[t]))}, got ${got}` });
        return;
      }
    }
    if (s.const !== undefined && !sameJson(value, s.const)) {
      out.push({ path, severity: 'error', message: `${subject(path)} must be ${JSON.stringify(s.const)}, got ${describeValue(value)}` });
    }
    if (s.enum && !s.enum.some((e) => sameJson(value, e))) {
      out.push({ path, severity: 'error', message: `${subject(path)} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${describeValue(value)}` });
    }
    if (typeof value === 'string' && s.pattern !== undefined && !this.regex(s.pattern).test(value)) {
      const hint = s.description ? ` (${s.description})` : '';
      out.push({ path, severity: 'error', message: `${subject(path)} has an unexpected form ${describeValue(value)}: it must match ${s.pattern}${hint}` });
    }
    if (typeof value === 'number') {
      if (s.minimum !== undefined && value < s.minimum) out.push({ path, severity: 'error', message: `${subject(path)} must be at least ${s.minimum}, got ${value}` });
      if (s.maximum !== undefined && value > s.maximum) out.push({ path, severity: 'error', message: `${subject(path)} must be at most ${s.maximum}, got ${value}` });
    }
    if (Array.isArray(value) && s.items) {
      value.forEach((item, i) => this.checkInto(item, s.items as SchemaNode, [...path, i], out));
    }
    if (jsonTypeOf(value) === 'object') this.checkObject(value as Record<string, unknown>, s, path, out);
    if (s.anyOf) this.checkBranches(value, s.anyOf, path, out, false);
    if (s.oneOf) this.checkBranches(value, s.oneOf, path, out, true);
  }

  private checkObject(obj: Record<string, unknown>, s: SchemaNode, path: JsonPath, out: SchemaIssue[]): void {
    for (const name of s.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(obj, name)) {
        out.push({ path, severity: 'error', message: `${subject(path)} is missing the required property \`${name}\`` });
      }
    }
    const props = s.properties ?? {};
    for (const [name, v] of Object.entries(obj)) {
      const child = [...path, name];
      if (Object.prototype.hasOwnProperty.call(props, name)) {
        this.checkInto(v, props[name], child, out);
      } else if (s.additionalProperties === false) {
        // Unknown properties only warn: other tools may define them, and the reference ignores them.
        const suggestion = suggestName(name, Object.keys(props));
        const where = path.length === 0 ? '' : ` in ${subject(path)}`;
        const mean = suggestion ? `; did you mean \`${suggestion}\`?` : '';
        const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
        out.push({ path: child, severity: 'warning', key: true, suggestion, message: `unknown property \`${shown}\`${where}${mean}` });
      } else if (typeof s.additionalProperties === 'object') {
        this.checkInto(v, s.additionalProperties, child, out);
      }
    }
  }

  private checkBranches(value: unknown, branches: SchemaNode[], path: JsonPath, out: SchemaIssue[], exactlyOne: boolean): void {
    const results = branches.map((b) => this.check(value, b, path));
    const passing = results.filter((r) => !r.some((i) => i.severity === 'error'));
    if (passing.length > 0) {
      if (exactlyOne && passing.length > 1) {
        out.push({ path, severity: 'error', message: `${subject(path)} matches more than one allowed form` });
      }
      out.push(...passing[0]);
      return;
    }
    // No branch fits: report through the branch whose type fits, so the message is about the
    // inner problem ("mounts[0].target is missing") rather than a list of every form.
    const valueType = jsonTypeOf(value);
    const candidates = results.filter((_, i) => {
      const types = this.typesOf(branches[i]);
      return types.length === 0 || types.some((t) => matchesType(value, t) || (t === 'integer' && valueType === 'number'));
    });
    if (candidates.length === 0) {
      const types = [...new Set(branches.flatMap((b) => this.typesOf(b)))];
      out.push({ path, severity: 'error', message: `${subject(path)} must be ${listWords(types.map((t) => ARTICLE[t]))}, got ${describeValue(value)}` });
      return;
    }
    const errorsIn = (r: SchemaIssue[]) => r.filter((i) => i.severity === 'error').length;
    out.push(...candidates.reduce((a, b) => (errorsIn(b) < errorsIn(a) ? b : a)));
  }

  private regex(pattern: string): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      re = new RegExp(pattern, 'u');
      this.patterns.set(pattern, re);
    }
    return re;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every keyword used anywhere in a schema, with where, for the "only supported keywords" test. */
export function keywordsUsed(schema: SchemaNode, where = '#'): { keyword: string; at: string }[] {
  const out: { keyword: string; at: string }[] = [];
  for (const [k, v] of Object.entries(schema)) {
    out.push({ keyword: k, at: where });
    const sub = (node: unknown, at: string) => {
      if (node && typeof node === 'object' && !Array.isArray(node)) out.push(...keywordsUsed(node as SchemaNode, at));
    };
    if (k === 'properties' || k === 'definitions') {
      for (const [name, child] of Object.entries(v as Record<string, unknown>)) sub(child, `${where}/${k}/${name}`);
    } else if (k === 'items' || k === 'additionalProperties') {
      sub(v, `${where}/${k}`);
    } else if (k === 'anyOf' || k === 'oneOf') {
      (v as unknown[]).forEach((child, i) => sub(child, `${where}/${k}/${i}`));
    }
  }
  return out;
}
