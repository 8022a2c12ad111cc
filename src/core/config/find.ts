/**
 * Where a workspace's dev container specs are: `.devcontainer/devcontainer.json`,
 * `.devcontainer.json`, and `.devcontainer/<folder>/devcontainer.json` (one level down).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { BerthError } from '../errors';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The sub-folder specs, `.devcontainer/<folder>/devcontainer.json`, sorted by folder name. */
async function subFolderConfigs(workspaceFolder: string): Promise<string[]> {
  const dir = join(workspaceFolder, '.devcontainer');
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name, 'devcontainer.json');
    if (await isFile(file)) found.push(file);
  }
  return found;
}

/**
 * Every spec in a workspace, as absolute paths in priority order: `.devcontainer/devcontainer.json`,
 * `.devcontainer.json`, then the sub-folder specs by folder name.
 */
export async function findConfigs(workspaceFolder: string): Promise<string[]> {
  const ws = resolve(workspaceFolder);
  const found: string[] = [];
  for (const f of [join(ws, '.devcontainer', 'devcontainer.json'), join(ws, '.devcontainer.json')]) {
    if (await isFile(f)) found.push(f);
  }
  return [...found, ...(await subFolderConfigs(ws))];
}

/**
 * The spec to use. `configFile` may be a path (absolute, or relative to the workspace) or the name
 * of a `.devcontainer/<folder>`. Without it: the two standard places, else the only sub-folder
 * spec. Throws BerthError 'config-not-found' or, with several sub-folder specs, 'config-ambiguous'.
 */
export async function pickConfig(workspaceFolder: string, configFile?: string): Promise<string> {
  const ws = resolve(workspaceFolder);
  if (configFile !== undefined && configFile !== '') {
    const asPath = isAbsolute(configFile) ? configFile : resolve(ws, configFile);
    if (await isFile(asPath)) return asPath;
    const looked = [asPath];
    // A bare folder name (`python`) picks `.devcontainer/python/devcontainer.json`.
    if (!/[\\/]/.test(configFile) && basename(configFile) === configFile) {
      const sub = join(ws, '.devcontainer', configFile, 'devcontainer.json');
      if (await isFile(sub)) return sub;
      looked.push(sub);
    }
    // A folder holding a devcontainer.json is accepted as well.
    const inDir = join(asPath, 'devcontainer.json');
    if (await isFile(inDir)) return inDir;
    throw new BerthError('config-not-found', `no dev container spec at ${looked.join(' or ')}`, {
      hint: 'pass --config a devcontainer.json path (absolute or relative to the workspace) or a .devcontainer sub-folder name',
    });
  }
  const standard = [join(ws, '.devcontainer', 'devcontainer.json'), join(ws, '.devcontainer.json')];
  for (const f of standard) if (await isFile(f)) return f;
  const subs = await subFolderConfigs(ws);
  if (subs.length === 1) return subs[0];
  if (subs.length > 1) {
    throw new BerthError('config-ambiguous', `${ws} has ${subs.length} dev container specs: ${subs.join(', ')}`, {
      hint: `choose one with --config, e.g. --config ${basename(join(subs[0], '..'))}`,
    });
  }
  throw new BerthError('config-not-found', `no dev container spec in ${ws}: looked for ${standard.join(', ')} and ${join(ws, '.devcontainer', '*', 'devcontainer.json')}`, {
    hint: 'create .devcontainer/devcontainer.json, or pass --config',
  });
}
