// Example workspaces for a journey: a fresh copy in the journey's temp folder, so the container labels
// (devcontainer.local_folder = that copy) are unique to this run and cleanup can find exactly its own.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Copies a workspace into `dir` and writes its `.vscode/settings.json`.
 * @param {object} o
 * @param {string} o.from      a folder: absolute, or relative to the repository (`examples/hello`)
 * @param {string} o.dir       destination (must not exist yet)
 * @param {Record<string, unknown>} [o.settings] workspace settings, merged over the copied ones
 * @param {Record<string, string>} [o.files] extra files to write, relative path → content
 * @returns {string} the workspace folder
 */
export function makeWorkspace({ from, dir, settings = {}, files = {} }) {
  const src = resolve(REPO, from);
  if (!existsSync(src)) throw new Error(`no workspace at ${src}`);
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(src, dir, { recursive: true, filter: (p) => !p.includes(`${'/'}node_modules`) });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  const settingsFile = join(dir, '.vscode', 'settings.json');
  let current = {};
  if (existsSync(settingsFile)) current = JSON.parse(readFileSync(settingsFile, 'utf8'));
  mkdirSync(dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...current, ...settings }, null, 2));
  return dir;
}
