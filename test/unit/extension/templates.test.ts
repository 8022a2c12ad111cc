import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { orderTemplates, parseTemplateIndex, planTemplateWrite, suggestTemplate } from '../../../src/extension/templates';

const root = join(__dirname, '..', '..', '..', 'templates');
const templates = parseTemplateIndex(readFileSync(join(root, 'index.json'), 'utf8'));

describe('bundled templates', () => {
  it('lists the four starters and every listed file exists', () => {
    assert.deepEqual(templates.map((t) => t.id).sort(), ['compose', 'debian', 'node', 'python']);
    for (const t of templates) {
      assert.ok(t.files.includes('devcontainer.json'), t.id);
      for (const f of t.files) assert.ok(readFileSync(join(root, t.id, f), 'utf8').length > 0, `${t.id}/${f}`);
    }
  });

  it('uses only the local base image, so they build offline', () => {
    assert.match(readFileSync(join(root, 'debian', 'devcontainer.json'), 'utf8'), /"image": "debian:bookworm-slim"/);
    assert.match(readFileSync(join(root, 'python', 'Dockerfile'), 'utf8'), /^FROM debian:bookworm-slim$/m);
  });
});

describe('suggestTemplate', () => {
  it('picks by the files at the root', () => {
    assert.equal(suggestTemplate(['README.md']), 'debian');
    assert.equal(suggestTemplate(['package.json', 'src']), 'node');
    assert.equal(suggestTemplate(['pyproject.toml']), 'python');
    assert.equal(suggestTemplate(['package.json', 'docker-compose.yml']), 'compose');
    assert.equal(suggestTemplate(['Requirements.txt']), 'python');
  });

  it('orders the suggestion first', () => {
    assert.deepEqual(orderTemplates(templates, 'python').map((t) => t.id)[0], 'python');
    assert.equal(orderTemplates(templates, 'python').length, templates.length);
  });
});

describe('planTemplateWrite', () => {
  const python = templates.find((t) => t.id === 'python')!;
  it('writes every file to .devcontainer when nothing exists', () => {
    const plan = planTemplateWrite(python, new Set());
    assert.deepEqual(plan, { ok: true, files: [{ name: 'devcontainer.json', target: '.devcontainer/devcontainer.json' }, { name: 'Dockerfile', target: '.devcontainer/Dockerfile' }] });
  });

  it('refuses when a spec exists, either place', () => {
    assert.deepEqual(planTemplateWrite(python, new Set(['.devcontainer.json'])), { ok: false, reason: 'spec-exists', existing: ['.devcontainer.json'] });
  });

  it('refuses to overwrite another file the template writes', () => {
    assert.deepEqual(planTemplateWrite(python, new Set(['.devcontainer/Dockerfile'])), { ok: false, reason: 'file-exists', existing: ['.devcontainer/Dockerfile'] });
  });

  it('rejects a malformed index', () => {
    assert.throws(() => parseTemplateIndex('{"templates":[{"id":"x"}]}'), /entry 0/);
  });
});
