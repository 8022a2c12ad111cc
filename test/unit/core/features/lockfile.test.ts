import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatLockfile, lockfilePath, readLockfile } from '../../../../src/core/features/lockfile';

describe('lockfile', () => {
  it('sits beside the config, dotted for a dotted config', () => {
    assert.equal(lockfilePath('/ws/.devcontainer/devcontainer.json'), '/ws/.devcontainer/devcontainer-lock.json');
    assert.equal(lockfilePath('/ws/.devcontainer.json'), '/ws/.devcontainer-lock.json');
  });

  it('is written with sorted keys, 2-space indent, fixed entry order and a trailing newline', () => {
    const text = formatLockfile({
      features: {
        'r.io/b/y:1': { integrity: 'sha256:2', resolved: 'r.io/b/y@sha256:2', version: '1.0.0', dependsOn: ['r.io/z:1', 'r.io/a:1'] },
        'r.io/a/x:1': { version: '2.0.0', resolved: 'r.io/a/x@sha256:1', integrity: 'sha256:1', dependsOn: [] },
      },
    });
    assert.equal(
      text,
      '{\n  "features": {\n    "r.io/a/x:1": {\n      "version": "2.0.0",\n      "resolved": "r.io/a/x@sha256:1",\n      "integrity": "sha256:1"\n    },\n' +
        '    "r.io/b/y:1": {\n      "version": "1.0.0",\n      "resolved": "r.io/b/y@sha256:2",\n      "integrity": "sha256:2",\n      "dependsOn": [\n        "r.io/a:1",\n        "r.io/z:1"\n      ]\n    }\n  }\n}\n',
    );
  });

  it('reads what it wrote; a missing file is undefined, a malformed one an error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lock-'));
    try {
      const file = join(dir, 'devcontainer-lock.json');
      assert.equal(await readLockfile(file), undefined);
      const lock = { features: { 'r.io/a/x:1': { version: '1', resolved: 'r.io/a/x@sha256:1', integrity: 'sha256:1' } } };
      await writeFile(file, formatLockfile(lock));
      assert.deepEqual(await readLockfile(file), lock);
      await writeFile(file, '{');
      await assert.rejects(readLockfile(file), /devcontainer-lock\.json is not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
