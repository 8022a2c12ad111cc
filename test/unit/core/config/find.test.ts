import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findConfigs, pickConfig } from '../../../../src/core/config/find';
import { BerthError } from '../../../../src/core/errors';
import { fixture, tempWorkspace } from '../../../support/configFixtures';

const spec = '{ "image": "x" }';

describe('findConfigs', () => {
  it('lists the standard places first, then sub-folders by name', async () => {
    const ws = tempWorkspace({
      '.devcontainer/devcontainer.json': spec,
      '.devcontainer.json': spec,
      '.devcontainer/b/devcontainer.json': spec,
      '.devcontainer/a/devcontainer.json': spec,
      '.devcontainer/a/deeper/devcontainer.json': spec,
      '.devcontainer/empty/other.json': spec,
    });
    try {
      assert.deepEqual(await findConfigs(ws.dir), [
        join(ws.dir, '.devcontainer', 'devcontainer.json'),
        join(ws.dir, '.devcontainer.json'),
        join(ws.dir, '.devcontainer', 'a', 'devcontainer.json'),
        join(ws.dir, '.devcontainer', 'b', 'devcontainer.json'),
      ]);
    } finally {
      ws.cleanup();
    }
  });

  it('returns nothing for a workspace without specs', async () => {
    assert.deepEqual(await findConfigs(fixture('empty-workspace')), []);
  });
});

describe('pickConfig', () => {
  it('prefers .devcontainer/devcontainer.json, then .devcontainer.json', async () => {
    assert.equal(await pickConfig(fixture('image')), join(fixture('image'), '.devcontainer', 'devcontainer.json'));
    assert.equal(await pickConfig(fixture('dotfile')), join(fixture('dotfile'), '.devcontainer.json'));
  });

  it('picks the only sub-folder spec', async () => {
    const ws = tempWorkspace({ '.devcontainer/go/devcontainer.json': spec });
    try {
      assert.equal(await pickConfig(ws.dir), join(ws.dir, '.devcontainer', 'go', 'devcontainer.json'));
    } finally {
      ws.cleanup();
    }
  });

  it('refuses to guess between several sub-folder specs and lists them', async () => {
    await assert.rejects(pickConfig(fixture('subfolders')), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-ambiguous');
      assert.match(e.message, /node[\\/]devcontainer\.json/);
      assert.match(e.message, /python[\\/]devcontainer\.json/);
      return true;
    });
  });

  it('takes a sub-folder name, a relative path, an absolute path or a folder', async () => {
    const python = join(fixture('subfolders'), '.devcontainer', 'python', 'devcontainer.json');
    assert.equal(await pickConfig(fixture('subfolders'), 'python'), python);
    assert.equal(await pickConfig(fixture('subfolders'), '.devcontainer/python/devcontainer.json'), python);
    assert.equal(await pickConfig(fixture('image'), python), python);
    assert.equal(await pickConfig(fixture('subfolders'), '.devcontainer/python'), python);
  });

  it('names where it looked when nothing is found', async () => {
    await assert.rejects(pickConfig(fixture('empty-workspace')), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-not-found');
      assert.ok(e.message.includes(join(fixture('empty-workspace'), '.devcontainer', 'devcontainer.json')));
      assert.ok(e.message.includes(join(fixture('empty-workspace'), '.devcontainer.json')));
      return true;
    });
    await assert.rejects(pickConfig(fixture('image'), 'nope.json'), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-not-found');
      assert.ok(e.message.includes(join(fixture('image'), 'nope.json')));
      return true;
    });
  });
});
