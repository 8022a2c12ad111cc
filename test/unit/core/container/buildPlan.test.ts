import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import { imageNameFor, planImageBuild } from '../../../../src/core/container/buildPlan';
import { dockerfileConfig } from './configFixture';

describe('imageNameFor', () => {
  it('is vsc-<basename>-<sha256 of the path>, lowercased and cleaned', () => {
    const hash = createHash('sha256').update('/home/u/My Proj!').digest('hex');
    assert.equal(imageNameFor('/home/u/My Proj!'), `vsc-myproj-${hash}`);
    assert.match(imageNameFor('/home/u/proj'), /^vsc-proj-[0-9a-f]{64}$/);
  });
});

describe('planImageBuild', () => {
  it('plans the build from the config', () => {
    const config = dockerfileConfig({ buildArgs: { V: '1' }, target: 'dev', cacheFrom: ['cache:1'] });
    assert.deepEqual(planImageBuild(config, { noCache: true, labels: { 'dev.berth.build-hash': 'h' } }), {
      context: '/home/u/proj',
      dockerfile: '/home/u/proj/.devcontainer/Dockerfile',
      tags: [imageNameFor('/home/u/proj')],
      buildArgs: { V: '1' },
      target: 'dev',
      cacheFrom: ['cache:1'],
      noCache: true,
      labels: { 'dev.berth.managed': 'true', 'dev.berth.build-hash': 'h' },
    });
  });

  it('uses the image name given', () => {
    assert.deepEqual(planImageBuild(dockerfileConfig(), { imageName: 'mine:dev' }).tags, ['mine:dev']);
  });

  it('translates build.options in both spellings', () => {
    const config = dockerfileConfig({
      buildArgs: { V: '1' },
      buildOptions: ['--network=host', '--platform', 'linux/amd64', '--pull', '--no-cache', '--label', 'a=b', '--build-arg=V=2', '--build-arg', 'FROM_ENV', '--build-arg', 'UNSET', '-t', 'extra:1', '--target=final', '--cache-from', 'c:2'],
    });
    const spec = planImageBuild(config, { hostEnv: { FROM_ENV: 'e' } });
    assert.equal(spec.network, 'host');
    assert.equal(spec.platform, 'linux/amd64');
    assert.equal(spec.pull, true);
    assert.equal(spec.noCache, true);
    assert.equal(spec.labels.a, 'b');
    assert.deepEqual(spec.buildArgs, { V: '2', FROM_ENV: 'e' });
    assert.deepEqual(spec.tags, [imageNameFor('/home/u/proj'), 'extra:1']);
    assert.equal(spec.target, 'final');
    assert.deepEqual(spec.cacheFrom, ['c:2']);
  });

  it('--pull=false and a later --no-cache=false are honoured, but never against the caller\'s noCache', () => {
    assert.equal(planImageBuild(dockerfileConfig({ buildOptions: ['--pull=false'] })).pull, false);
    assert.equal(planImageBuild(dockerfileConfig({ buildOptions: ['--no-cache=false'] }), { noCache: true }).noCache, true);
  });

  it('names an unsupported option and where it is', () => {
    const locate = (path: string) => ({ file: '/home/u/proj/.devcontainer/devcontainer.json', line: 6, column: 20, path });
    assert.throws(() => planImageBuild(dockerfileConfig({ buildOptions: ['--network', 'host', '--squash'] }), { locate }), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, /build.options: '--squash' is not supported by Berth; supported: --network/);
      assert.equal(e.location?.path, 'build.options[2]');
      return true;
    });
    assert.throws(() => planImageBuild(dockerfileConfig({ buildOptions: ['--ssh=default'] })), /'--ssh' is not supported/);
    assert.throws(() => planImageBuild(dockerfileConfig({ buildOptions: ['--network'] })), /needs a value/);
    assert.throws(() => planImageBuild(dockerfileConfig({ buildOptions: ['--pull=sometimes'] })), /true or false/);
  });
});
