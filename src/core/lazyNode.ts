/**
 * Node built-ins that most commands never touch, loaded on first use. A top-level import is paid by
 * every `berth exec` before it reaches Docker: node:crypto ~2-3 ms, node:zlib ~1.5 ms,
 * node:child_process ~0.7 ms, node:http ~1.5 ms (the engine is spoken to with httpLite.ts), on a start budget of ~25 ms (measured with require timings on this
 * project's 2-core machines). ESLint keeps value imports of these modules out of src/core and
 * src/cli, except here.
 *
 * `require` (not `await import()`): callers are synchronous, and esbuild keeps a require inside a
 * function where it is, so the module loads when the function first runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the point of this file: deferred loading */
import type * as Crypto from 'node:crypto';
import type * as ChildProcess from 'node:child_process';
import type * as Http from 'node:http';
import type * as Zlib from 'node:zlib';

export function nodeCrypto(): typeof Crypto {
  return require('node:crypto') as typeof Crypto;
}

export function nodeZlib(): typeof Zlib {
  return require('node:zlib') as typeof Zlib;
}

export function nodeHttp(): typeof Http {
  return require('node:http') as typeof Http;
}

export function nodeChildProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

/** SHA-256 of `data` as lowercase hex. */
export function sha256Hex(data: string | Buffer): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/** `bytes` random bytes as hex: names of temporary files and one-off markers. */
export function randomHex(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString('hex');
}
