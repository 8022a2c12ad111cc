import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJsonPath, locate, MAX_NESTING, parseJsonc, positionAt } from '../../../../src/core/config/parse';
import { BerthError } from '../../../../src/core/errors';

function parseError(text: string): BerthError {
  try {
    parseJsonc(text, '/ws/devcontainer.json');
  } catch (e) {
    assert.ok(e instanceof BerthError);
    return e;
  }
  assert.fail('expected a parse error');
}

describe('parseJsonc', () => {
  it('accepts comments and trailing commas', () => {
    const doc = parseJsonc('// top\n{\n  /* c */ "image": "x", // end\n  "runArgs": ["a",],\n}\n', '/ws/f.json');
    assert.deepEqual(doc.value, { image: 'x', runArgs: ['a'] });
  });

  it('reports a missing comma at its line and column, with what was expected', () => {
    const e = parseError('{\n  "image": "x"\n  "name": "y"\n}');
    assert.equal(e.code, 'config-invalid');
    assert.equal(e.diagnostics.length, 1);
    const d = e.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.match(d.message, /expected a ',' between entries/);
    assert.deepEqual([d.location?.file, d.location?.line, d.location?.column], ['/ws/devcontainer.json', 3, 3]);
    assert.deepEqual([e.location?.line, e.location?.column], [3, 3]);
  });

  it('lists every syntax error, each in words', () => {
    const e = parseError('{\n "a": ,\n "b" 1,\n "c": "open\n}');
    assert.ok(e.diagnostics.length >= 3, JSON.stringify(e.diagnostics));
    for (const d of e.diagnostics) {
      assert.match(d.message, /^syntax error: expected /);
      assert.ok(!/Expected$|InvalidSymbol|ValueExpected/.test(d.message), d.message);
      assert.ok(d.location && d.location.line >= 1 && d.location.column >= 1);
    }
    assert.equal(e.diagnostics[0].location?.line, 2);
  });

  it('reports an empty file and a non-object document', () => {
    assert.match(parseError('').diagnostics[0].message, /expected a value/);
    assert.match(parseError('  [1, 2]').diagnostics[0].message, /must be a JSON object, got array/);
    assert.equal(parseError('  [1, 2]').diagnostics[0].location?.column, 3);
  });

  it('refuses absurd nesting without recursing into it', () => {
    const deep = '{"a":' + '['.repeat(MAX_NESTING + 10) + ']'.repeat(MAX_NESTING + 10) + '}';
    const e = parseError(deep);
    assert.match(e.diagnostics[0].message, /nested more than/);
    assert.equal(e.diagnostics[0].location?.line, 1);
  });

  it('keeps the last of duplicated keys and stores __proto__ as data', () => {
    const doc = parseJsonc('{"image": "a", "image": "b", "__proto__": {"polluted": true}}', '/f');
    const v = doc.value as Record<string, unknown>;
    assert.equal(v.image, 'b');
    assert.deepEqual(Object.keys(v), ['image', '__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('counts CRLF line ends once and skips a byte order mark', () => {
    const doc = parseJsonc('\ufeff{\r\n  "image": 1\r\n}', '/f');
    assert.deepEqual(locate(doc, ['image']), { file: '/f', line: 2, column: 12, path: 'image', length: 1 });
    assert.deepEqual(positionAt(doc, 0), { line: 1, column: 1 });
  });
});

describe('locate', () => {
  const doc = parseJsonc('{\n  "build": {\n    "dockerfile": 42\n  },\n  "mounts": ["a", {"target": "/t"}]\n}', '/f.json');

  it('maps a path to the value, or to the key', () => {
    assert.deepEqual(locate(doc, ['build', 'dockerfile']), { file: '/f.json', line: 3, column: 19, path: 'build.dockerfile', length: 2 });
    assert.equal(locate(doc, ['build', 'dockerfile'], { key: true }).column, 5);
    assert.deepEqual([locate(doc, ['mounts', 1, 'target']).line, locate(doc, ['mounts', 1, 'target']).column], [5, 30]);
  });

  it('falls back to the deepest existing ancestor', () => {
    const loc = locate(doc, ['build', 'context']);
    assert.deepEqual([loc.line, loc.column, loc.path], [2, 12, 'build.context']);
    assert.deepEqual([locate(doc, []).line, locate(doc, []).column], [1, 1]);
  });
});

describe('formatJsonPath', () => {
  it('writes dotted names, indexes and quoted odd keys', () => {
    assert.equal(formatJsonPath(['mounts', 2, 'source']), 'mounts[2].source');
    assert.equal(formatJsonPath(['features', 'ghcr.io/x/y:1', 'version']), 'features["ghcr.io/x/y:1"].version');
    assert.equal(formatJsonPath([]), '(root)');
  });
});
