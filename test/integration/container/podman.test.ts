/**
 * Podman's create options (src/core/container/podman.ts) on the real engine: `up` on Podman on Linux
 * gives the container SecurityOpt label=disable, and UsernsMode keep-id for a non-root remote user
 * when the engine is rootless; on Docker the container gets neither. Runs in `npm test` (Docker) and
 * in `npm run test:podman`; which engine answers is read from the engine itself, not from Berth.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import Docker from 'dockerode';
import { createBerthService, type UseCaseContext } from '../../../src/core/usecases';
import { dockerProblem, needDocker } from '../../support/docker';

const docker = new Docker();

/** What the engine says it is: Podman lists a "Podman Engine" component; rootless is Podman's `Rootless` or name=rootless. */
async function engineKind(): Promise<{ podman: boolean; rootless: boolean }> {
  const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<{ SecurityOptions?: string[] | null; Rootless?: boolean }>]);
  return {
    podman: (version.Components ?? []).some((c) => /podman/i.test(c.Name)),
    rootless: info.Rootless === true || (info.SecurityOptions ?? []).some((o) => o.split(',').includes('name=rootless')),
  };
}

describe('Podman create options (real engine)', () => {
  const roots: string[] = [];
  const folders: string[] = [];
  // Only this file's containers go (by their folder label); the specs build nothing as root, and
  // elsewhere only the shared `<image>-uid` layer, which other tests use too.
  after(async () => {
    if (!(await dockerProblem())) {
      for (const f of folders) {
        for (const c of await docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${f}`] } })) {
          await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
        }
      }
    }
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  async function workspace(spec: object): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'berth-podman-'));
    roots.push(root);
    const folder = join(root, basename(root));
    await mkdir(join(folder, '.devcontainer'), { recursive: true });
    await writeFile(join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify(spec));
    folders.push(folder);
    return folder;
  }

  async function upAndInspect(spec: object) {
    const folder = await workspace(spec);
    const stateDir = await mkdtemp(join(tmpdir(), 'berth-state-'));
    roots.push(stateDir);
    const service = createBerthService({ env: process.env, platform: process.platform, stateDir });
    const ctx: UseCaseContext = { events: () => undefined, env: { ...process.env } };
    const result = await service.up({ workspaceFolder: folder }, ctx);
    // Who owns a workspace file inside: keep-id is what makes it this test's own UID under a rootless
    // engine (there the engine's user is root inside otherwise). Podman 4.3 reports a keep-id container's
    // UsernsMode as "private", so the owner is what shows keep-id.
    const file = `${result.remoteWorkspaceFolder}/.devcontainer/devcontainer.json`;
    let out = '';
    const r = await service.exec({ workspaceFolder: folder }, { cmd: ['sh', '-c', `id -u; stat -c %u ${file}`], onStdout: (c) => (out += c.toString()) }, ctx);
    assert.equal(r.exitCode, 0, out);
    const [uid, owner] = out.trim().split('\n');
    return { info: await docker.getContainer(result.containerId).inspect(), uid, owner };
  }

  const me = String(process.getuid?.() ?? 0);

  it('a non-root remoteUser: label=disable on Podman (keep-id too when rootless); neither on Docker', async (t) => {
    if (!(await needDocker(t))) return;
    const kind = await engineKind();
    const { info, uid, owner } = await upAndInspect({ image: 'berth-test/busybox:latest', remoteUser: 'nobody' });
    const securityOpt = info.HostConfig.SecurityOpt ?? [];
    const usernsMode = info.HostConfig.UsernsMode ?? '';
    if (kind.podman && process.platform === 'linux') {
      assert.ok(securityOpt.includes('label=disable'), `SecurityOpt: ${JSON.stringify(securityOpt)}`);
      // Rootful Podman refuses keep-id ("only supported in rootless mode"), so Berth does not ask for it there.
      if (!kind.rootless) assert.equal(usernsMode, '');
    } else {
      assert.ok(!securityOpt.includes('label=disable'), `SecurityOpt: ${JSON.stringify(securityOpt)}`);
      assert.doesNotMatch(usernsMode, /keep-id/);
    }
    // Rootless: keep-id does this (run the test as the engine's user). Rootful and Docker: no user namespace.
    assert.equal(owner, me, 'workspace files keep their owner inside');
    // The remote user runs commands (updateRemoteUserUID gives it a non-root host user's UID).
    assert.equal(uid, me === '0' ? '65534' : me);
  });

  it('a root remote user never gets keep-id; Podman still gets label=disable', async (t) => {
    if (!(await needDocker(t))) return;
    const kind = await engineKind();
    const { info, uid, owner } = await upAndInspect({ image: 'berth-test/busybox:latest', securityOpt: ['seccomp=unconfined'] });
    const securityOpt = info.HostConfig.SecurityOpt ?? [];
    assert.equal(info.HostConfig.UsernsMode ?? '', '');
    // Without keep-id a rootless engine's user is root inside.
    assert.equal(owner, kind.rootless ? '0' : me);
    assert.equal(securityOpt.includes('label=disable'), kind.podman && process.platform === 'linux', JSON.stringify(securityOpt));
    assert.ok(securityOpt.includes('seccomp=unconfined'), JSON.stringify(securityOpt));
    assert.equal(uid, '0');
  });
});
