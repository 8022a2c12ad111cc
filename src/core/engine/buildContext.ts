/**
 * The build context as a tar stream: the context folder minus what its `.dockerignore` excludes,
 * read file by file as the engine consumes it (never buffered whole), plus the Dockerfile when it
 * lives outside the context.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type * as TarFs from 'tar-fs';
import { DockerignoreMatcher } from './dockerignore';

export interface BuildContextOptions {
  /** Absolute path of the context folder. */
  context: string;
  /** Absolute path of the Dockerfile; may lie outside the context. */
  dockerfile: string;
}

export interface BuildContextStream {
  /** The tar, to be piped into `POST /build`. */
  tar: Readable;
  /** The Dockerfile's path inside the tar: what the Engine API's `dockerfile` parameter takes. */
  dockerfile: string;
}

/** `a\b` → `a/b`, so matching works the same on Windows hosts. */
function toSlash(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function readDockerignore(context: string): DockerignoreMatcher {
  try {
    return DockerignoreMatcher.fromText(readFileSync(join(context, '.dockerignore'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new DockerignoreMatcher([]);
    throw e;
  }
}

/**
 * Starts streaming the context. tar-fs walks the folder lazily and reads each file only when the
 * consumer pulls, so memory stays flat however big the context is.
 */
export function packBuildContext(options: BuildContextOptions): BuildContextStream {
  // Loaded here, not at the top: the extension's activation must not pay for tar code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, see above
  const tarFs = require('tar-fs') as typeof TarFs;
  const root = options.context;
  const matcher = readDockerignore(root);
  const relDockerfile = toSlash(relative(root, options.dockerfile));
  const inside = relDockerfile !== '' && !relDockerfile.startsWith('../') && relDockerfile !== '..' && !isAbsolute(relDockerfile);
  // Docker always sends the Dockerfile and .dockerignore, whatever .dockerignore says.
  const alwaysSent = new Set(['.dockerignore']);
  if (inside) alwaysSent.add(relDockerfile);
  const alwaysSentDirs = new Set<string>();
  for (const f of alwaysSent) for (let i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) alwaysSentDirs.add(f.slice(0, i));

  // Excluded directories that are walked anyway (an exception may reach into them) get no entry of
  // their own, as with Docker; the files re-included below them still create them in the image.
  const hiddenDirs = new Set<string>();

  const ignore = (absPath: string): boolean => {
    const rel = toSlash(relative(root, absPath));
    if (alwaysSent.has(rel) || alwaysSentDirs.has(rel)) return false;
    if (!matcher.ignores(rel)) return false;
    let isDir = false;
    try {
      isDir = statSync(absPath).isDirectory();
    } catch {
      return true;
    }
    if (isDir && matcher.mayReincludeUnder(rel)) {
      hiddenDirs.add(rel);
      return false;
    }
    return true;
  };

  const extraName = inside ? undefined : `.berth-dockerfile-${randomBytes(6).toString('hex')}`;
  const packOptions: Parameters<typeof tarFs.pack>[1] & { umask: number } = {
    ignore,
    // Modes exactly as on disk (Docker does not apply the client's umask).
    umask: 0,
    finalize: extraName === undefined,
    finish: (p) => {
      if (extraName === undefined) return;
      // Small by nature, so reading it whole is fine; it goes last so it never shadows a context file.
      let content: Buffer;
      try {
        content = readFileSync(options.dockerfile);
      } catch (e) {
        p.destroy(e as Error);
        return;
      }
      p.entry({ name: extraName, mode: 0o644, size: content.length, mtime: new Date(0) }, content);
      p.finalize();
    },
  };
  const pack = tarFs.pack(root, packOptions);
  const entry = pack.entry.bind(pack);
  // tar-fs adds every directory it walks; drop the headers of those .dockerignore excludes.
  pack.entry = ((header: { name: string; type?: string }, ...rest: unknown[]) => {
    if (header.type === 'directory' && hiddenDirs.has(header.name)) {
      const cb = rest.find((r) => typeof r === 'function') as ((err?: Error) => void) | undefined;
      if (cb) process.nextTick(cb);
      return undefined;
    }
    return (entry as (...args: unknown[]) => unknown)(header, ...rest);
  }) as typeof pack.entry;
  return { tar: pack as unknown as Readable, dockerfile: extraName ?? relDockerfile };
}
