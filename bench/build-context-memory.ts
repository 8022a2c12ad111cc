// Memory check (not a test): streams a generated 1 GiB build context through packBuildContext into
// a sink that discards it, and prints the peak RSS. The target is under 150 MiB: the tar must be
// streamed file by file, never held in memory.
//   node --import tsx bench/build-context-memory.ts [sizeMiB]
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { packBuildContext } from '../src/core/engine/buildContext';

const totalMiB = Number(process.argv[2] ?? 1024);
const fileMiB = 8;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-ctx-'));

function generate(): void {
  const chunk = Buffer.alloc(1024 * 1024, 'berth build context bench ');
  for (let i = 0; i < totalMiB / fileMiB; i++) {
    const sub = join(dir, `d${i % 16}`);
    mkdirSync(sub, { recursive: true });
    const fd = openSync(join(sub, `f${i}.bin`), 'w');
    for (let m = 0; m < fileMiB; m++) writeSync(fd, chunk);
    closeSync(fd);
  }
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  writeFileSync(join(dir, '.dockerignore'), '# keep everything but logs\n*.log\n');
}

async function main(): Promise<void> {
  generate();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  const started = Date.now();
  const { tar } = packBuildContext({ context: dir, dockerfile: join(dir, 'Dockerfile') });
  await pipeline(tar, sink);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`context: ${totalMiB} MiB in ${totalMiB / fileMiB} files; tar: ${mib(bytes)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`RSS: baseline ${mib(baseline)} MiB, peak ${mib(peak)} MiB (target < 150 MiB)`);
  if (bytes < totalMiB * 1024 * 1024) throw new Error('the tar is smaller than the context: files were lost');
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
