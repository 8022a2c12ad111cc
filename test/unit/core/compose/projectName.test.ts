import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  composeNameFromText,
  projectNameFromDotEnv,
  referenceProjectName,
  sanitizeProjectName,
  uniqueProjectName,
} from '../../../../src/core/compose/projectName';

const base = { env: {}, workspaceFolder: '/home/u/My Proj', firstComposeFile: '/home/u/My Proj/.devcontainer/docker-compose.yml', platform: 'linux' as const };

describe('referenceProjectName', () => {
  it('is <basename>_devcontainer for a file in .devcontainer, sanitised', () => {
    assert.deepEqual(referenceProjectName(base), { name: 'myproj_devcontainer', source: 'workspace folder' });
  });
  it("is the compose file folder's name elsewhere", () => {
    assert.deepEqual(referenceProjectName({ ...base, firstComposeFile: '/home/u/My Proj/deploy/compose.yml' }), { name: 'deploy', source: 'compose file folder' });
  });
  it('takes COMPOSE_PROJECT_NAME, then .env, then the compose name, in that order', () => {
    const all = { ...base, env: { COMPOSE_PROJECT_NAME: 'FromEnv' }, dotEnv: 'COMPOSE_PROJECT_NAME=dotenv\n', composeName: 'named' };
    assert.equal(referenceProjectName(all).name, 'fromenv');
    assert.equal(referenceProjectName({ ...all, env: {} }).name, 'dotenv');
    assert.equal(referenceProjectName({ ...all, env: {}, dotEnv: 'OTHER=1' }).name, 'named');
  });
  it('handles Windows paths', () => {
    const r = referenceProjectName({ env: {}, workspaceFolder: 'C:\\src\\Proj', firstComposeFile: 'C:\\src\\Proj\\.devcontainer\\dc.yml', platform: 'win32' });
    assert.equal(r.name, 'proj_devcontainer');
  });
});

describe('project name helpers', () => {
  it('sanitises like Compose', () => assert.equal(sanitizeProjectName('Web App.v2!'), 'webappv2'));
  it('reads .env assignments with quotes, export and comments', () => {
    assert.equal(projectNameFromDotEnv('# c\nexport COMPOSE_PROJECT_NAME="quoted name"\n'), 'quoted name');
    assert.equal(projectNameFromDotEnv('COMPOSE_PROJECT_NAME=a # note\nCOMPOSE_PROJECT_NAME=b'), 'b');
    assert.equal(projectNameFromDotEnv('COMPOSE_PROJECT_NAME='), undefined);
  });
  it('reads a top-level name only', () => {
    assert.equal(composeNameFromText('name: "shop"\nservices:\n  a:\n    name: x\n'), 'shop');
    assert.equal(composeNameFromText('services:\n  a:\n    name: x\n'), undefined);
  });
  it('makes a unique name from the devcontainerId', () => {
    assert.equal(uniqueProjectName('proj_devcontainer', '17lm1qiejea4sikebnfe3bsdiueeed44rk7kqhetqup8ndnjubjp'), 'proj_devcontainer_17lm1qieje');
  });
});
