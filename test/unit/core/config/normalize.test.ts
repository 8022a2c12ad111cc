import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyLegacyRenames,
  configKind,
  defaultWorkspaceMount,
  mergeWithImageMetadata,
  normalizeConfig,
  workspaceOf,
} from '../../../../src/core/config/normalize';

const ctx = { configFile: '/home/me/proj/.devcontainer/devcontainer.json', workspaceFolder: '/home/me/proj', platform: 'linux' as const };

describe('applyLegacyRenames', () => {
  it('moves extensions, settings and devPort under customizations.vscode, existing entries first', () => {
    const out = applyLegacyRenames({ image: 'x', extensions: ['b', 'a'], settings: { s: 1 }, devPort: 9, customizations: { vscode: { extensions: ['a'] }, other: 1 } });
    assert.deepEqual(out, { image: 'x', customizations: { vscode: { extensions: ['a', 'b'], settings: { s: 1 }, devPort: 9 }, other: 1 } });
  });

  it('returns the spec unchanged when there is nothing to rename, keeping dockerFile/context as written', () => {
    const raw = { dockerFile: 'D', context: '..' };
    assert.equal(applyLegacyRenames(raw), raw);
  });
});

describe('workspaceOf', () => {
  it('defaults to /workspaces/<basename> with a bind mount of the workspace folder', () => {
    assert.deepEqual(workspaceOf({ image: 'x' }, ctx), { workspaceFolder: '/workspaces/proj', workspaceMount: 'type=bind,source=/home/me/proj,target=/workspaces/proj' });
  });

  it('uses the spec values; an empty workspaceMount means none; Compose has no mount and defaults to /', () => {
    assert.deepEqual(workspaceOf({ image: 'x', workspaceFolder: '/src', workspaceMount: 'type=volume,source=v,target=/src' }, ctx), { workspaceFolder: '/src', workspaceMount: 'type=volume,source=v,target=/src' });
    assert.deepEqual(workspaceOf({ image: 'x', workspaceMount: '' }, ctx), { workspaceFolder: '/workspaces/proj' });
    assert.deepEqual(workspaceOf({ dockerComposeFile: 'c.yml', service: 's' }, ctx), { workspaceFolder: '/' });
  });

  it('quotes paths with commas and adds consistency=cached off Linux', () => {
    assert.equal(defaultWorkspaceMount({ workspaceFolder: '/a,b', platform: 'linux' }), 'type=bind,"source=/a,b","target=/workspaces/a,b"');
    assert.equal(defaultWorkspaceMount({ workspaceFolder: '/Users/me/p', platform: 'darwin' }), 'type=bind,source=/Users/me/p,target=/workspaces/p,consistency=cached');
  });
});

describe('normalizeConfig', () => {
  it('builds an image config with every default', () => {
    const c = normalizeConfig({ image: 'debian' }, ctx);
    assert.equal(c.kind, 'image');
    assert.deepEqual(
      { ...c, configMetadata: undefined },
      {
        kind: 'image', image: 'debian', configFile: ctx.configFile, workspaceFolderHost: '/home/me/proj', workspaceFolder: '/workspaces/proj',
        workspaceMount: 'type=bind,source=/home/me/proj,target=/workspaces/proj', mounts: [], runArgs: [], appPort: [], forwardPorts: [],
        portsAttributes: {}, containerEnv: {}, remoteEnv: {}, updateRemoteUserUID: true, userEnvProbe: 'loginInteractiveShell', overrideCommand: true,
        shutdownAction: 'stopContainer', init: false, privileged: false, capAdd: [], securityOpt: [], waitFor: 'updateContentCommand', features: {},
        customizations: {}, configMetadata: undefined,
        hooks: { onCreateCommand: [], updateContentCommand: [], postCreateCommand: [], postStartCommand: [], postAttachCommand: [] },
      },
    );
  });

  it('makes Dockerfile paths absolute from the devcontainer.json folder, legacy form too', () => {
    const c = normalizeConfig({ build: { dockerfile: 'Dockerfile', context: '..', args: { A: '1' }, target: 't', cacheFrom: 'c', options: ['--o'] } }, ctx);
    assert.ok(c.kind === 'dockerfile');
    assert.deepEqual([c.dockerfile, c.context, c.buildArgs, c.target, c.cacheFrom, c.buildOptions], ['/home/me/proj/.devcontainer/Dockerfile', '/home/me/proj', { A: '1' }, 't', ['c'], ['--o']]);
    const legacy = normalizeConfig({ dockerFile: '../D', context: '..' }, ctx);
    assert.ok(legacy.kind === 'dockerfile');
    assert.deepEqual([legacy.dockerfile, legacy.context, configKind({ dockerFile: 'x' })], ['/home/me/proj/D', '/home/me/proj', 'dockerfile']);
    const noContext = normalizeConfig({ build: { dockerfile: 'D' } }, ctx);
    assert.ok(noContext.kind === 'dockerfile');
    assert.equal(noContext.context, '/home/me/proj/.devcontainer');
  });

  it('gives Compose its own defaults and absolute file paths', () => {
    const c = normalizeConfig({ dockerComposeFile: ['../a.yml', 'b.yml'], service: 'app', runServices: ['app'] }, ctx);
    assert.ok(c.kind === 'compose');
    assert.deepEqual([c.composeFiles, c.service, c.runServices, c.workspaceFolder, c.workspaceMount, c.overrideCommand, c.shutdownAction],
      [['/home/me/proj/a.yml', '/home/me/proj/.devcontainer/b.yml'], 'app', ['app'], '/', undefined, false, 'stopCompose']);
    assert.equal('workspaceMount' in c, false);
  });

  it('turns hooks into lists from devcontainer.json and keeps initializeCommand as written', () => {
    const c = normalizeConfig({ image: 'x', initializeCommand: ['a'], postCreateCommand: { a: 'b' }, postStartCommand: '' }, ctx);
    assert.deepEqual(c.hooks.postCreateCommand, [{ origin: 'devcontainer.json', command: { a: 'b' } }]);
    assert.deepEqual(c.hooks.postStartCommand, []);
    assert.deepEqual(c.initializeCommand, ['a']);
  });

  it('normalises single values to lists', () => {
    const c = normalizeConfig({ image: 'x', appPort: 8080, remoteUser: 'me', name: 'N', overrideCommand: false }, ctx);
    assert.deepEqual([c.appPort, c.remoteUser, c.name, c.overrideCommand], [[8080], 'me', 'N', false]);
  });
});

describe('mergeWithImageMetadata', () => {
  it('puts image entries first and devcontainer.json last', () => {
    const config = normalizeConfig({ image: 'x', remoteUser: 'me', postCreateCommand: 'mine', capAdd: ['B'], remoteEnv: { A: 'mine' } }, ctx);
    const merged = mergeWithImageMetadata(config, [
      { remoteUser: 'base', containerUser: 'cu', postCreateCommand: 'base', capAdd: ['A'], remoteEnv: { A: 'base', B: 'b' }, overrideCommand: false },
      { id: 'feat', privileged: true, entrypoint: '/e' },
    ]);
    assert.equal(merged.remoteUser, 'me');
    assert.equal(merged.containerUser, 'cu');
    assert.equal(merged.privileged, true);
    assert.equal(merged.overrideCommand, false);
    assert.deepEqual(merged.capAdd, ['A', 'B']);
    assert.deepEqual(merged.remoteEnv, { A: 'mine', B: 'b' });
    assert.deepEqual(merged.entrypoints, ['/e']);
    assert.deepEqual(merged.hooks.postCreateCommand.map((h) => h.origin), ['image metadata', 'devcontainer.json']);
  });

  it('does not count devcontainer.json twice when the label already ends with its entry', () => {
    const config = normalizeConfig({ image: 'x', postCreateCommand: 'mine' }, ctx);
    const merged = mergeWithImageMetadata(config, [{ postCreateCommand: 'base' }, { postCreateCommand: 'mine' }]);
    assert.deepEqual(merged.hooks.postCreateCommand.map((h) => h.command), ['base', 'mine']);
  });
});
