/**
 * Berth against the reference implementation: each fixture workspace goes through `berth up` and
 * `devcontainer up` (npm @devcontainers/cli), one after the other on identical copies, and the two
 * containers are compared: env, user, workspace mount and folder, mounts, ports, labels, capabilities,
 * and what the hooks did.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Docker from 'dockerode';
import { needDocker } from '../support/docker';
import { FIXTURES, removeWorkspaceResources } from '../support/workspaces';
import { runTool, type Tool } from '../support/tools';

const docker = new Docker();

/** What is compared, with the workspace path replaced by `<ws>` so the two copies line up. */
async function snapshot(tool: Tool, folder: string) {
  const upOut = (await runTool(tool, ['up', '--workspace-folder', folder])).trim().split('\n').pop() ?? '';
  const result = JSON.parse(upOut) as { outcome: string; containerId: string; remoteUser: string; remoteWorkspaceFolder: string };
  assert.equal(result.outcome, 'success', `${tool} up failed: ${upOut}`);
  const info = await docker.getContainer(result.containerId).inspect();
  const norm = (s: string) => s.split(folder).join('<ws>');
  const labels = Object.fromEntries(Object.entries(info.Config.Labels).filter(([k]) => k.startsWith('devcontainer.')).map(([k, v]) => [k, norm(v)]));
  labels['devcontainer.metadata'] = JSON.parse(labels['devcontainer.metadata']);
  const execOut = await runTool(tool, ['exec', '--workspace-folder', folder, 'sh', '-c', 'id -un; pwd; echo "$PATH"; echo "$FROM_RUN_ARGS"; cat /tmp/* 2>/dev/null | sort']);
  return {
    remoteUser: result.remoteUser,
    remoteWorkspaceFolder: result.remoteWorkspaceFolder,
    // An empty User is root; the reference's UID layer (a no-op for a root host) writes it out.
    user: info.Config.User || 'root',
    env: info.Config.Env.filter((e) => !e.startsWith('HOSTNAME=')).sort(),
    labels,
    mounts: info.Mounts.map((m) => ({ type: m.Type, source: m.Type === 'bind' ? norm(m.Source) : '(volume)', destination: m.Destination, rw: m.RW })).sort((a, b) => a.destination.localeCompare(b.destination)),
    ports: info.HostConfig.PortBindings ?? {},
    capAdd: [...(info.HostConfig.CapAdd ?? [])].sort(),
    securityOpt: [...(info.HostConfig.SecurityOpt ?? [])].sort(),
    init: info.HostConfig.Init ?? false,
    // Unless the spec sets one, the hostname is the container's short id.
    hostname: info.Config.Hostname === info.Id.slice(0, 12) ? '<id>' : info.Config.Hostname,
    extraHosts: info.HostConfig.ExtraHosts ?? [],
    shmSize: info.HostConfig.ShmSize,
    exec: norm(execOut),
  };
}

async function copyOf(fixture: string, root: string): Promise<string> {
  const folder = join(root, fixture);
  await cp(join(FIXTURES, fixture), folder, { recursive: true });
  return folder;
}

describe('berth up agrees with devcontainer up', () => {
  const roots: string[] = [];
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  for (const fixture of ['image-hooks', 'dockerfile-user', 'run-options']) {
    it(fixture, async (t) => {
      if (!(await needDocker(t))) return;
      const snaps: Record<Tool, Awaited<ReturnType<typeof snapshot>>> = {} as never;
      for (const tool of ['reference', 'berth'] as const) {
        const root = await mkdtemp(join(tmpdir(), `berth-diff-${tool}-`));
        roots.push(root);
        const folder = await copyOf(fixture, root);
        try {
          snaps[tool] = await snapshot(tool, folder);
        } finally {
          await removeWorkspaceResources(folder);
        }
      }
      assert.deepEqual(snaps.berth, snaps.reference);
    });
  }
});
