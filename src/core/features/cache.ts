/**
 * The host's content-addressed Feature cache: `<dir>/sha256/<hex>/feature/` holds the files of the
 * Feature whose manifest (OCI) or tarball has that digest, complete once `.complete` exists, so a
 * Feature is downloaded once. `<dir>/refs/` remembers what each tag or URL last resolved to, so a
 * Feature resolved before works with the registry unreachable.
 */
import { nodeZlib, randomHex, sha256Hex } from '../lazyNode';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as TarFs from 'tar-fs';

/** What a tag or URL resolved to when it was last fetched. */
export interface CachedRef {
  ref: string;
  digest: string;
  fetchedAt: string;
}

function hex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1];
}

/** Unpacks a Feature layer (a plain tar, or gzip-compressed) into `dir`. */
export async function extractFeatureArchive(data: Buffer, dir: string): Promise<void> {
  // Loaded on first use, as in the build context packer: most runs never extract anything.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tarFs = require('tar-fs') as typeof TarFs;
  await mkdir(dir, { recursive: true });
  const gz = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
  const source = Readable.from([data]);
  const extract = tarFs.extract(dir, { readable: true, writable: true });
  if (gz) await pipeline(source, nodeZlib().createGunzip(), extract);
  else await pipeline(source, extract);
}

export class FeatureCache {
  constructor(readonly dir: string) {}

  /** The folder with the Feature's files for a digest. */
  featureDir(digest: string): string {
    return join(this.dir, 'sha256', hex(digest), 'feature');
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(join(this.dir, 'sha256', hex(digest), '.complete'));
      return true;
    } catch {
      return false;
    }
  }

  /** The manifest stored with a digest (OCI only). */
  async manifest(digest: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.dir, 'sha256', hex(digest), 'manifest.json'));
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a Feature's archive under `digest` (extracted), with its manifest. Written to a temporary
   * folder first and renamed, so a crash or a concurrent run never leaves a half-filled entry.
   */
  async store(digest: string, archive: Buffer, manifest?: Buffer): Promise<string> {
    const final = join(this.dir, 'sha256', hex(digest));
    if (await this.has(digest)) return join(final, 'feature');
    const tmp = join(this.dir, 'tmp', `${hex(digest).slice(0, 12)}-${randomHex(6)}`);
    try {
      await extractFeatureArchive(archive, join(tmp, 'feature'));
      if (manifest) await writeFile(join(tmp, 'manifest.json'), manifest);
      await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
      await mkdir(join(this.dir, 'sha256'), { recursive: true });
      await rm(final, { recursive: true, force: true });
      try {
        await rename(tmp, final);
      } catch (e) {
        // Another process stored the same content first: theirs is as good as ours.
        if (!(await this.has(digest))) throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return join(final, 'feature');
  }

  private refFile(ref: string): string {
    return join(this.dir, 'refs', `${sha256Hex(ref)}.json`);
  }

  async getRef(ref: string): Promise<CachedRef | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.refFile(ref), 'utf8')) as CachedRef;
      return parsed.ref === ref && typeof parsed.digest === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async setRef(ref: string, digest: string): Promise<void> {
    const file = this.refFile(ref);
    await mkdir(join(this.dir, 'refs'), { recursive: true });
    const tmp = `${file}.${randomHex(4)}`;
    await writeFile(tmp, `${JSON.stringify({ ref, digest, fetchedAt: new Date().toISOString() } satisfies CachedRef)}\n`);
    await rename(tmp, file);
  }
}
