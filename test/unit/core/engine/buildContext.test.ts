import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { packBuildContext } from '../../../../src/core/engine/buildContext';

const root = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(base: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), content);
  }
  return base;
}

/** Entry names and file contents of a tar stream. */
async function list(tar: Readable): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const extract = tarStream.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        out.set(header.name, header.type === 'directory' ? null : Buffer.concat(chunks).toString());
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    tar.on('error', reject);
    tar.pipe(extract);
  });
  return out;
}

describe('packBuildContext', () => {
  it('honours .dockerignore, re-includes exceptions, always sends Dockerfile and .dockerignore', async () => {
    const ctx = tree(join(root, 'a'), {
      '.dockerignore': '*.log\nsecrets\n!secrets/public.pem\nDockerfile\n.dockerignore\nnode_modules\n',
      Dockerfile: 'FROM x\n',
      'app.js': 'js',
      'debug.log': 'log',
      'secrets/private.pem': 'no',
      'secrets/public.pem': 'yes',
      'node_modules/m/index.js': 'm',
      'src/deep/file.txt': 'deep',
    });
    const { tar, dockerfile } = packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') });
    assert.equal(dockerfile, 'Dockerfile');
    const entries = await list(tar);
    assert.equal(entries.get('app.js'), 'js');
    assert.equal(entries.get('src/deep/file.txt'), 'deep');
    assert.equal(entries.get('secrets/public.pem'), 'yes');
    assert.equal(entries.has('secrets/private.pem'), false);
    assert.equal(entries.has('debug.log'), false);
    assert.equal(entries.has('node_modules'), false);
    assert.equal(entries.has('node_modules/m/index.js'), false);
    // the excluded folder walked for an exception gets no entry of its own
    assert.equal(entries.has('secrets'), false);
    assert.equal(entries.get('Dockerfile'), 'FROM x\n');
    assert.ok(entries.has('.dockerignore'));
  });

  it('adds a Dockerfile from outside the context under a unique name', async () => {
    const ctx = tree(join(root, 'b', 'ctx'), { 'f.txt': 'f' });
    tree(join(root, 'b'), { 'build.Dockerfile': 'FROM outside\n' });
    const { tar, dockerfile } = packBuildContext({ context: ctx, dockerfile: join(root, 'b', 'build.Dockerfile') });
    assert.match(dockerfile, /^\.berth-dockerfile-[0-9a-f]{12}$/);
    const entries = await list(tar);
    assert.equal(entries.get(dockerfile), 'FROM outside\n');
    assert.equal(entries.get('f.txt'), 'f');
  });

  it('a Dockerfile in a subfolder is referred to by its relative path', () => {
    const ctx = tree(join(root, 'c'), { '.devcontainer/Dockerfile': 'FROM y\n' });
    const { tar, dockerfile } = packBuildContext({ context: ctx, dockerfile: join(ctx, '.devcontainer', 'Dockerfile') });
    tar.destroy();
    assert.equal(dockerfile, '.devcontainer/Dockerfile');
  });

  it('works without a .dockerignore', async () => {
    const ctx = tree(join(root, 'd'), { Dockerfile: 'FROM z\n', 'x.log': 'kept' });
    const entries = await list(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') }).tar);
    assert.equal(entries.get('x.log'), 'kept');
  });
});
