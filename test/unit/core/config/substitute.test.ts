import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  devcontainerId,
  idLabels,
  resolveContainerEnv,
  substitute,
  substituteString,
  type SubstitutionContext,
  type VariableProblem,
} from '../../../../src/core/config/substitute';

const ctx: SubstitutionContext = {
  platform: 'linux',
  env: { HOME: '/home/me', EMPTY: '', Mixed: 'm' },
  localWorkspaceFolder: '/home/me/proj',
  containerWorkspaceFolder: '/workspaces/proj',
  devcontainerId: 'ID',
};

describe('substituteString', () => {
  it('substitutes local environment variables, with defaults ending at the next colon', () => {
    assert.equal(substituteString('${localEnv:HOME}/x', ctx), '/home/me/x');
    assert.equal(substituteString('${env:HOME}', ctx), '/home/me');
    assert.equal(substituteString('[${localEnv:UNSET}]', ctx), '[]');
    assert.equal(substituteString('${localEnv:UNSET:def}', ctx), 'def');
    assert.equal(substituteString('${localEnv:UNSET:a:b}', ctx), 'a');
    assert.equal(substituteString('${localEnv:EMPTY:def}', ctx), '');
    assert.equal(substituteString('${localEnv:mixed}', ctx), '');
  });

  it('looks names up case-insensitively on Windows', () => {
    assert.equal(substituteString('${localEnv:MIXED}', { ...ctx, platform: 'win32' }), 'm');
  });

  it('substitutes the workspace folders, their basenames and the id', () => {
    assert.equal(
      substituteString('${localWorkspaceFolder} ${localWorkspaceFolderBasename} ${containerWorkspaceFolder} ${containerWorkspaceFolderBasename} ${devcontainerId}', ctx),
      '/home/me/proj proj /workspaces/proj proj ID',
    );
    assert.equal(substituteString('${localWorkspaceFolderBasename}', { ...ctx, platform: 'win32', localWorkspaceFolder: 'C:\\src\\app' }), 'app');
  });

  it('leaves later-pass variables literal when their values are not known yet', () => {
    const early: SubstitutionContext = { platform: 'linux', env: {}, localWorkspaceFolder: '/w' };
    const problems: VariableProblem[] = [];
    assert.equal(substituteString('${containerWorkspaceFolder} ${devcontainerId} ${containerEnv:PATH}', early, [], (p) => problems.push(p)), '${containerWorkspaceFolder} ${devcontainerId} ${containerEnv:PATH}');
    assert.deepEqual(problems, []);
  });

  it('leaves an unknown variable as written and reports it with its path', () => {
    const problems: VariableProblem[] = [];
    assert.equal(substituteString('a ${foo} b ${bar:x}', ctx, ['remoteEnv', 'X'], (p) => problems.push(p)), 'a ${foo} b ${bar:x}');
    assert.deepEqual(problems.map((p) => [p.variable, p.severity, p.path]), [['${foo}', 'warning', ['remoteEnv', 'X']], ['${bar:x}', 'warning', ['remoteEnv', 'X']]]);
    assert.match(problems[0].message, /unknown variable `\$\{foo\}`/);
  });

  it('reports ${localEnv} without a name as an error', () => {
    const problems: VariableProblem[] = [];
    assert.equal(substituteString('${localEnv}', ctx, ['name'], (p) => problems.push(p)), '${localEnv}');
    assert.equal(problems[0].severity, 'error');
  });

  it('matches non-greedily and leaves unterminated text alone', () => {
    assert.equal(substituteString('${localEnv:HOME}${localEnv:HOME', ctx), '/home/me${localEnv:HOME');
  });
});

describe('substitute', () => {
  it('substitutes every string value at any depth, never keys, without changing the input', () => {
    const input = { '${localEnv:HOME}': ['${localEnv:HOME}', 1, null, { k: '${localWorkspaceFolderBasename}' }], n: true };
    const out = substitute(input, ctx);
    assert.deepEqual(out, { '${localEnv:HOME}': ['/home/me', 1, null, { k: 'proj' }], n: true });
    assert.equal(input['${localEnv:HOME}'][0], '${localEnv:HOME}');
  });

  it('reports the JSON path of each unknown variable', () => {
    const paths: unknown[] = [];
    substitute({ a: [{ b: '${nope}' }] }, ctx, (p) => paths.push(p.path));
    assert.deepEqual(paths, [['a', 0, 'b']]);
  });
});

describe('resolveContainerEnv', () => {
  it('resolves ${containerEnv:…} with defaults and keeps null', () => {
    assert.deepEqual(
      resolveContainerEnv({ PATH: '${containerEnv:PATH}:/x', D: '${containerEnv:NOPE:def}', E: '${containerEnv:NOPE}', N: null, O: '${localEnv:X}' }, { PATH: '/bin' }),
      { PATH: '/bin:/x', D: 'def', E: '', N: null, O: '${localEnv:X}' },
    );
  });
});

describe('devcontainerId', () => {
  it('matches the spec check value', () => {
    assert.equal(
      devcontainerId(idLabels('/home/user/proj', '/home/user/proj/.devcontainer/devcontainer.json')),
      '17lm1qiejea4sikebnfe3bsdiueeed44rk7kqhetqup8ndnjubjp',
    );
  });

  it('does not depend on label order, is 52 base-32 characters, and changes with the labels', () => {
    const a = devcontainerId({ x: '1', y: '2' });
    assert.equal(a, devcontainerId({ y: '2', x: '1' }));
    assert.match(a, /^[0-9a-v]{52}$/);
    assert.notEqual(a, devcontainerId({ x: '1', y: '3' }));
    assert.match(devcontainerId({ 'devcontainer.local_folder': '/home/üser/プロジェクト' }), /^[0-9a-v]{52}$/);
  });
});

describe('idLabels', () => {
  it('labels the workspace and config file; lowercases the Windows drive letter', () => {
    assert.deepEqual(idLabels('/w', '/w/.devcontainer.json'), { 'devcontainer.local_folder': '/w', 'devcontainer.config_file': '/w/.devcontainer.json' });
    assert.deepEqual(idLabels('C:\\w', 'C:\\w\\.devcontainer.json', 'win32'), { 'devcontainer.local_folder': 'c:\\w', 'devcontainer.config_file': 'c:\\w\\.devcontainer.json' });
  });
});

describe('variable matching', () => {
  it('behaves like the non-greedy /\\$\\{(.*?)\\}/g, line breaks included', () => {
    const samples = ['a${localEnv:HOME}b${x', '${${localEnv:HOME}}', '${a\n${localEnv:HOME}', '${}${:}${localEnv:HOME:d}}', 'no vars', '$${localEnv:HOME}', '${a\u2028b}${env:HOME}'];
    for (const s of samples) {
      const viaRegex = s.replace(/\$\{(.*?)\}/g, (m: string) => substituteString(m, ctx));
      assert.equal(substituteString(s, ctx), viaRegex, JSON.stringify(s));
    }
  });

  it('stays linear on unclosed and line-broken input', () => {
    const t0 = Date.now();
    substituteString('${'.repeat(200_000), ctx);
    substituteString('${\n'.repeat(100_000) + '}', ctx);
    assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`);
  });
});
