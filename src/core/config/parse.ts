/**
 * JSONC reading for devcontainer.json: comments and trailing commas allowed, every syntax error
 * reported as file:line:col with what was expected, and the parse tree kept so later stages can
 * point at the property a problem is about.
 */
import {
  createScanner,
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { BerthError, type Diagnostic, type SourceLocation } from '../errors';

/** A JSON path: property names and array indexes from the root. */
export type JsonPath = (string | number)[];

/** A parsed JSONC document: its value, its tree and enough of its text to turn offsets into line:col. */
export interface JsoncDocument {
  file: string;
  text: string;
  /** The parsed value (undefined for an empty document, which is also reported as an error). */
  value: unknown;
  tree: Node | undefined;
  /** Offsets at which each line starts, for offset → line:col. */
  lineStarts: number[];
}

/** Nesting deeper than this is refused before parsing: the parser and validator recurse per level. */
export const MAX_NESTING = 256;

const EXPECTED: Record<string, string> = {
  InvalidSymbol: 'a value, property name or punctuation, found an invalid symbol',
  InvalidNumberFormat: 'a valid number',
  PropertyNameExpected: 'a property name in double quotes',
  ValueExpected: 'a value (string, number, object, array, true, false or null)',
  ColonExpected: "a ':' after the property name",
  CommaExpected: "a ',' between entries",
  CloseBraceExpected: "a '}' to close the object",
  CloseBracketExpected: "a ']' to close the array",
  EndOfFileExpected: 'the end of the file after the top-level value',
  InvalidCommentToken: 'a valid comment',
  UnexpectedEndOfComment: "the end of a block comment ('*/')",
  UnexpectedEndOfString: 'a closing double quote for the string',
  UnexpectedEndOfNumber: 'more digits in the number',
  InvalidUnicode: 'a valid \\u escape (four hex digits)',
  InvalidEscapeCharacter: 'a valid escape sequence (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)',
  InvalidCharacter: 'a printable character (control characters must be escaped in strings)',
};

/** Words for a jsonc-parser error code, phrased as "expected …". */
export function describeParseError(error: ParseError): string {
  const name = printParseErrorCode(error.error);
  return `syntax error: expected ${EXPECTED[name] ?? name}`;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 1-based line and column of an offset. */
export function positionAt(doc: Pick<JsoncDocument, 'lineStarts'>, offset: number): { line: number; column: number } {
  const starts = doc.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** `build.dockerfile`, `mounts[2].source`, `features["ghcr.io/x/y:1"]`; empty path is `(root)`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

/** Deepest nesting of objects and arrays, found with the scanner (which does not recurse). */
function maxNesting(text: string): { depth: number; offset: number } {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (;;) {
    const kind = scanner.scan();
    // SyntaxKind values: 1 `{`, 3 `[` open; 2 `}`, 4 `]` close; 17 EOF (const enum, not importable here).
    if (kind === 17) return { depth: 0, offset: 0 };
    if (kind === 1 || kind === 3) {
      depth++;
      if (depth > MAX_NESTING) return { depth, offset: scanner.getTokenOffset() };
    } else if (kind === 2 || kind === 4) {
      depth = Math.max(0, depth - 1);
    }
  }
}

/**
 * Parses JSONC text. Throws BerthError('config-invalid') listing every syntax error as
 * file:line:col, or when the document is not an object.
 */
export function parseJsonc(text: string, file: string): JsoncDocument {
  // A byte order mark is not JSON, but editors write one; skip it like the reference does.
  const body = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const doc: JsoncDocument = { file, text: body, value: undefined, tree: undefined, lineStarts: computeLineStarts(body) };
  const nesting = maxNesting(body);
  if (nesting.depth > MAX_NESTING) {
    const d = syntaxDiagnostic(doc, nesting.offset, 1, `nested more than ${MAX_NESTING} levels deep`);
    throw configInvalid(file, [d]);
  }
  const errors: ParseError[] = [];
  doc.tree = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) {
    throw configInvalid(file, errors.map((e) => syntaxDiagnostic(doc, e.offset, e.length, describeParseError(e))));
  }
  if (!doc.tree || doc.tree.type !== 'object') {
    const got = doc.tree ? doc.tree.type : 'nothing';
    const d = syntaxDiagnostic(doc, doc.tree?.offset ?? 0, doc.tree?.length ?? 0, `a dev container spec must be a JSON object, got ${got}`);
    throw configInvalid(file, [d]);
  }
  doc.value = nodeValue(doc.tree);
  return doc;
}

/**
 * Value of a tree node. Unlike jsonc-parser's getNodeValue, a duplicated key keeps its last value
 * (what JSON.parse and the reference do) and `__proto__` is stored as a plain property.
 */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const obj: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (!key || !value) continue;
        Object.defineProperty(obj, String(key.value), { value: nodeValue(value), enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function syntaxDiagnostic(doc: JsoncDocument, offset: number, length: number, message: string): Diagnostic {
  const pos = positionAt(doc, offset);
  return { severity: 'error', message, location: { file: doc.file, line: pos.line, column: pos.column, length } };
}

/** The one error for a spec with problems; its location is the first error's. */
export function configInvalid(file: string, diagnostics: Diagnostic[]): BerthError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0] ?? diagnostics[0];
  // With a location, front ends print `file:line:col: message`, so the message does not repeat the file.
  const summary = errors.length <= 1 ? (first?.message ?? 'invalid dev container spec') : `${errors.length} problems in the dev container spec`;
  return new BerthError('config-invalid', first?.location ? summary : `${file}: ${summary}`, {
    location: first?.location,
    diagnostics,
    hint: 'fix the spec at the places listed, then run again',
  });
}

/** How `locate` points at a property. */
export interface LocateOptions {
  /** Point at the property name rather than its value (for unknown or misplaced properties). */
  key?: boolean;
}

/**
 * Where a JSON path is in the document: the value's node, or the property name with `key`. A path
 * that does not exist (e.g. a missing property) falls back to its deepest existing ancestor.
 */
export function locate(doc: JsoncDocument, path: JsonPath, options: LocateOptions = {}): SourceLocation {
  let node: Node | undefined;
  let used = path.length;
  if (doc.tree) {
    for (; used >= 0; used--) {
      node = findNodeAtLocation(doc.tree, path.slice(0, used));
      if (node) break;
    }
  }
  let target = node;
  if (node && options.key && used === path.length && node.parent?.type === 'property') {
    target = node.parent.children?.[0] ?? node;
  }
  const offset = target?.offset ?? 0;
  const pos = positionAt(doc, offset);
  const loc: SourceLocation = { file: doc.file, line: pos.line, column: pos.column, path: formatJsonPath(path) };
  if (target) loc.length = target.length;
  return loc;
}
