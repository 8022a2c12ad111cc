import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonc } from '../../../../src/core/config/parse';
import type { DevContainerJson } from '../../../../src/core/config/types';
import { schemaDiagnostics, semanticDiagnostics } from '../../../../src/core/config/validate';
import { tempWorkspace } from '../../../support/configFixtures';

const FILE = '/ws/.devcontainer/devcontainer.json';

function schemaOf(text: string) {
  return schemaDiagnostics(parseJsonc(text, FILE));
}

describe('schemaDiagnostics', () => {
  it('accepts a spec using every form', () => {
    const text = JSON.stringify({
      $schema: 'x', name: 'n', image: 'i', workspaceFolder: '/w', workspaceMount: '', mounts: ['a=b', { type: 'volume', source: 's', target: '/t' }],
      runArgs: ['--x'], containerEnv: { A: 'a' }, remoteEnv: { B: null, C: 'c' }, remoteUser: 'u', containerUser: 'u', updateRemoteUserUID: false,
      userEnvProbe: 'none', overrideCommand: true, shutdownAction: 'none', init: true, privileged: false, capAdd: ['X'], securityOpt: ['y'],
      forwardPorts: [1, 'db:5432'], portsAttributes: { '3000': { label: 'l', onAutoForward: 'silent' } }, otherPortsAttributes: { protocol: 'https' },
      appPort: [1, '2:2'], initializeCommand: 'a', onCreateCommand: ['a', 'b'], updateContentCommand: { x: 'a', y: ['b'] }, postCreateCommand: 'c',
      postStartCommand: 'd', postAttachCommand: 'e', waitFor: 'onCreateCommand', features: { 'ghcr.io/a/b:1': { v: 1 }, c: 'latest', d: true },
      overrideFeatureInstallOrder: ['a'], hostRequirements: { cpus: 2, memory: '4gb', storage: '1tb', gpu: { cores: 2, memory: '1gb' } },
      customizations: { vscode: { extensions: ['a.b'], settings: { x: 1 } }, berth: { anything: 1 } },
    });
    assert.deepEqual(schemaOf(text), []);
  });

  it('reports a wrong type with the JSON path and line:col', () => {
    const [d] = schemaOf('{\n  "image": "x",\n  "build": {\n    "dockerfile": 42\n  }\n}');
    assert.equal(d.severity, 'error');
    assert.equal(d.message, '`build.dockerfile` must be a string, got number');
    assert.deepEqual(d.location, { file: FILE, line: 4, column: 19, path: 'build.dockerfile', length: 2 });
  });

  it('reports bad hook, mount and port forms at the inner element', () => {
    const ds = schemaOf('{\n "image": "x",\n "postCreateCommand": ["ok", 3],\n "mounts": [{"type": "bind"}],\n "forwardPorts": [70000]\n}');
    assert.deepEqual(ds.map((d) => [d.message, d.location?.line, d.location?.path]), [
      ['`postCreateCommand[1]` must be a string, got number', 3, 'postCreateCommand[1]'],
      ['`mounts[0]` is missing the required property `target`', 4, 'mounts[0]'],
      ['`forwardPorts[0]` must be at most 65535, got 70000', 5, 'forwardPorts[0]'],
    ]);
  });

  it('warns about an unknown top-level property at its key, with "did you mean"', () => {
    const [d] = schemaOf('{\n  "image": "x",\n  "postCreateCommands": "echo"\n}');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /unknown property `postCreateCommands`; did you mean `postCreateCommand`\?/);
    assert.deepEqual([d.location?.line, d.location?.column, d.location?.path], [3, 3, 'postCreateCommands']);
  });

  it('warns about deprecated spellings', () => {
    const ds = schemaOf('{"dockerFile": "Dockerfile", "extensions": []}');
    assert.deepEqual(ds.map((d) => d.severity), ['warning', 'warning']);
    assert.match(ds[0].message, /`dockerFile` is deprecated: Use build.dockerfile/);
  });
});

async function semantic(files: Record<string, string>): Promise<{ diagnostics: ReturnType<typeof schemaOf>; file: string }> {
  const ws = tempWorkspace(files);
  try {
    const file = join(ws.dir, '.devcontainer', 'devcontainer.json');
    const doc = parseJsonc(files['.devcontainer/devcontainer.json'], file);
    return { diagnostics: await semanticDiagnostics(doc, doc.value as DevContainerJson), file };
  } finally {
    ws.cleanup();
  }
}

describe('semanticDiagnostics', () => {
  it('reports image and build together at build', async () => {
    const { diagnostics, file } = await semantic({ '.devcontainer/devcontainer.json': '{\n "image": "x",\n "build": {"dockerfile": "D"}\n}', '.devcontainer/D': 'FROM x' });
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /`image` and `build` are both set/);
    assert.deepEqual([diagnostics[0].location?.file, diagnostics[0].location?.line, diagnostics[0].location?.column, diagnostics[0].location?.path], [file, 3, 2, 'build']);
  });

  it('reports Compose with image or build, and without service', async () => {
    const { diagnostics } = await semantic({
      '.devcontainer/devcontainer.json': '{\n "image": "x",\n "dockerComposeFile": "c.yml"\n}',
      '.devcontainer/c.yml': 'services: {}',
    });
    assert.deepEqual(diagnostics.map((d) => [d.location?.line, d.location?.path]), [[2, 'image'], [3, 'dockerComposeFile']]);
    assert.match(diagnostics[1].message, /`dockerComposeFile` needs `service`/);
    const withBuild = await semantic({ '.devcontainer/devcontainer.json': '{"build": {"dockerfile": "D"}, "dockerComposeFile": [], "service": "a"}' });
    assert.match(withBuild.diagnostics[0].message, /`build` and `dockerComposeFile` are both set/);
  });

  it('reports a spec with no image, build or Compose file at 1:1', async () => {
    const { diagnostics } = await semantic({ '.devcontainer/devcontainer.json': '{"name": "x"}' });
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /needs one of `image`, `build` .* or `dockerComposeFile`/);
    assert.deepEqual([diagnostics[0].location?.line, diagnostics[0].location?.column], [1, 1]);
  });

  it('reports a Dockerfile or Compose file that does not exist, relative to devcontainer.json', async () => {
    const { diagnostics, file } = await semantic({ '.devcontainer/devcontainer.json': '{\n "build": {\n  "dockerfile": "../Missing"\n }\n}' });
    assert.equal(diagnostics.length, 1);
    assert.ok(diagnostics[0].message.includes(join(file, '..', '..', 'Missing')), diagnostics[0].message);
    assert.deepEqual([diagnostics[0].location?.line, diagnostics[0].location?.column, diagnostics[0].location?.path], [3, 17, 'build.dockerfile']);
    const legacy = await semantic({ '.devcontainer/devcontainer.json': '{"dockerFile": "Nope"}' });
    assert.match(legacy.diagnostics[0].message, /`dockerFile` names .*Nope, which does not exist/);
    const compose = await semantic({
      '.devcontainer/devcontainer.json': '{"dockerComposeFile": ["a.yml", "b.yml"], "service": "s"}',
      '.devcontainer/a.yml': 'services: {}',
    });
    assert.deepEqual(compose.diagnostics.map((d) => d.location?.path), ['dockerComposeFile[1]']);
  });

  it('accepts a Dockerfile that exists', async () => {
    const { diagnostics } = await semantic({ '.devcontainer/devcontainer.json': '{"build": {"dockerfile": "Dockerfile", "context": ".."}}', '.devcontainer/Dockerfile': 'FROM x' });
    assert.deepEqual(diagnostics, []);
  });
});
