/**
 * Berth's CLI (from the sources, through tsx) and the reference CLI (npm @devcontainers/cli), run
 * the same way, for the differential tests.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const BERTH = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
const REFERENCE = join(ROOT, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');

export type Tool = 'berth' | 'reference';

/** Runs `berth ARGS` or `devcontainer ARGS` and returns stdout (rejects on a non-zero exit). */
export async function runTool(tool: Tool, args: string[]): Promise<string> {
  const argv = tool === 'berth' ? [...BERTH, ...args] : [REFERENCE, ...args];
  const { stdout } = await run(process.execPath, argv, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
