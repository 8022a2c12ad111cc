import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildDrift, buildInputsLabels, computeBuildInputs, diffBuildInputs, parseBuildInputsLabel, runtimeDrift } from '../../../../src/core/container/drift';
import { dockerfileConfig, imageConfig } from './configFixture';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-drift-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const DOCKERFILE = 'FROM debian:bookworm-slim\nCOPY package.json /app/\nCOPY src/ /app/src/\n';

function configFor(dir: string, over = {}) {
  return dockerfileConfig({ context: dir, dockerfile: join(dir, 'Dockerfile'), workspaceFolderHost: dir, ...over });
}

describe('computeBuildInputs + diffBuildInputs', () => {
  it('names each copied file, the Dockerfile and the build properties', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'a', 'src/lib/b.js': 'b', 'README.md': 'r' });
    const { hash, inputs } = await computeBuildInputs(configFor(dir));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(inputs).sort(), [
      'Dockerfile', 'build.args', 'build.options', 'build.target', 'context file package.json', 'context file src/a.js', 'context file src/lib/b.js',
      'features', 'overrideFeatureInstallOrder', 'updateRemoteUserUID',
    ]);
    for (const v of Object.values(inputs)) assert.match(v, /^[0-9a-f]{12}$/);
  });

  it('editing a copied file names that file; editing an uncopied one is no drift', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'a', 'src/lib/b.js': 'b', 'README.md': 'r' });
    const before = await computeBuildInputs(configFor(dir));
    writeFileSync(join(dir, 'README.md'), 'changed');
    const same = await computeBuildInputs(configFor(dir));
    assert.equal(same.hash, before.hash);
    assert.deepEqual(diffBuildInputs(before.inputs, same.inputs), []);

    writeFileSync(join(dir, 'src/lib/b.js'), 'b2');
    const now = await computeBuildInputs(configFor(dir));
    assert.notEqual(now.hash, before.hash);
    assert.deepEqual(diffBuildInputs(before.inputs, now.inputs), [{ input: 'context file src/lib/b.js', needsRebuild: true }]);
  });

  it('names new and removed files, the Dockerfile and build args', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'a' });
    const before = await computeBuildInputs(configFor(dir));
    writeFileSync(join(dir, 'src/new.js'), 'n');
    rmSync(join(dir, 'src/a.js'));
    writeFileSync(join(dir, 'Dockerfile'), `${DOCKERFILE}RUN true\n`);
    const now = await computeBuildInputs(configFor(dir, { buildArgs: { X: '1' } }));
    assert.deepEqual(diffBuildInputs(before.inputs, now.inputs).map((d) => d.input), [
      'Dockerfile', 'build.args', 'context file src/a.js (removed)', 'context file src/new.js (new)',
    ]);
  });

  it('honours .dockerignore', async () => {
    const dir = context({ Dockerfile: 'FROM x\nCOPY . /app\n', '.dockerignore': 'node_modules\n*.log\n', 'a.txt': 'a', 'debug.log': 'l', 'node_modules/m/index.js': 'm' });
    const { inputs } = await computeBuildInputs(configFor(dir));
    const files = Object.keys(inputs).filter((k) => k.startsWith('context')).sort();
    assert.deepEqual(files, ['context file .dockerignore', 'context file Dockerfile', 'context file a.txt']);
  });

  it('expands globs within the context', async () => {
    const dir = context({ Dockerfile: 'FROM x\nCOPY package*.json /app/\n', 'package.json': '1', 'package-lock.json': '2', 'other.json': '3' });
    const { inputs } = await computeBuildInputs(configFor(dir));
    assert.deepEqual(Object.keys(inputs).filter((k) => k.startsWith('context')).sort(), ['context file package-lock.json', 'context file package.json']);
  });

  it('groups per COPY source past maxNamedFiles, and still detects a change', async () => {
    const files: Record<string, string> = { Dockerfile: DOCKERFILE, 'package.json': '{}' };
    for (let i = 0; i < 12; i++) files[`src/f${i}.js`] = String(i);
    const dir = context(files);
    const before = await computeBuildInputs(configFor(dir), { maxNamedFiles: 5 });
    assert.ok(before.inputs['context src/']);
    writeFileSync(join(dir, 'src/f3.js'), 'x');
    const now = await computeBuildInputs(configFor(dir), { maxNamedFiles: 5 });
    assert.deepEqual(diffBuildInputs(before.inputs, now.inputs).map((d) => d.input), ['context src/']);
  });

  it('past the content budget, size and mtime stand in', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'aaaa' });
    const before = await computeBuildInputs(configFor(dir), { maxFiles: 1 });
    writeFileSync(join(dir, 'src/a.js'), 'bbbbb');
    const now = await computeBuildInputs(configFor(dir), { maxFiles: 1 });
    assert.deepEqual(diffBuildInputs(before.inputs, now.inputs).map((d) => d.input), ['context file src/a.js']);
  });

  it('says whether the hash is complete: every copied file by content, nothing read from outside', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'aaaa' });
    const full = await computeBuildInputs(configFor(dir));
    assert.equal(full.complete, true);
    assert.deepEqual(full.baseImages, ['debian:bookworm-slim']);
    assert.equal((await computeBuildInputs(configFor(dir), { maxFiles: 1 })).complete, false, 'past the content budget');
    writeFileSync(join(dir, 'Dockerfile'), `${DOCKERFILE}ADD https://example.invalid/x /x\n`);
    assert.equal((await computeBuildInputs(configFor(dir))).complete, false, 'ADD from a URL');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM x\nRUN --mount=type=bind,target=/src make\n');
    assert.equal((await computeBuildInputs(configFor(dir))).complete, false, 'RUN --mount');
  });

  it('an unresolvable COPY source counts the whole context', async () => {
    const dir = context({ Dockerfile: 'FROM x\nARG D\nCOPY $D /app\n', 'x.txt': 'x' });
    const { inputs } = await computeBuildInputs(configFor(dir));
    assert.ok(inputs['context file x.txt']);
  });

  it('image configs hash the image and features', async () => {
    const a = await computeBuildInputs(imageConfig());
    const b = await computeBuildInputs(imageConfig({ image: 'debian:12', features: { 'ghcr.io/x/y:1': {} } }));
    assert.deepEqual(diffBuildInputs(a.inputs, b.inputs).map((d) => d.input), ['features', 'image']);
  });

  it('buildDrift reads the labels back: same, changed, unknown', async () => {
    const dir = context({ Dockerfile: DOCKERFILE, 'package.json': '{}', 'src/a.js': 'a' });
    const before = await computeBuildInputs(configFor(dir));
    const labels = buildInputsLabels(before);
    assert.deepEqual(Object.keys(labels).sort(), ['dev.berth.build-hash', 'dev.berth.build-inputs']);
    assert.deepEqual(buildDrift(labels, before), []);
    writeFileSync(join(dir, 'package.json'), '{"v":2}');
    assert.deepEqual(buildDrift(labels, await computeBuildInputs(configFor(dir))), [{ input: 'context file package.json', needsRebuild: true }]);
    assert.equal(buildDrift({}, before), undefined);
    assert.deepEqual(buildDrift({ 'dev.berth.build-hash': 'x' }, before)?.length, 1);
  });

  it('round-trips through the label', async () => {
    const { inputs } = await computeBuildInputs(imageConfig());
    assert.deepEqual(parseBuildInputsLabel(JSON.stringify(inputs)), inputs);
    assert.equal(parseBuildInputsLabel('not json'), undefined);
    assert.equal(parseBuildInputsLabel('[1]'), undefined);
    assert.equal(parseBuildInputsLabel(undefined), undefined);
  });
});

describe('runtimeDrift', () => {
  const metadata = JSON.stringify([
    { remoteUser: 'node', postCreateCommand: 'npm ci' },
    { remoteEnv: { A: '1' }, forwardPorts: [3000], containerEnv: { C: 'x' }, init: true },
  ]);
  const same = imageConfig({
    remoteUser: 'node',
    remoteEnv: { A: '1' },
    forwardPorts: ['localhost:3000'],
    containerEnv: { C: 'x' },
    init: true,
    hooks: { onCreateCommand: [], updateContentCommand: [], postCreateCommand: [{ origin: 'devcontainer.json', command: 'npm ci' }], postStartCommand: [], postAttachCommand: [] },
  });

  it('is empty when nothing changed', () => {
    assert.deepEqual(runtimeDrift(metadata, same), []);
    assert.deepEqual(runtimeDrift(JSON.parse(metadata), same), []);
  });

  it('names runtime changes without a rebuild, creation-time ones with', () => {
    const now = {
      ...same,
      remoteEnv: { A: '2', B: 'new' },
      forwardPorts: [3000, 8080],
      containerEnv: {},
      hooks: { ...same.hooks, postCreateCommand: [{ origin: 'devcontainer.json', command: 'npm install' }] },
      capAdd: ['SYS_PTRACE'],
    };
    assert.deepEqual(runtimeDrift(metadata, now), [
      { input: 'remoteEnv.A', needsRebuild: false },
      { input: 'remoteEnv.B', needsRebuild: false },
      { input: 'containerEnv.C', needsRebuild: true },
      { input: 'forwardPorts', needsRebuild: false },
      { input: 'postCreateCommand', needsRebuild: false },
      { input: 'capAdd', needsRebuild: true },
    ]);
  });

  it('compares mounts by their parsed form', () => {
    const md = JSON.stringify([{ mounts: ['type=volume,src=v,dst=/data'] }]);
    assert.deepEqual(runtimeDrift(md, imageConfig({ mounts: [{ type: 'volume', source: 'v', target: '/data' }] })), []);
    assert.deepEqual(runtimeDrift(md, imageConfig({ mounts: [{ type: 'volume', source: 'w', target: '/data' }] })), [{ input: 'mounts', needsRebuild: true }]);
  });
});
