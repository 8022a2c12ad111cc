/**
 * Berth against the reference CLI (npm @devcontainers/cli) on a workspace with a local Feature: both
 * `up` identical copies one after the other, and the containers are compared: the Feature's effects
 * (files, option variables, the builtin user variables, its containerEnv), the hooks' order, the
 * `devcontainer.metadata` label, capabilities, mounts and env.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Docker from 'dockerode';
import { needDocker } from '../support/docker';
import { FEATURE_FIXTURES } from '../support/registry';
import { removeWorkspaceResources } from '../support/workspaces';
import { runTool, type Tool } from '../support/tools';

const docker = new Docker();

async function makeWorkspace(root: string): Promise<string> {
  const folder = join(root, 'local-feature');
  await mkdir(join(folder, '.devcontainer'), { recursive: true });
  await cp(join(FEATURE_FIXTURES, 'hello'), join(folder, '.devcontainer', 'hello'), { recursive: true });
  const config = {
    image: 'berth-test/busybox:latest',
    features: { './hello': { greeting: 'hi', loud: true, color: 'blue' } },
    containerEnv: { FROM_CONFIG: 'yes' },
    postCreateCommand: 'echo config-postCreate >> /tmp/feature-hooks.log',
  };
  await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify(config, null, 2));
  return folder;
}

async function snapshot(tool: Tool, folder: string) {
  const upOut = (await runTool(tool, ['up', '--workspace-folder', folder])).trim().split('\n').pop() ?? '';
  const result = JSON.parse(upOut) as { outcome: string; containerId: string; remoteUser: string };
  assert.equal(result.outcome, 'success', `${tool} up failed: ${upOut}`);
  const info = await docker.getContainer(result.containerId).inspect();
  const norm = (s: string) => s.split(folder).join('<ws>');
  const exec = await runTool(tool, ['exec', '--workspace-folder', folder, 'sh', '-c', 'cat /usr/local/hello/options.txt; hello; cat /tmp/feature-hooks.log; echo "$PATH"; echo "$HELLO_HOME"']);
  return {
    remoteUser: result.remoteUser,
    user: info.Config.User || 'root',
    env: info.Config.Env.filter((e) => !e.startsWith('HOSTNAME=')).sort(),
    metadata: JSON.parse(info.Config.Labels['devcontainer.metadata']) as unknown,
    capAdd: [...(info.HostConfig.CapAdd ?? [])].sort(),
    mounts: info.Mounts.map((m) => ({ type: m.Type, name: m.Type === 'volume' ? m.Name : norm(m.Source), destination: m.Destination })).sort((a, b) => a.destination.localeCompare(b.destination)),
    exec: norm(exec),
  };
}

describe('berth up agrees with devcontainer up on Features', () => {
  const roots: string[] = [];
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
    await docker.getVolume('berth-test-hello-feature').remove().catch(() => undefined);
    // The reference CLI's scratch image of Feature files (classic builder path).
    await docker.getImage('dev_container_feature_content_temp').remove({ force: true }).catch(() => undefined);
  });

  it('a local Feature with options, containerEnv, capAdd, a mount and a hook', async (t) => {
    if (!(await needDocker(t))) return;
    const snaps: Partial<Record<Tool, Awaited<ReturnType<typeof snapshot>>>> = {};
    for (const tool of ['reference', 'berth'] as const) {
      const root = await mkdtemp(join(tmpdir(), `berth-fdiff-${tool}-`));
      roots.push(root);
      const folder = await makeWorkspace(root);
      try {
        snaps[tool] = await snapshot(tool, folder);
      } finally {
        await removeWorkspaceResources(folder);
      }
    }
    assert.match(snaps.berth?.exec ?? '', /^hi from hello$/m, 'the Feature ran');
    assert.deepEqual(snaps.berth, snaps.reference);
  });
});
