/**
 * Cleanup for Compose dev container tests: everything of the Compose projects whose dev container
 * belongs to a workspace folder (containers, volumes, networks), found by the projects' labels.
 */
import Docker from 'dockerode';

const PROJECT = 'com.docker.compose.project';

/** The Compose projects of the dev containers made for `folder`. */
export async function composeProjectsOf(folder: string): Promise<string[]> {
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
  return [...new Set(containers.map((c) => c.Labels[PROJECT]).filter((p): p is string => p !== undefined))];
}

/** Removes the containers, volumes and networks of these Compose projects. */
export async function removeComposeProjects(projects: string[]): Promise<void> {
  const docker = new Docker();
  for (const project of projects) {
    const filters = { label: [`${PROJECT}=${project}`] };
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
}
