import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig, type ReadConfigOptions } from '../../../../src/core/config';
import { BerthError, formatDiagnostic } from '../../../../src/core/errors';
import { fixture, tempWorkspace } from '../../../support/configFixtures';

const env = { BERTH_FIXTURE_VAR: 'val', HOME: '/home/me' };

function opts(workspaceFolder: string, extra: Partial<ReadConfigOptions> = {}): ReadConfigOptions {
  return { workspaceFolder, env, platform: 'linux', ...extra };
}

async function invalid(workspaceFolder: string): Promise<BerthError> {
  try {
    await readConfig(opts(workspaceFolder));
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e));
    return e;
  }
  assert.fail('expected readConfig to fail');
}

function specFile(name: string): string {
  return join(fixture(name), '.devcontainer', 'devcontainer.json');
}

describe('readConfig on fixtures', () => {
  it('reads an image spec with comments and trailing commas', async () => {
    const r = await readConfig(opts(fixture('image')));
    assert.equal(r.configFile, specFile('image'));
    assert.ok(r.config.kind === 'image');
    assert.equal(r.config.image, 'debian:bookworm-slim');
    assert.deepEqual(r.config.forwardPorts, [3000]);
    assert.deepEqual(r.idLabels, { 'devcontainer.local_folder': fixture('image'), 'devcontainer.config_file': specFile('image') });
    assert.match(r.devcontainerId, /^[0-9a-v]{52}$/);
    assert.deepEqual(r.diagnostics, []);
  });

  it('reads a Dockerfile spec with context ".." and substituted build args', async () => {
    const r = await readConfig(opts(fixture('dockerfile-context')));
    assert.ok(r.config.kind === 'dockerfile');
    assert.equal(r.config.context, fixture('dockerfile-context'));
    assert.equal(r.config.dockerfile, join(fixture('dockerfile-context'), '.devcontainer', 'Dockerfile'));
    assert.deepEqual(r.config.buildArgs, { VARIANT: 'bookworm', USER_HOME: '/home/dev' });
    assert.equal(r.config.workspaceMount, `type=bind,source=${fixture('dockerfile-context')},target=/src`);
  });

  it('reads a Compose spec', async () => {
    const r = await readConfig(opts(fixture('compose')));
    assert.ok(r.config.kind === 'compose');
    assert.deepEqual(r.config.composeFiles, [join(fixture('compose'), 'docker-compose.yml'), join(fixture('compose'), '.devcontainer', 'docker-compose.extend.yml')]);
    assert.equal(r.config.workspaceFolder, '/workspace');
    assert.equal(r.config.overrideCommand, false);
  });

  it('applies the legacy renames in raw and reads dockerFile as the build', async () => {
    const r = await readConfig(opts(fixture('legacy-dockerfile')));
    assert.ok(r.config.kind === 'dockerfile');
    assert.deepEqual(r.raw.customizations, { vscode: { extensions: ['ms-python.python', 'dbaeumer.vscode-eslint'], settings: { 'editor.tabSize': 2 } } });
    assert.equal(r.raw.extensions, undefined);
    assert.ok(r.diagnostics.every((d) => d.severity === 'warning' && /deprecated/.test(d.message)));
  });

  it('substitutes variables and warns about an unknown one at its line:col', async () => {
    const r = await readConfig(opts(fixture('variables')));
    const ws = fixture('variables');
    assert.deepEqual(r.config.containerEnv, {
      FROM_ENV: 'val', ALIAS: 'val', UNSET: '', DEFAULT: 'fallback', DEFAULT_COLON: 'a', HOST_WS: ws, HOST_BASE: 'variables',
      CONT_WS: '/work/variables', CONT_BASE: 'variables', TWO: 'val-variables',
    });
    assert.deepEqual(r.config.remoteEnv, { PATH: '${containerEnv:PATH}:/opt/bin', WITH_DEFAULT: '${containerEnv:NOPE:none}', UNKNOWN: '${foo}', REMOVED: null });
    assert.equal(r.config.workspaceFolder, '/work/variables');
    assert.ok(Object.keys(r.raw).includes('${localEnv:BERTH_FIXTURE_VAR}'));
    const unknown = r.diagnostics.find((d) => d.message.includes('${foo}'));
    assert.ok(unknown, r.diagnostics.map(formatDiagnostic).join('\n'));
    assert.equal(unknown.severity, 'warning');
    assert.deepEqual(unknown.location, { file: specFile('variables'), line: 19, column: 16, path: 'remoteEnv.UNKNOWN', length: 8 });
  });

  it('substitutes ${devcontainerId} from the labels, or from --id-label overrides', async () => {
    const ws = tempWorkspace({ '.devcontainer.json': '{"image": "x", "name": "${devcontainerId}"}' });
    try {
      const r = await readConfig(opts(ws.dir));
      assert.equal(r.config.name, r.devcontainerId);
      const o = await readConfig(opts(ws.dir, { idLabels: { team: 'a' } }));
      assert.deepEqual(o.idLabels, { team: 'a' });
      assert.notEqual(o.devcontainerId, r.devcontainerId);
      assert.equal(o.config.name, o.devcontainerId);
    } finally {
      ws.cleanup();
    }
  });

  it('reads mounts in both forms and hooks in every form', async () => {
    const m = await readConfig(opts(fixture('mounts')));
    assert.equal(m.config.workspaceMount, undefined);
    assert.deepEqual(m.config.mounts[3], { type: 'bind', source: fixture('mounts'), target: '/mnt/ws' });
    const h = await readConfig(opts(fixture('hooks')));
    assert.deepEqual(h.config.hooks.postCreateCommand, [{ origin: 'devcontainer.json', command: { first: 'echo one', second: ['echo', 'two'] } }]);
    assert.deepEqual(h.config.hooks.postStartCommand[0].command, `echo started in /workspaces/hooks`);
    assert.equal(h.config.waitFor, 'postCreateCommand');
  });

  it('picks a sub-folder spec by name, the dot file, and lists features', async () => {
    const s = await readConfig(opts(fixture('subfolders'), { configFile: 'python' }));
    assert.equal(s.config.name, 'Python');
    const d = await readConfig(opts(fixture('dotfile')));
    assert.equal(d.configFile, join(fixture('dotfile'), '.devcontainer.json'));
    assert.equal(d.config.overrideCommand, false);
    const f = await readConfig(opts(fixture('features')));
    assert.deepEqual(Object.keys(f.config.features), ['ghcr.io/devcontainers/features/node:1', 'ghcr.io/devcontainers/features/git:1', './local-feature']);
    assert.deepEqual(f.config.overrideFeatureInstallOrder, ['ghcr.io/devcontainers/features/git']);
  });

  it('merges image metadata when given', async () => {
    const r = await readConfig(opts(fixture('all-options'), { imageMetadata: [{ remoteUser: 'vscode', capAdd: ['NET_ADMIN'], postStartCommand: 'base' }] }));
    assert.equal(r.config.remoteUser, 'root');
    assert.deepEqual(r.config.capAdd, ['NET_ADMIN', 'SYS_PTRACE']);
    assert.deepEqual(r.config.hooks.postStartCommand, [{ origin: 'image metadata', command: 'base' }]);
  });
});

describe('readConfig errors name the file, line:col and property', () => {
  it('malformed JSON', async () => {
    const e = await invalid(fixture('invalid-syntax'));
    assert.equal(e.code, 'config-invalid');
    assert.deepEqual(e.location && [e.location.file, e.location.line, e.location.column], [specFile('invalid-syntax'), 3, 3]);
    assert.match(e.message, /expected a ',' between entries/);
  });

  it('a missing file', async () => {
    await assert.rejects(readConfig(opts(fixture('image'), { configFile: 'missing/devcontainer.json' })), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-not-found');
      assert.ok(e.message.includes(join(fixture('image'), 'missing', 'devcontainer.json')));
      return true;
    });
  });

  it('a Dockerfile path that does not exist', async () => {
    const e = await invalid(fixture('invalid-missing-dockerfile'));
    const [d] = e.diagnostics;
    assert.deepEqual(d.location, { file: specFile('invalid-missing-dockerfile'), line: 3, column: 28, path: 'build.dockerfile', length: 20 });
    assert.ok(d.message.includes(join(fixture('invalid-missing-dockerfile'), '.devcontainer', 'Dockerfile.missing')));
  });

  it('a wrong type (and a typo warning listed with it)', async () => {
    const e = await invalid(fixture('invalid-type'));
    assert.equal(e.message, '`build.dockerfile` must be a string, got number');
    assert.deepEqual(e.diagnostics.map((d) => [d.severity, d.location?.line, d.location?.column, d.location?.path]), [
      ['error', 3, 19, 'build.dockerfile'],
      ['warning', 5, 3, 'postCreateCommands'],
    ]);
    assert.match(e.diagnostics[1].message, /did you mean `postCreateCommand`/);
  });

  it('an unknown variable is a warning, not an error', async () => {
    const ws = tempWorkspace({ '.devcontainer/devcontainer.json': '{\n  "image": "x",\n  "name": "${nope}"\n}' });
    try {
      const r = await readConfig(opts(ws.dir));
      assert.equal(r.config.name, '${nope}');
      assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.location?.line, d.location?.column, d.location?.path]), [['warning', 3, 11, 'name']]);
    } finally {
      ws.cleanup();
    }
  });

  it('dockerComposeFile without service', async () => {
    const e = await invalid(fixture('invalid-compose-no-service'));
    assert.deepEqual(e.diagnostics.map((d) => [d.location?.file, d.location?.line, d.location?.column, d.location?.path]), [[specFile('invalid-compose-no-service'), 2, 3, 'dockerComposeFile']]);
    assert.match(e.message, /needs `service`/);
  });

  it('conflicting image and build', async () => {
    const e = await invalid(fixture('invalid-image-and-build'));
    assert.deepEqual(e.diagnostics.map((d) => [d.location?.file, d.location?.line, d.location?.column, d.location?.path]), [[specFile('invalid-image-and-build'), 3, 3, 'build']]);
  });

  it('lists every error at once, in file order', async () => {
    const ws = tempWorkspace({ '.devcontainer/devcontainer.json': '{\n "init": "yes",\n "image": 1,\n "remoteEnv": {"A": 2},\n "name": "${localEnv}"\n}' });
    try {
      await assert.rejects(readConfig(opts(ws.dir)), (e: unknown) => {
        assert.ok(e instanceof BerthError);
        assert.equal(e.message, '4 problems in the dev container spec');
        assert.deepEqual(e.diagnostics.map((d) => d.location?.line), [2, 3, 4, 5]);
        return true;
      });
    } finally {
      ws.cleanup();
    }
  });
});
