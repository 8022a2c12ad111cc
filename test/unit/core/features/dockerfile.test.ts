import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instructionLines } from '../../../../src/core/engine/buildOutput';
import { planFeaturesDockerfile } from '../../../../src/core/features/dockerfile';
import type { ResolvedFeature } from '../../../../src/core/features/types';

function feature(id: string, containerEnv?: Record<string, string>): ResolvedFeature {
  return {
    userId: `./${id}`,
    source: { kind: 'local', path: `/ws/.devcontainer/${id}` },
    folder: `/ws/.devcontainer/${id}`,
    json: { id, version: '1.0.0', options: {}, containerEnv },
    options: { color: 'red' },
    userOptions: {},
    origin: { via: 'local' },
    dependsOn: [],
  };
}

describe('planFeaturesDockerfile', () => {
  it('installs each Feature as root with its env, with no syntax directive, and restores the user', () => {
    const plan = planFeaturesDockerfile({
      baseImage: 'base:1',
      imageUser: 'dev',
      containerUser: 'dev',
      remoteUser: 'dev',
      features: [feature('a', { PATH: '/opt/a/bin:${PATH}', Q: 'say "x"' }), feature('b')],
    });
    const lines = plan.dockerfile.trim().split('\n');
    assert.equal(lines[0], 'FROM base:1');
    assert.equal(lines[1], 'USER root');
    assert.ok(!plan.dockerfile.includes('# syntax'));
    assert.ok(!/--mount|--from|--chown/.test(plan.dockerfile), 'classic builder only');
    assert.ok(lines.includes('ENV PATH="/opt/a/bin:${PATH}" Q="say \\"x\\""'));
    assert.equal(lines[lines.length - 1], 'USER dev');
    assert.deepEqual(plan.folders.map((f) => f.dir), ['a_0', 'b_1']);
    assert.equal(plan.files['a_0/devcontainer-features.env'], 'COLOR="red"\n');
    assert.equal(plan.files['devcontainer-features.builtin.env'], '_CONTAINER_USER="dev"\n_REMOTE_USER="dev"\n');
    // installSteps are the classic builder's step numbers of the install RUNs.
    const steps = plan.installSteps.map((n) => lines[n - 1]);
    assert.deepEqual(steps, ['RUN cd /tmp/dev-container-features/a_0 && sh ./devcontainer-features-install.sh', 'RUN cd /tmp/dev-container-features/b_1 && sh ./devcontainer-features-install.sh']);
    assert.equal(instructionLines(plan.dockerfile).length, lines.length);
  });

  it('does not switch users for an image that runs as root', () => {
    const plan = planFeaturesDockerfile({ baseImage: 'b', imageUser: '', containerUser: 'root', remoteUser: 'root', features: [feature('a')] });
    assert.ok(!/^USER /m.test(plan.dockerfile));
  });
});
