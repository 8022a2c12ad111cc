import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../../../src/core/errors';
import { BerthError } from '../../../../src/core/errors';
import type { ContainerCreateSpec } from '../../../../src/core/engine/types';
import { checkHostRequirements } from '../../../../src/core/container/hostRequirements';
import { keepAliveScript } from '../../../../src/core/container/keepAlive';
import { normalizeCapabilities, planContainer, type PlanContainerOptions } from '../../../../src/core/container/plan';
import { toCreateBody } from '../../../../src/core/engine/createBody';
import { imageConfig } from './configFixture';

const idLabels = { 'devcontainer.local_folder': '/home/u/proj', 'devcontainer.config_file': '/home/u/proj/.devcontainer/devcontainer.json' };
const baseOptions: PlanContainerOptions = { image: 'vsc-proj-abc', idLabels, metadataLabel: '[{"remoteUser":"dev"}]', hostEnv: { TOKEN: 't0k' }, platform: 'linux' };

describe('planContainer', () => {
  it('plans a rich image config exactly', () => {
    const warnings: Diagnostic[] = [];
    const config = imageConfig({
      mounts: [
        'type=volume,source=proj-node_modules,target=/workspaces/proj/node_modules',
        { type: 'bind', source: '/home/u/.ssh', target: '/home/dev/.ssh', readonly: true },
        'type=volume,source=later,target=/workspaces/proj/node_modules',
      ],
      appPort: [3000, '8080:80'],
      forwardPorts: [3000, 5432, 'db:5432'],
      containerEnv: { NODE_ENV: 'development', A: '1' },
      containerUser: 'dev',
      init: true,
      privileged: false,
      capAdd: ['SYS_PTRACE', 'SYS_PTRACE'],
      securityOpt: ['seccomp=unconfined'],
      hostRequirements: { gpu: 'optional' },
      runArgs: ['--network=host', '-e', 'A=2', '-e', 'TOKEN', '--cap-add', 'NET_ADMIN', '--shm-size', '1g', '--rm', '--label', 'team=x'],
    });
    const spec = planContainer(config, {
      ...baseOptions,
      extraLabels: { 'dev.berth.build-hash': 'h1' },
      entrypoints: ['/usr/local/share/start-daemon.sh'],
      hostHasGpu: true,
      onWarning: (w) => warnings.push(w),
    });
    const expected: ContainerCreateSpec = {
      image: 'vsc-proj-abc',
      entrypoint: ['/bin/sh'],
      cmd: ['-c', keepAliveScript(['/usr/local/share/start-daemon.sh']), '-'],
      user: 'dev',
      env: { NODE_ENV: 'development', A: '2', TOKEN: 't0k' },
      labels: {
        ...idLabels,
        'devcontainer.metadata': '[{"remoteUser":"dev"}]',
        'dev.berth.managed': 'true',
        'dev.berth.build-hash': 'h1',
        team: 'x',
      },
      mounts: [
        { type: 'bind', source: '/home/u/proj', target: '/workspaces/proj' },
        { type: 'bind', source: '/home/u/.ssh', target: '/home/dev/.ssh', readOnly: true },
        { type: 'volume', source: 'later', target: '/workspaces/proj/node_modules' },
      ],
      ports: [
        { containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 3000 },
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 },
        { containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5432 },
      ],
      init: true,
      capAdd: ['CAP_SYS_PTRACE', 'CAP_NET_ADMIN'],
      securityOpt: ['seccomp=unconfined'],
      networkMode: 'host',
      extraHosts: [],
      shmSizeBytes: 1024 ** 3,
      devices: [],
      gpus: { count: -1, capabilities: [['gpu']] },
      ulimits: [],
    };
    assert.deepEqual(spec, expected);
    assert.deepEqual(warnings.map((w) => w.message.replace(/:.*/, '')), ['forwardPorts', 'runArgs']);
  });

  it('a minimal config: workspace mount, labels, keep-alive, nothing else', () => {
    const spec = planContainer(imageConfig(), baseOptions);
    assert.deepEqual(spec, {
      image: 'vsc-proj-abc',
      entrypoint: ['/bin/sh'],
      cmd: ['-c', keepAliveScript(), '-'],
      env: {},
      labels: { ...idLabels, 'devcontainer.metadata': '[{"remoteUser":"dev"}]', 'dev.berth.managed': 'true' },
      mounts: [{ type: 'bind', source: '/home/u/proj', target: '/workspaces/proj' }],
      ports: [],
      capAdd: [],
      securityOpt: [],
      extraHosts: [],
      devices: [],
      ulimits: [],
    });
  });

  it('no workspace mount when workspaceMount is unset', () => {
    assert.deepEqual(planContainer(imageConfig({ workspaceMount: undefined }), baseOptions).mounts, []);
  });

  it('overrideCommand false hands over to the image entrypoint and cmd', () => {
    const spec = planContainer(imageConfig({ overrideCommand: false }), { ...baseOptions, imageEntrypoint: ['/docker-entrypoint.sh'], imageCmd: ['nginx', '-g', 'daemon off;'] });
    assert.deepEqual(spec.entrypoint, ['/bin/sh']);
    assert.deepEqual(spec.cmd, ['-c', keepAliveScript(), '-', '/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
  });

  it('overrideCommand false with no entrypoints leaves the image command alone', () => {
    const spec = planContainer(imageConfig({ overrideCommand: false }), baseOptions);
    assert.equal(spec.entrypoint, undefined);
    assert.equal(spec.cmd, undefined);
  });

  it('runArgs win over the plan', () => {
    const spec = planContainer(imageConfig({ containerUser: 'dev', runArgs: ['-u', 'root', '--privileged', '-l', 'dev.berth.managed=nope'] }), baseOptions);
    assert.equal(spec.user, 'root');
    assert.equal(spec.privileged, true);
    assert.equal(spec.labels['dev.berth.managed'], 'nope');
  });

  it('no GPU request without a GPU on the host', () => {
    assert.equal(planContainer(imageConfig({ hostRequirements: { gpu: true } }), { ...baseOptions, hostHasGpu: false }).gpus, undefined);
  });

  it('a bad mount names where it is', () => {
    const locate = (path: string) => ({ file: '/home/u/proj/.devcontainer/devcontainer.json', line: 9, column: 5, path });
    assert.throws(() => planContainer(imageConfig({ mounts: ['type=bind,source=/a'] }), { ...baseOptions, locate }),
      (e: unknown) => e instanceof BerthError && e.location?.path === 'mounts[0]' && e.location.line === 9);
    assert.throws(() => planContainer(imageConfig({ workspaceMount: 'type=bind,source=/a' }), { ...baseOptions, locate }),
      (e: unknown) => e instanceof BerthError && e.location?.path === 'workspaceMount');
  });
});

describe('keepAliveScript', () => {
  it('announces itself, traps TERM/INT, runs entrypoints, execs args, else idles', () => {
    const script = keepAliveScript(['start-a', '', 'start-b']);
    const lines = script.split('\n');
    assert.equal(lines[0], "echo 'Container started'");
    assert.equal(lines[1], "trap 'exit 0' TERM INT");
    assert.deepEqual(lines.slice(2, 4), ['start-a', 'start-b']);
    assert.match(script, /exec "\$@"/);
    assert.match(script, /sleep infinity .*& wait/);
    assert.match(script, /while :; do sleep 1 & wait \$!; done/);
  });
});

describe('checkHostRequirements', () => {
  const host = { cpus: 2, memoryBytes: 4 * 1024 ** 3, storageBytes: 10 * 1024 ** 3, gpu: false };
  it('is quiet when the host is big enough', () => {
    assert.deepEqual(checkHostRequirements({ cpus: 2, memory: '4gb', storage: '8gb', gpu: 'optional' }, host), []);
    assert.deepEqual(checkHostRequirements(undefined, host), []);
  });
  it('warns per unmet requirement', () => {
    const w = checkHostRequirements({ cpus: 8, memory: '16gb', storage: '1tb', gpu: true }, host);
    assert.equal(w.length, 4);
    assert.match(w[0], /8 CPUs; the host has 2/);
    assert.match(w[1], /16 GiB; the host has 4 GiB/);
    assert.match(w[2], /1 TiB/);
    assert.match(w[3], /GPU/);
  });
  it('flags an unreadable size and skips unknown storage', () => {
    assert.deepEqual(checkHostRequirements({ memory: 'lots' }, host), ["hostRequirements.memory: 'lots' is not a size (e.g. 8gb)"]);
    assert.deepEqual(checkHostRequirements({ storage: '1tb' }, { cpus: 1, memoryBytes: 1 }), []);
  });
});

describe('planContainer on Podman', () => {
  const podman = { ...baseOptions, engine: { isPodman: true, rootless: true }, imageUser: '' };

  it('rootless Podman on Linux with a non-root remoteUser: label=disable first, then the spec\'s, and UsernsMode keep-id', () => {
    const spec = planContainer(imageConfig({ remoteUser: 'dev', securityOpt: ['seccomp=unconfined'] }), podman);
    assert.deepEqual(spec.securityOpt, ['label=disable', 'seccomp=unconfined']);
    assert.deepEqual(spec.extraHostConfig, { UsernsMode: 'keep-id' });
    assert.equal(toCreateBody(spec).HostConfig.UsernsMode, 'keep-id');
  });

  it('the image user counts when there is no remoteUser; containerUser does not (as in the reference)', () => {
    assert.equal(planContainer(imageConfig({ containerUser: 'dev' }), podman).extraHostConfig, undefined);
    assert.deepEqual(planContainer(imageConfig({ containerUser: 'dev' }), { ...podman, imageUser: 'node' }).extraHostConfig, { UsernsMode: 'keep-id' });
  });

  it('runArgs still decide: --userns replaces keep-id, a repeated label=disable stays one entry', () => {
    const spec = planContainer(imageConfig({ remoteUser: 'dev', runArgs: ['--userns=host', '--security-opt', 'label=disable'] }), podman);
    assert.deepEqual(spec.extraHostConfig, { UsernsMode: 'host' });
    assert.deepEqual(spec.securityOpt, ['label=disable']);
  });

  it('rootful Podman: label=disable only; Docker and other hosts: neither option', () => {
    const config = imageConfig({ remoteUser: 'dev' });
    const rootful = planContainer(config, { ...podman, engine: { isPodman: true, rootless: false } });
    assert.deepEqual([rootful.securityOpt, rootful.extraHostConfig], [['label=disable'], undefined]);
    for (const options of [{ ...podman, engine: { isPodman: false, rootless: true } }, { ...podman, platform: 'darwin' }, baseOptions]) {
      const spec = planContainer(config, options);
      assert.deepEqual([spec.securityOpt, spec.extraHostConfig], [[], undefined]);
    }
  });
});

describe('normalizeCapabilities', () => {
  it('spells capabilities as the Docker CLI sends them, once each', () => {
    assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_NET_ADMIN', 'SYS_PTRACE', 'all']), ['CAP_NET_ADMIN', 'CAP_SYS_PTRACE', 'ALL']);
  });
});
