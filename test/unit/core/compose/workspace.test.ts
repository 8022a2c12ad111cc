import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeWorkspace, composeWorkspaceFolder, covers, serviceArgv, serviceImage, serviceList, servicePublishedPorts, serviceVolumeTargets } from '../../../../src/core/compose/workspace';
import { shellWords } from '../../../../src/core/shell';

const host = '/home/u/proj';

describe('composeWorkspace', () => {
  it('mounts the workspace at /workspaces/<name> when the spec sets no folder', () => {
    assert.deepEqual(composeWorkspace({ raw: {}, workspaceFolderHost: host, platform: 'linux' }), {
      workspaceFolder: '/workspaces/proj',
      mount: { type: 'bind', source: host, target: '/workspaces/proj' },
    });
  });
  it("mounts at workspaceFolder unless the service's volumes already cover it", () => {
    const raw = { workspaceFolder: '/workspaces/proj' };
    assert.equal(composeWorkspace({ raw, workspaceFolderHost: host, platform: 'linux', serviceVolumeTargets: ['/workspaces'] }).mount, undefined);
    assert.deepEqual(composeWorkspace({ raw, workspaceFolderHost: host, platform: 'linux', serviceVolumeTargets: ['/data'] }).mount?.target, '/workspaces/proj');
  });
  it('uses workspaceMount as written, and "" means none', () => {
    const r = composeWorkspace({ raw: { workspaceMount: 'type=bind,source=/src,target=/code', workspaceFolder: '/code' }, workspaceFolderHost: host, platform: 'linux' });
    assert.deepEqual(r.mount, { type: 'bind', source: '/src', target: '/code' });
    assert.deepEqual(composeWorkspace({ raw: { workspaceMount: '' }, workspaceFolderHost: host, platform: 'linux' }), { workspaceFolder: '/' });
  });
  it('takes the folder from workspaceMount when no workspaceFolder is set', () => {
    assert.equal(composeWorkspaceFolder({ workspaceMount: 'type=bind,source=/s,target=/t' }, host, 'linux'), '/t');
  });
});

describe('covers', () => {
  it('is true for the folder itself and its parents', () => {
    assert.equal(covers('/workspaces', '/workspaces/p'), true);
    assert.equal(covers('/workspaces/', '/workspaces'), true);
    assert.equal(covers('/', '/x'), true);
    assert.equal(covers('/work', '/workspaces'), false);
  });
});

describe('serviceVolumeTargets', () => {
  it('reads short and long volume forms of one service in compose config output', () => {
    const yaml = [
      'services:',
      '  app:',
      '    image: x',
      '    volumes:',
      '    - /home/u:/workspaces:cached',
      '    - source: data',
      '      target: /data',
      '      type: volume',
      '    environment:',
      '      A: b',
      '  db:',
      '    volumes:',
      '    - dbdata:/var/lib/db',
      'volumes:',
      '  data: {}',
    ].join('\n');
    assert.deepEqual(serviceVolumeTargets(yaml, 'app'), ['/workspaces', '/data']);
    assert.deepEqual(serviceVolumeTargets(yaml, 'db'), ['/var/lib/db']);
    assert.deepEqual(serviceVolumeTargets(yaml, 'none'), []);
  });
});

describe('serviceImage', () => {
  it("reads the service's own image, not a nested or another service's", () => {
    const yaml = ['services:', '  app:', '    build:', '      context: /w', '    image: "shop/app:dev"', '  db:', '    image: postgres', 'volumes: {}'].join('\n');
    assert.equal(serviceImage(yaml, 'app'), 'shop/app:dev');
    assert.equal(serviceImage(yaml, 'db'), 'postgres');
    assert.equal(serviceImage(['services:', '  app:', '    build:', '      context: /w'].join('\n'), 'app'), undefined);
  });
});

describe('serviceArgv', () => {
  it('reads entrypoint and command in list and string form, and undefined when not set', () => {
    const yaml = ['services:', '  app:', '    command:', '    - sleep', "    - 'in finity'", '    entrypoint: /bin/sh -c "echo \'a b\'"', '  db:', '    image: x'].join('\n');
    assert.deepEqual(serviceArgv(yaml, 'app', 'command'), ['sleep', 'in finity']);
    assert.deepEqual(serviceArgv(yaml, 'app', 'entrypoint'), ['/bin/sh', '-c', "echo 'a b'"]);
    assert.equal(serviceArgv(yaml, 'db', 'command'), undefined);
  });

  it('splits shell words as Compose does', () => {
    assert.deepEqual(shellWords(`a  'b c' "d \\"e\\"" f\\ g ''`), ['a', 'b c', 'd "e"', 'f g', '']);
  });
});

describe('servicePublishedPorts', () => {
  it('reads short and long port forms, ignoring unpublished ones', () => {
    const yaml = [
      'services:',
      '  app:',
      '    ports:',
      "    - 127.0.0.1::8000",
      "    - '3000:3000/tcp'",
      '    - published: 9000',
      '      target: 90',
      '    - 7000',
      '    volumes:',
      '    - a:/b',
    ].join('\n');
    assert.deepEqual(servicePublishedPorts(yaml, 'app'), [8000, 3000, 90]);
    assert.deepEqual(serviceList(yaml, 'app', 'volumes'), ['a:/b']);
  });
});
