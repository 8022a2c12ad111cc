import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { review } from '../../../../src/core/usecases/review';

async function workspace(spec: object): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'berth-review-'));
  await mkdir(join(ws, '.devcontainer'));
  await writeFile(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify(spec));
  return ws;
}

const ctx = (env: Record<string, string>) => ({ events: () => undefined, env });

describe('review', () => {
  it('lists what reaches the host, hides the spec secrets, and hashes the version of the spec', async () => {
    const ws = await workspace({
      image: 'berth-test/busybox:latest',
      initializeCommand: 'echo on the host',
      mounts: ['source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind'],
      containerEnv: { API_TOKEN: '${localEnv:MY_SECRET}' },
    });
    const r = await review({ platform: 'linux' }, { workspaceFolder: ws }, ctx({ MY_SECRET: 's3cr3t-value' }));
    assert.deepEqual(r.risks.map((x) => x.kind).sort(), ['docker-socket', 'host-command']);
    assert.equal(r.redactor.redact('token=s3cr3t-value'), 'token=***');
    assert.match(r.specHash, /^[0-9a-f]{64}$/);

    const plain = await workspace({ image: 'berth-test/busybox:latest' });
    const p = await review({ platform: 'linux' }, { workspaceFolder: plain }, ctx({}));
    assert.deepEqual(p.risks, []);
    assert.notEqual(p.specHash, r.specHash);
  });
});
