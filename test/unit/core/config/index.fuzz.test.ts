/**
 * Fuzz-style robustness test for readConfig: hundreds of mutated specs, generated from the fixtures
 * with a seeded PRNG (the same cases every run), must each end in a result or a located BerthError.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../../../src/core/config';
import { parseJsonc } from '../../../../src/core/config/parse';
import { BerthError } from '../../../../src/core/errors';
import { fixtureSpecTexts, tempWorkspace } from '../../../support/configFixtures';
import { prng, type Json } from '../../../support/prng';

const CASES = 600;
const SEED = 0x5eed1234;
const PER_CASE_MS = 2_000;
const TOTAL_MS = 60_000;


const ODD_TEXT = ['\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '😀', 'e\u0301', '\u2028', '\\', '"', '\n', 'ß', '\u{10ffff}'];
const VARIABLES = ['${localEnv:HOME}', '${localEnv:X:d:e}', '${env:}', '${localEnv}', '${containerEnv:PATH}', '${containerEnv}', '${devcontainerId}',
  '${localWorkspaceFolder}', '${containerWorkspaceFolderBasename}', '${foo}', '${', '${}', '${${x}}', '${:}', '${localEnv:__proto__}'];


function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const pos = () => Math.floor(rnd() * (text.length + 1));
  let value: Json | undefined;
  try {
    value = parseJsonc(text, 'base').value as Json;
  } catch {
    value = undefined;
  }
  // Collect containers and keys so a mutation can reach any depth.
  const slots: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
  const collect = (v: Json) => {
    if (Array.isArray(v)) v.forEach((c, i) => { slots.push({ parent: v, key: i }); collect(c); });
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) { slots.push({ parent: v, key: k }); collect(v[k]); }
  };
  if (value !== undefined) collect(value);
  const set = (s: { parent: Json[] | { [k: string]: Json }; key: string | number }, v: Json) => {
    (s.parent as Record<string | number, Json>)[s.key] = v;
  };
  const wrongValues: Json[] = [42, -1.5, true, false, null, 'str', [], [1, 'a', null], {}, { a: { b: [] } }, 1e308, 70000];
  switch (Math.floor(rnd() * 9)) {
    case 0: // wrong type somewhere
      if (slots.length > 0 && value !== undefined) { set(pick(slots), pick(wrongValues)); return JSON.stringify(value, null, 1); }
      return text + '}';
    case 1: { // delete characters
      let t = text;
      for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) { const p = Math.floor(rnd() * t.length); t = t.slice(0, p) + t.slice(p + 1 + Math.floor(rnd() * 3)); }
      return t;
    }
    case 2: { // duplicate characters
      const p = pos();
      return text.slice(0, p) + text.slice(p, p + 1 + Math.floor(rnd() * 8)).repeat(2) + text.slice(p);
    }
    case 3: // a huge string
      if (slots.length > 0 && value !== undefined) { set(pick(slots), pick(['x', '${localEnv:HOME}', '\u00e9', '${'] ).repeat(20_000 + Math.floor(rnd() * 100_000))); return JSON.stringify(value); }
      return text;
    case 4: { // deep nesting, sometimes past the limit
      const depth = Math.floor(rnd() * 600);
      const open = rnd() < 0.5 ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const nested = open.repeat(depth) + '1' + close.repeat(depth);
      if (slots.length > 0 && value !== undefined && rnd() < 0.7) return JSON.stringify(value).replace(/:(\s*)("[^"]*"|\d+|true|false|null)/, `:${nested}`);
      return text.slice(0, pos()) + nested;
    }
    case 5: { // odd Unicode in the text or in values
      if (slots.length > 0 && value !== undefined && rnd() < 0.5) { set(pick(slots), Array.from({ length: 5 }, () => pick(ODD_TEXT)).join('')); return JSON.stringify(value); }
      const p = pos();
      return text.slice(0, p) + pick(ODD_TEXT) + text.slice(p);
    }
    case 6: // variables everywhere
      if (value !== undefined) {
        for (const s of slots) if (rnd() < 0.4) set(s, Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(VARIABLES)).join(pick(['', '/', ':'])));
        return JSON.stringify(value);
      }
      return text.replace(/"[^"]*"/g, () => JSON.stringify(pick(VARIABLES)));
    case 7: { // new or duplicated properties, including the dangerous ones
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const key = pick(['__proto__', 'constructor', 'postCreateCommands', 'imagee', 'build', 'dockerComposeFile', 'service', 'features', 'x'.repeat(5000)]);
        return JSON.stringify(value).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(pick(wrongValues))},`);
      }
      return '{' + text;
    }
    default: { // several small edits at once
      let t = text;
      for (let n = 0; n < 3; n++) { const p = Math.floor(rnd() * (t.length + 1)); t = t.slice(0, p) + pick([',', '}', ']', '"', ':', '/*', '//', ' ', '\t', '0']) + t.slice(p); }
      return t;
    }
  }
}

describe('readConfig fuzz', () => {
  it(`ends ${CASES} mutated specs in a result or a located BerthError, never another exception`, async () => {
    const ws = tempWorkspace({ '.devcontainer/Dockerfile': 'FROM scratch\n', '.devcontainer/docker-compose.yml': 'services: {}\n' });
    const file = join(ws.dir, '.devcontainer', 'devcontainer.json');
    const bases = fixtureSpecTexts();
    const rnd = prng(SEED);
    const started = Date.now();
    let ok = 0;
    let invalid = 0;
    try {
      for (let i = 0; i < CASES; i++) {
        const text = mutate(bases[i % bases.length], rnd);
        writeFileSync(file, text);
        const t0 = Date.now();
        try {
          const r = await readConfig({ workspaceFolder: ws.dir, env: { HOME: '/home/me' }, platform: 'linux' });
          assert.ok(['image', 'dockerfile', 'compose'].includes(r.config.kind), `case ${i}: no kind`);
          ok++;
        } catch (e) {
          if (!(e instanceof BerthError)) assert.fail(`case ${i}: ${String(e)}\n${(e as Error)?.stack}\ninput: ${text.slice(0, 300)}`);
          assert.equal(e.code, 'config-invalid', `case ${i}: ${e.code} ${e.message}`);
          assert.ok(e.location && e.location.file === file && e.location.line >= 1 && e.location.column >= 1, `case ${i}: no location: ${e.message}`);
          for (const d of e.diagnostics) assert.ok(d.location && d.location.line >= 1 && d.location.column >= 1, `case ${i}: diagnostic without location: ${d.message}`);
          invalid++;
        }
        assert.ok(Date.now() - t0 < PER_CASE_MS, `case ${i} took ${Date.now() - t0} ms`);
      }
    } finally {
      ws.cleanup();
    }
    assert.ok(Date.now() - started < TOTAL_MS, `took ${Date.now() - started} ms`);
    // Both outcomes must occur, or the mutations are not exercising the reader.
    assert.ok(ok > 30 && invalid > 30, `ok=${ok} invalid=${invalid}`);
  });
});
