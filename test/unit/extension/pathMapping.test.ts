import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StreamingPathMapper,
  hostToContainerPath,
  mapContainerPaths,
  shellQuote,
  substituteWorkspaceFolder,
  taskCommandLine,
} from '../../../src/extension/pathMapping';

describe('mapContainerPaths', () => {
  it('maps compiler locations under the container folder to the host folder', () => {
    const out = mapContainerPaths('/workspaces/app/src/a.ts(3,4): error TS1: x\n/workspaces/app/b.c:10:2: warning', '/workspaces/app', '/home/me/app');
    assert.equal(out, '/home/me/app/src/a.ts(3,4): error TS1: x\n/home/me/app/b.c:10:2: warning');
  });

  it('leaves sibling folders and other paths alone', () => {
    const text = '/workspaces/app2/x.ts:1:1 and /usr/lib/workspaces/app/y and /workspaces/apple';
    assert.equal(mapContainerPaths(text, '/workspaces/app', '/h'), text);
  });

  it('maps the bare folder and paths in quotes', () => {
    assert.equal(mapContainerPaths("in '/workspaces/app' at \"/workspaces/app/x.py\", line 3", '/workspaces/app/', '/h/app'), "in '/h/app' at \"/h/app/x.py\", line 3");
  });

  it('writes backslashes for a Windows host folder', () => {
    assert.equal(mapContainerPaths('/workspaces/app/src/a.ts:1:2', '/workspaces/app', 'C:\\src\\app'), 'C:\\src\\app\\src\\a.ts:1:2');
  });

  it('does nothing for the root folder or identical folders', () => {
    assert.equal(mapContainerPaths('/x/y', '/', '/h'), '/x/y');
    assert.equal(mapContainerPaths('/w/y', '/w', '/w'), '/w/y');
  });
});

describe('StreamingPathMapper', () => {
  it('maps a path split across chunks once its line ends', () => {
    const m = new StreamingPathMapper('/workspaces/app', '/h');
    assert.equal(m.push('error at /worksp'), '');
    assert.equal(m.push('aces/app/a.ts:1:1\r\nnext '), 'error at /h/a.ts:1:1\r\n');
    assert.equal(m.flush(), 'next ');
  });
});

describe('hostToContainerPath', () => {
  it('maps inside the folder and refuses outside', () => {
    assert.equal(hostToContainerPath('/h/app/sub/dir', '/h/app', '/workspaces/app'), '/workspaces/app/sub/dir');
    assert.equal(hostToContainerPath('/h/app', '/h/app/', '/workspaces/app'), '/workspaces/app');
    assert.equal(hostToContainerPath('/h/apple', '/h/app', '/workspaces/app'), undefined);
    assert.equal(hostToContainerPath('C:\\h\\app\\sub', 'C:\\h\\app', '/workspaces/app'), '/workspaces/app/sub');
  });
});

describe('taskCommandLine', () => {
  it('runs a command line through sh and args directly, relative cwd from the workspace', () => {
    assert.deepEqual(taskCommandLine({ command: 'make -j2 all' }, '/workspaces/app'), { cmd: ['/bin/sh', '-c', 'make -j2 all'], cwd: '/workspaces/app' });
    assert.deepEqual(taskCommandLine({ command: 'npm', args: ['run', 'build'], cwd: 'web' }, '/workspaces/app/'), {
      cmd: ['npm', 'run', 'build'],
      cwd: '/workspaces/app/web',
    });
    assert.equal(taskCommandLine({ command: 'ls', cwd: '/tmp' }, '/workspaces/app').cwd, '/tmp');
  });
});

describe('shellQuote and substituteWorkspaceFolder', () => {
  it('quotes only what needs it', () => {
    assert.equal(shellQuote('src/a.ts'), 'src/a.ts');
    assert.equal(shellQuote("it's here"), "'it'\\''s here'");
    assert.equal(substituteWorkspaceFolder('${workspaceFolder}/web', '/h/app'), '/h/app/web');
  });
});
