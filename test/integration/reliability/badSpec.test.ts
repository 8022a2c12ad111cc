/**
 * A spec the planners reject (a bad runArgs flag, a bad mount) fails `up` with one config-invalid
 * error that points at its line in devcontainer.json, and leaves no container and the files as they were.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { BerthError } from '../../../src/core/errors';
import { ignoreEvents } from '../../../src/core/events';
import { createBerthService, type BerthService } from '../../../src/core/usecases';
import { needDocker } from '../../support/docker';
import { hashTree } from '../../support/treeHash';
import { tempWorkspace, type TempWorkspace } from '../../support/workspaces';

const docker = new Docker();

describe('up with a spec the planners reject', () => {
  let ws: TempWorkspace;
  let service: BerthService;
  before(async () => {
    ws = await tempWorkspace('secret-env');
    service = createBerthService({ env: process.env, platform: process.platform });
  });
  after(async () => ws?.cleanup());

  const cases: { name: string; lines: string[]; line: number; path: string }[] = [
    { name: 'an unsupported runArgs flag', lines: ['{', '  "image": "berth-test/busybox:latest",', '  "runArgs": [', '    "--init",', '    "--bogus-flag"', '  ]', '}'], line: 5, path: 'runArgs[1]' },
    { name: 'a mount without a target', lines: ['{', '  "image": "berth-test/busybox:latest",', '  "mounts": [', '    "type=volume,source=x"', '  ]', '}'], line: 4, path: 'mounts[0]' },
    { name: 'a runArgs value that is not a flag', lines: ['{', '  "image": "berth-test/busybox:latest",', '  "runArgs": ["/dev/fuse"]', '}'], line: 3, path: 'runArgs[0]' },
  ];
  for (const c of cases) {
    it(`names the line of ${c.name}`, async (t) => {
      if (!(await needDocker(t))) return;
      const file = join(ws.folder, '.devcontainer', 'devcontainer.json');
      await writeFile(file, c.lines.join('\n'));
      const tree = await hashTree(ws.folder);
      await assert.rejects(service.up({ workspaceFolder: ws.folder }, { events: ignoreEvents, env: { ...process.env } }), (e: unknown) => {
        assert.ok(e instanceof BerthError, String(e));
        assert.equal(e.code, 'config-invalid', e.message);
        assert.equal(e.location?.file, file, e.message);
        assert.equal(e.location?.line, c.line, e.message);
        assert.equal(e.location?.path, c.path);
        return true;
      });
      const mine = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${ws.folder}`] } });
      assert.equal(mine.length, 0);
      assert.equal(await hashTree(ws.folder), tree);
    });
  }
});
