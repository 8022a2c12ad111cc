/**
 * Workspaces for the production tests: a fixture (or examples/node-app) copied to a temp folder with
 * its own name, so its image tags are its own; the spec's production section edited per test; and
 * cleanup that removes only what the workspace made while keeping the build cache (noprune), so the
 * next test's build of the same Dockerfile is quick.
 */
import Docker from 'dockerode';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseJsonc } from '../../src/core/config/parse';

export const NODE_APP = resolve(__dirname, '..', '..', 'examples', 'node-app');
export const PROD_STAGES = resolve(__dirname, '..', 'fixtures', 'workspaces', 'prod-stages');

export interface ProductionWorkspace {
  folder: string;
  configFile: string;
  /** Rewrites devcontainer.json (as parsed JSON) with `edit`. */
  editSpec(edit: (spec: Record<string, unknown>) => void): Promise<void>;
  cleanup(): Promise<void>;
}

/** `customizations.berth.production` of a parsed spec, for edits. */
export function productionSection(spec: Record<string, unknown>): Record<string, unknown> {
  const c = spec.customizations as { berth: { production: Record<string, unknown> } };
  return c.berth.production;
}

export async function productionWorkspace(source: string, name: string): Promise<ProductionWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'berth-prod-'));
  const folder = join(root, name);
  await cp(source, folder, { recursive: true });
  const configFile = join(folder, '.devcontainer', 'devcontainer.json');
  return {
    folder,
    configFile,
    async editSpec(edit) {
      const spec = parseJsonc(await readFile(configFile, 'utf8'), configFile).value as Record<string, unknown>;
      edit(spec);
      await writeFile(configFile, JSON.stringify(spec, null, 2));
    },
    cleanup: () => removeProductionResources(folder).finally(() => rm(root, { recursive: true, force: true })),
  };
}

export async function removeProductionResources(folder: string): Promise<void> {
  const docker = new Docker();
  for (const label of [`devcontainer.local_folder=${folder}`, `dev.berth.production.folder=${folder}`]) {
    const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  const images = await docker.listImages({ filters: { reference: [`vsc-${basename(folder)}-*`] } });
  for (const img of images) {
    for (const tag of img.RepoTags ?? []) await docker.getImage(tag).remove({ noprune: true }).catch(() => undefined);
  }
}
