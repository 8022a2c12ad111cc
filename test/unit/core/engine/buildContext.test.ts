import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import type * as TarFs from 'tar-fs';
import * as tarStream from 'tar-stream';
import { packBuildContext } from '../../../../src/core/engine/buildContext';
import { DockerignoreMatcher } from '../../../../src/core/engine/dockerignore';

const root = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(base: string, files: Record<string, string | Buffer>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), content);
  }
  return base;
}

interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string | null;
  /** File content (for comparisons, its SHA-256). */
  content: string | null;
}

/** Every entry of a tar stream, by name, as tar-stream (an independent reader) decodes it. */
async function entriesOf(tar: Readable, hashContent = false): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const extract = tarStream.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        assert.equal(out.has(header.name), false, `${header.name} is in the tar twice`);
        out.set(header.name, {
          type: header.type ?? 'file',
          mode: header.mode ?? 0,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          size: header.size ?? 0,
          mtime: Math.floor((header.mtime?.getTime() ?? 0) / 1000),
          linkname: header.linkname ?? null,
          content: header.type === 'file' ? (hashContent ? createHash('sha256').update(data).digest('hex') : data.toString()) : null,
        });
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

/** The chunks as pushed ('data' events; `for await` would join what is buffered). */
function chunksOf(tar: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    tar.on('data', (c: Buffer) => chunks.push(c));
    tar.on('end', () => resolve(chunks));
    tar.on('error', reject);
  });
}

/** Name → content (null for folders), the shape most tests check. */
async function list(tar: Readable): Promise<Map<string, string | null>> {
  return new Map([...(await entriesOf(tar))].map(([name, e]) => [name, e.content]));
}

/**
 * The implementation this module replaced (tar-fs and its ignore callback), kept as the reference
 * the new tar must match entry for entry.
 */
function packWithTarFs(context: string, dockerfile: string): Readable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same lazy load the old code used
  const tarFs = require('tar-fs') as typeof TarFs;
  let matcher = new DockerignoreMatcher([]);
  try {
    matcher = DockerignoreMatcher.fromText(readFileSync(join(context, '.dockerignore'), 'utf8'));
  } catch {
    // no .dockerignore
  }
  const alwaysSent = new Set(['.dockerignore', relative(context, dockerfile)]);
  const alwaysSentDirs = new Set<string>();
  for (const f of alwaysSent) for (let i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) alwaysSentDirs.add(f.slice(0, i));
  const hiddenDirs = new Set<string>();
  const ignore = (abs: string): boolean => {
    const rel = relative(context, abs);
    if (alwaysSent.has(rel) || alwaysSentDirs.has(rel) || !matcher.ignores(rel)) return false;
    if (statSync(abs).isDirectory() && matcher.mayReincludeUnder(rel)) {
      hiddenDirs.add(rel);
      return false;
    }
    return true;
  };
  const pack = tarFs.pack(context, { ignore, umask: 0 } as Parameters<typeof tarFs.pack>[1]);
  const entry = pack.entry.bind(pack);
  pack.entry = ((header: { name: string; type?: string }, ...rest: unknown[]) => {
    if (header.type === 'directory' && hiddenDirs.has(header.name)) {
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) process.nextTick(cb);
      return undefined;
    }
    return (entry as (...args: unknown[]) => unknown)(header, ...rest);
  }) as typeof pack.entry;
  return pack as unknown as Readable;
}

/** Bytes that differ from file to file, so a misplaced block shows in the hashes. */
function noise(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A context with what a tar can get wrong: modes, symlinks, empty folders, long and non-ASCII paths, odd sizes. */
function trickyContext(base: string): string {
  const long100 = 'n'.repeat(100);
  const deep = Array.from({ length: 12 }, (_, i) => `segment-${i}-${'x'.repeat(20)}`).join('/'); // > 255 bytes
  tree(base, {
    '.dockerignore': ['# comment', '*.log', 'build/', '!build/keep/**', 'cache', '**/tmp-*', 'docs/*.md', '!docs/README.md', 'vendor/a/b', 'generated', '!generated/keep.txt'].join('\n'),
    Dockerfile: 'FROM scratch\nCOPY . /\n',
    'empty.txt': '',
    'block.bin': noise(512, 1),
    'block1.bin': noise(513, 2),
    'big.bin': noise(2.5 * 1024 * 1024 + 7, 3),
    'exec.sh': '#!/bin/sh\n',
    'private.key': 'k',
    'app.log': 'excluded',
    'build/out.o': 'excluded',
    'build/keep/me.txt': 'kept by an exception',
    'build/keep/deeper/too.txt': 'kept too',
    'cache/x': 'excluded',
    'src/tmp-1/a': 'excluded by **/tmp-*',
    'src/main.c': 'int main(){}',
    'docs/guide.md': 'excluded',
    'docs/README.md': 'kept',
    'vendor/a/b/c.txt': 'excluded',
    'vendor/a/d.txt': 'kept',
    [`${long100}/file.txt`]: 'a 100-byte folder name',
    [`short/${'f'.repeat(100)}`]: 'a 100-byte file name',
    [`${'p'.repeat(120)}/${'q'.repeat(90)}.txt`]: 'fits ustar prefix + name',
    [`${'s'.repeat(101)}.txt`]: 'one segment over 100 bytes: pax',
    [`${'a'.repeat(50)}/${'b'.repeat(97)}.txt`]: 'last segment of 101 bytes: pax',
    [`${'c'.repeat(155)}/${'d'.repeat(10)}`]: 'a 155-byte prefix: ustar',
    [`${'c'.repeat(156)}/e`]: 'a 156-byte prefix: pax',
    [`${deep}/end.txt`]: 'over 255 bytes: pax',
    'ünïcödé/файл.txt': 'non-ASCII: pax',
    '日本/空': '',
    'generated/keep.txt': 'kept from an excluded folder',
    ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`generated/out-${i}.js`, 'excluded'])),
  });
  chmodSync(join(base, 'exec.sh'), 0o755);
  chmodSync(join(base, 'private.key'), 0o600);
  chmodSync(join(base, 'block.bin'), 0o640);
  mkdirSync(join(base, 'empty-dir'));
  mkdirSync(join(base, 'nested/empty/dirs'), { recursive: true });
  chmodSync(join(base, 'nested/empty'), 0o700);
  mkdirSync(join(base, `${deep}/empty-${'e'.repeat(110)}`), { recursive: true });
  symlinkSync('src/main.c', join(base, 'link-rel'));
  symlinkSync('/etc/hostname', join(base, 'link-abs'));
  symlinkSync('does/not/exist', join(base, 'link-dangling'));
  symlinkSync('src', join(base, 'link-dir'));
  symlinkSync(`../${'t'.repeat(150)}/target`, join(base, 'link-long'));
  symlinkSync('ünïcödé/файл.txt', join(base, 'link-unicode'));
  // Owners other than the one running the test, where allowed (root), so a dropped uid/gid shows.
  if (process.getuid?.() === 0) lchownSync(join(base, 'exec.sh'), 1234, 5678);
  utimesSync(join(base, 'src/main.c'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
  return base;
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
    assert.ok(entries.has('src'));
    assert.equal(entries.get('Dockerfile'), 'FROM x\n');
    assert.ok(entries.has('.dockerignore'));
  });

  it('adds a Dockerfile from outside the context under a unique name', async () => {
    const ctx = tree(join(root, 'b', 'ctx'), { 'f.txt': 'f' });
    tree(join(root, 'b'), { 'build.Dockerfile': 'FROM outside\n' });
    const { tar, dockerfile } = packBuildContext({ context: ctx, dockerfile: join(root, 'b', 'build.Dockerfile') });
    assert.match(dockerfile, /^\.berth-dockerfile-[0-9a-f]{12}$/);
    const entries = await entriesOf(tar);
    assert.equal(entries.get(dockerfile)?.content, 'FROM outside\n');
    assert.equal(entries.get(dockerfile)?.mode, 0o644);
    assert.equal(entries.get('f.txt')?.content, 'f');
  });

  it('a Dockerfile in a subfolder is referred to by its relative path', () => {
    const ctx = tree(join(root, 'c'), { '.devcontainer/Dockerfile': 'FROM y\n' });
    const { tar, dockerfile } = packBuildContext({ context: ctx, dockerfile: join(ctx, '.devcontainer', 'Dockerfile') });
    tar.destroy();
    assert.equal(dockerfile, '.devcontainer/Dockerfile');
  });

  it('sends the Dockerfile and its folders even when .dockerignore excludes them', async () => {
    const ctx = tree(join(root, 'c2'), { '.dockerignore': '.devcontainer\n', '.devcontainer/Dockerfile': 'FROM y\n', '.devcontainer/other': 'no' });
    const entries = await list(packBuildContext({ context: ctx, dockerfile: join(ctx, '.devcontainer', 'Dockerfile') }).tar);
    assert.deepEqual([...entries.keys()].sort(), ['.', '.devcontainer', '.devcontainer/Dockerfile', '.dockerignore']);
  });

  it('works without a .dockerignore', async () => {
    const ctx = tree(join(root, 'd'), { Dockerfile: 'FROM z\n', 'x.log': 'kept' });
    const entries = await list(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') }).tar);
    assert.equal(entries.get('x.log'), 'kept');
  });

  it('holds the same entries as the tar-fs implementation it replaced: names, types, modes, owners, times, links, contents', async () => {
    const ctx = trickyContext(join(root, 'tricky'));
    const dockerfile = join(ctx, 'Dockerfile');
    const ours = await entriesOf(packBuildContext({ context: ctx, dockerfile }).tar, true);
    const reference = await entriesOf(packWithTarFs(ctx, dockerfile), true);
    assert.deepEqual([...ours.keys()].sort(), [...reference.keys()].sort());
    for (const [name, entry] of reference) assert.deepEqual(ours.get(name), entry, name);
    // And the cases the context was made for are really in it.
    const deepEmpty = [...ours.keys()].find((n) => n.includes('/empty-eee'));
    assert.ok(deepEmpty && deepEmpty.length > 300 && ours.get(deepEmpty)?.type === 'directory');
    assert.equal(ours.get('nested/empty')?.mode, 0o700);
    assert.equal(ours.get('nested/empty/dirs')?.type, 'directory');
    assert.equal(ours.get('empty-dir')?.type, 'directory');
    assert.equal(ours.get('exec.sh')?.mode, 0o755);
    assert.equal(ours.get('private.key')?.mode, 0o600);
    if (process.getuid?.() === 0) assert.deepEqual([ours.get('exec.sh')?.uid, ours.get('exec.sh')?.gid], [1234, 5678]);
    assert.equal(ours.get('src/main.c')?.mtime, Date.parse('2001-02-03T04:05:06Z') / 1000);
    assert.equal(ours.get('link-long')?.linkname, `../${'t'.repeat(150)}/target`);
    assert.equal(ours.get('link-unicode')?.linkname, 'ünïcödé/файл.txt');
    assert.equal(ours.get('link-dir')?.type, 'symlink');
    assert.equal(ours.get('ünïcödé/файл.txt')?.size, Buffer.byteLength('non-ASCII: pax'));
    assert.equal(ours.get('big.bin')?.size, 2.5 * 1024 * 1024 + 7);
    assert.equal(ours.has('build'), false);
    assert.ok(ours.has('build/keep/deeper/too.txt'));
    assert.equal(ours.has('vendor/a/b'), false);
    assert.ok(ours.has('vendor/a/d.txt'));
  });

  it('writes the same bytes when every pull is cut short after one entry', async () => {
    const ctx = join(root, 'tricky');
    const bytes = async (sliceMs?: number) => {
      const chunks = await chunksOf(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile'), sliceMs }).tar);
      return { tar: Buffer.concat(chunks), chunks: chunks.length };
    };
    const whole = await bytes();
    const sliced = await bytes(0);
    assert.ok(sliced.chunks > 40, `${sliced.chunks} chunks`);
    assert.ok(whole.tar.equals(sliced.tar));
    assert.ok((await entriesOf(Readable.from([sliced.tar]))).has('generated/keep.txt'));
  });

  it('writes a tar that GNU tar extracts to the same tree', (t) => {
    if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar command on this machine');
    const ctx = trickyContext(join(root, 'gnu'));
    const out = join(root, 'gnu-out');
    mkdirSync(out);
    return new Promise<void>((resolve, reject) => {
      const { tar } = packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') });
      const chunks: Buffer[] = [];
      tar.on('data', (c: Buffer) => chunks.push(c));
      tar.on('error', reject);
      tar.on('end', () => {
        try {
          const r = spawnSync('tar', ['-x', '-p', '-C', out, '-f', '-'], { input: Buffer.concat(chunks) });
          assert.equal(r.status, 0, r.stderr.toString());
          const walk = (dir: string): string[] =>
            readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
              const p = join(dir, d.name);
              return d.isDirectory() ? [relative(out, p) + '/', ...walk(p)] : [relative(out, p)];
            });
          const got = walk(out).sort();
          for (const rel of ['exec.sh', 'big.bin', 'ünïcödé/файл.txt', 'link-long', 'empty-dir/', 'build/keep/me.txt']) assert.ok(got.includes(rel), rel);
          assert.equal(got.includes('app.log'), false);
          for (const rel of got) {
            const a = lstatSync(join(ctx, rel));
            const b = lstatSync(join(out, rel));
            assert.equal(b.mode, a.mode, `${rel} mode`);
            if (a.isSymbolicLink()) assert.equal(readlinkSync(join(out, rel)), readlinkSync(join(ctx, rel)), rel);
            else if (a.isFile()) {
              assert.ok(readFileSync(join(out, rel)).equals(readFileSync(join(ctx, rel))), `${rel} content`);
              assert.equal(Math.floor(b.mtimeMs / 1000), Math.floor(a.mtimeMs / 1000), `${rel} mtime`);
            }
          }
          resolve();
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  });

  it('streams in large chunks, whatever the file sizes', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 200; i++) files[`small/${i}.txt`] = noise(700, i);
    for (let i = 0; i < 3; i++) files[`large/${i}.bin`] = noise(1024 * 1024 + 100, i);
    const ctx = tree(join(root, 'chunks'), files);
    const { tar } = packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') });
    const sizes = (await chunksOf(tar)).map((c) => c.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.ok(total > 3 * 1024 * 1024 + 200 * 700);
    // ~3.4 MiB in 1 MiB chunks, not tar-fs's one push per header and per 64 KiB read (~260 here).
    // A pull also ends after some milliseconds of work, so a loaded machine may see a few more.
    assert.ok(sizes.length <= 12, `${sizes.length} chunks: ${sizes.join(', ')}`);
    assert.ok(sizes.filter((s) => s === 1024 * 1024).length >= 3, sizes.join(', '));
  });

  it('leaves out sockets, and a symlink to a folder is never walked for exceptions (Docker does not follow it)', async () => {
    const ctx = tree(join(root, 'sock'), { '.dockerignore': 'linked\n!linked/x\n', 'real/x': 'x', 'f.txt': 'f' });
    symlinkSync('real', join(ctx, 'linked'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(ctx, 'daemon.sock'), resolve));
    try {
      const entries = await list(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') }).tar);
      assert.deepEqual([...entries.keys()].sort(), ['.', '.dockerignore', 'f.txt', 'real', 'real/x']);
    } finally {
      server.close();
    }
  });

  it('fails naming a FIFO, which a context cannot hold', async (t) => {
    const ctx = tree(join(root, 'fifo'), { 'f.txt': 'f' });
    if (spawnSync('mkfifo', [join(ctx, 'pipe')]).status !== 0) return t.skip('mkfifo is not available');
    await assert.rejects(list(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') }).tar), /: pipe is a FIFO or device, which a build context cannot hold$/);
  });

  it('fails naming a file that shrinks while it is sent, instead of sending a corrupt tar', async () => {
    const ctx = tree(join(root, 'shrink'), { 'grows-not.bin': noise(3 * 1024 * 1024, 9) });
    const { tar } = packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') });
    await new Promise((resolve) => tar.once('readable', resolve));
    truncateSync(join(ctx, 'grows-not.bin'), 10);
    await assert.rejects(list(tar), /: grows-not\.bin shrank while it was being sent \(from 3145728 bytes\)/);
  });

  it('closes its open file when the consumer stops halfway (a cancelled build)', async () => {
    const ctx = tree(join(root, 'cancel'), { 'a.bin': noise(5 * 1024 * 1024, 4), 'b.bin': noise(5 * 1024 * 1024, 5) });
    const fds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const before = fds();
    const { tar } = packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') });
    let got = 0;
    await new Promise<void>((resolve) => {
      tar.on('data', (c: Buffer) => {
        got += c.length;
        // Mid-file, with the next read likely under way on the thread pool.
        if (got >= 2 * 1024 * 1024) tar.destroy();
      });
      tar.on('close', resolve);
    });
    assert.ok(got < 5 * 1024 * 1024);
    assert.equal(fds(), before);
  });

  it('follows a context folder reached through a symlink, as docker build does', async () => {
    const real = tree(join(root, 'real-ctx'), { Dockerfile: 'FROM l\n', 'in.txt': 'in' });
    symlinkSync(real, join(root, 'linked-ctx'));
    const ctx = join(root, 'linked-ctx');
    const entries = await entriesOf(packBuildContext({ context: ctx, dockerfile: join(ctx, 'Dockerfile') }).tar);
    assert.equal(entries.get('.')?.type, 'directory');
    assert.equal(entries.get('in.txt')?.content, 'in');
  });

  it('fails when the context folder does not exist', async () => {
    await assert.rejects(list(packBuildContext({ context: join(root, 'missing'), dockerfile: join(root, 'missing', 'Dockerfile') }).tar), /ENOENT/);
  });
});
