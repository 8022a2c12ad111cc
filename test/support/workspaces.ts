/**
 * Fixture workspaces for Docker tests: each test copies one from test/fixtures/workspaces/ into a
 * fresh temp folder, so its containers (found by the devcontainer.local_folder label) are its own,
 * and removes what it made afterwards: containers, images and volumes carrying that folder's labels.
 */
import Docker from 'dockerode';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '..', 'fixtures', 'workspaces');

export interface TempWorkspace {
  folder: string;
  /** Removes the folder and everything the engine holds for it. */
  cleanup(): Promise<void>;
}

export async function tempWorkspace(fixture: string): Promise<TempWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'berth-ws-'));
  const folder = join(root, fixture);
  await cp(join(FIXTURES, fixture), folder, { recursive: true });
  return { folder, cleanup: () => removeWorkspaceResources(folder).finally(() => rm(root, { recursive: true, force: true })) };
}

export async function removeWorkspaceResources(folder: string): Promise<void> {
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const images = await docker.listImages({ filters: { reference: [`vsc-${folder.split('/').pop()}-*`] } });
  for (const img of images) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
  const volumes = (await docker.listVolumes()).Volumes ?? [];
  for (const v of volumes) if (v.Name.startsWith('berth-test-')) await docker.getVolume(v.Name).remove().catch(() => undefined);
}
