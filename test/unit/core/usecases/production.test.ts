import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadConfigResult } from '../../../../src/core/config';
import type { DockerfileConfig } from '../../../../src/core/config/types';
import { imageNameFor } from '../../../../src/core/container/buildPlan';
import { planFactsProbe, planProductionContainer } from '../../../../src/core/production/runPlan';
import { readProductionSettings } from '../../../../src/core/production/settings';
import { planProductionBuild, type ProductionWorkspace } from '../../../../src/core/usecases/production';

function workspace(config: Partial<DockerfileConfig>, production?: unknown): ProductionWorkspace {
  const full = {
    kind: 'dockerfile',
    workspaceFolderHost: '/ws/app',
    configFile: '/ws/app/.devcontainer/devcontainer.json',
    dockerfile: '/ws/app/Dockerfile',
    context: '/ws/app',
    buildArgs: { A: 'dev' },
    cacheFrom: ['cache:1'],
    buildOptions: [],
    target: 'dev',
    customizations: production === undefined ? {} : { berth: { production } },
    ...config,
  } as DockerfileConfig;
  return { config: full, loaded: { devcontainerId: 'abc123' } as ReadConfigResult, settings: readProductionSettings(full) };
}

describe('planProductionBuild', () => {
  it("builds the production target with the dev build's context, cache and args (production args win)", () => {
    const spec = planProductionBuild(workspace({}, { target: 'prod', buildArgs: { A: 'prod', B: '1' } }), {});
    assert.equal(spec.target, 'prod');
    assert.equal(spec.context, '/ws/app');
    assert.equal(spec.dockerfile, '/ws/app/Dockerfile');
    assert.deepEqual(spec.cacheFrom, ['cache:1']);
    assert.deepEqual(spec.buildArgs, { A: 'prod', B: '1' });
    assert.deepEqual(spec.tags, [`${imageNameFor('/ws/app')}-prod`]);
    assert.equal(spec.labels['dev.berth.production'], 'abc123');
    assert.equal(spec.labels['devcontainer.local_folder'], undefined);
  });

  it("drops the dev stage and dev tags that build.options name, and builds the last stage without a section", () => {
    const spec = planProductionBuild(workspace({ buildOptions: ['--target', 'dev', '-t', 'dev:extra'] }), {});
    assert.equal(spec.target, undefined);
    assert.deepEqual(spec.tags, [`${imageNameFor('/ws/app')}-prod`]);
  });

  it('tags the imageName of the section, or the one the caller gives', () => {
    assert.deepEqual(planProductionBuild(workspace({}, { imageName: 'app:1' }), {}).tags, ['app:1']);
    assert.deepEqual(planProductionBuild(workspace({}, { imageName: 'app:1' }), { imageName: 'other' }).tags, ['other']);
  });
});

describe('production containers', () => {
  it('publish the section ports on 127.0.0.1 with its env and command, labelled for Berth only', () => {
    const w = workspace({}, { ports: ['8080:3000'], env: { A: 'b' }, command: 'node server.js' });
    const spec = planProductionContainer(w.settings, 'img', { devcontainerId: 'abc123', workspaceFolder: '/ws/app' });
    assert.deepEqual(spec.ports, [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }]);
    assert.deepEqual(spec.env, { A: 'b' });
    assert.deepEqual(spec.cmd, ['/bin/sh', '-c', 'node server.js']);
    assert.equal(spec.entrypoint, undefined, "the image's entrypoint stays");
    assert.deepEqual(spec.labels, { 'dev.berth.managed': 'true', 'dev.berth.production': 'abc123', 'dev.berth.production.folder': '/ws/app' });
  });

  it('probe the image without network, as root, through /bin/sh', () => {
    const spec = planFactsProbe('img', '/ws/app');
    assert.equal(spec.networkMode, 'none');
    assert.equal(spec.user, '0');
    assert.deepEqual(spec.entrypoint?.slice(0, 2), ['/bin/sh', '-c']);
    assert.equal(spec.labels['devcontainer.local_folder'], undefined);
  });
});
