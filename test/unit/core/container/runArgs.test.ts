import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import type { ContainerCreateSpec } from '../../../../src/core/engine/types';
import { applyRunArgs, emptySpec, runArgsUser, SUPPORTED_RUN_ARGS } from '../../../../src/core/container/runArgs';

const hostEnv = { FROM_HOST: 'host-value' };
const run = (args: string[], base: ContainerCreateSpec = emptySpec('img')) => applyRunArgs(base, args, { hostEnv });

/** Each row: the flag in every spelling docker accepts, and the part of the spec it must produce. */
const table: { forms: string[][]; expect: Partial<ContainerCreateSpec> }[] = [
  { forms: [['--network', 'host'], ['--network=host'], ['--net', 'host'], ['--net=host']], expect: { networkMode: 'host' } },
  { forms: [['--cap-add', 'SYS_PTRACE'], ['--cap-add=SYS_PTRACE']], expect: { capAdd: ['SYS_PTRACE'] } },
  { forms: [['--cap-drop', 'NET_RAW'], ['--cap-drop=NET_RAW']], expect: { extraHostConfig: { CapDrop: ['NET_RAW'] } } },
  { forms: [['--security-opt', 'seccomp=unconfined'], ['--security-opt=seccomp=unconfined']], expect: { securityOpt: ['seccomp=unconfined'] } },
  { forms: [['-e', 'A=1'], ['--env', 'A=1'], ['--env=A=1'], ['-eA=1'], ['-e=A=1']], expect: { env: { A: '1' } } },
  { forms: [['-e', 'FROM_HOST'], ['--env=FROM_HOST']], expect: { env: { FROM_HOST: 'host-value' } } },
  { forms: [['-e', 'NOT_ON_HOST']], expect: { env: {} } },
  { forms: [['-v', '/h:/c:ro'], ['--volume', '/h:/c:ro'], ['--volume=/h:/c:ro'], ['-v/h:/c:ro']], expect: { mounts: [{ type: 'bind', source: '/h', target: '/c', readOnly: true }] } },
  { forms: [['-v', 'cache:/root/.cache']], expect: { mounts: [{ type: 'volume', source: 'cache', target: '/root/.cache' }] } },
  { forms: [['-v', '/anon']], expect: { mounts: [{ type: 'volume', target: '/anon' }] } },
  { forms: [['-v', 'v:/d:nocopy,rw']], expect: { mounts: [{ type: 'volume', source: 'v', target: '/d', readOnly: false, volumeNoCopy: true }] } },
  { forms: [['--mount', 'type=bind,src=/a,dst=/b,readonly'], ['--mount=type=bind,source=/a,target=/b,ro=true']], expect: { mounts: [{ type: 'bind', source: '/a', target: '/b', readOnly: true }] } },
  { forms: [['--tmpfs', '/run:size=64m,mode=1777']], expect: { mounts: [{ type: 'tmpfs', target: '/run', tmpfsSizeBytes: 64 * 1024 * 1024, tmpfsMode: 0o1777 }] } },
  { forms: [['-p', '8080:80'], ['--publish', '8080:80'], ['--publish=8080:80'], ['-p8080:80']], expect: { ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }] } },
  { forms: [['-p', '0.0.0.0:53:53/udp']], expect: { ports: [{ containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0', hostPort: 53 }] } },
  { forms: [['-p', '9000']], expect: { ports: [{ containerPort: 9000, protocol: 'tcp', hostIp: '127.0.0.1' }] } },
  { forms: [['-P'], ['--publish-all']], expect: { extraHostConfig: { PublishAllPorts: true } } },
  { forms: [['--add-host', 'db:10.0.0.2'], ['--add-host=db=10.0.0.2']], expect: { extraHosts: ['db:10.0.0.2'] } },
  { forms: [['--add-host', 'host.docker.internal:host-gateway']], expect: { extraHosts: ['host.docker.internal:host-gateway'] } },
  { forms: [['--shm-size', '2g'], ['--shm-size=2g'], ['--shm-size=2048m']], expect: { shmSizeBytes: 2 * 1024 ** 3 } },
  { forms: [['--shm-size', '512k']], expect: { shmSizeBytes: 512 * 1024 } },
  { forms: [['--shm-size', '1000b'], ['--shm-size', '1000']], expect: { shmSizeBytes: 1000 } },
  { forms: [['--device', '/dev/fuse'], ['--device=/dev/fuse']], expect: { devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'rwm' }] } },
  { forms: [['--device', '/dev/sda:/dev/xvda:r']], expect: { devices: [{ pathOnHost: '/dev/sda', pathInContainer: '/dev/xvda', cgroupPermissions: 'r' }] } },
  { forms: [['--device', '/dev/kvm:rw']], expect: { devices: [{ pathOnHost: '/dev/kvm', pathInContainer: '/dev/kvm', cgroupPermissions: 'rw' }] } },
  { forms: [['--gpus', 'all'], ['--gpus=all'], ['--gpus', 'count=all']], expect: { gpus: { count: -1, capabilities: [['gpu']] } } },
  { forms: [['--gpus', '2'], ['--gpus=count=2']], expect: { gpus: { count: 2, capabilities: [['gpu']] } } },
  { forms: [['--ulimit', 'nofile=1024:2048'], ['--ulimit=nofile=1024:2048']], expect: { ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }] } },
  { forms: [['--ulimit', 'core=-1']], expect: { ulimits: [{ name: 'core', soft: -1, hard: -1 }] } },
  { forms: [['--hostname', 'dev'], ['--hostname=dev'], ['-h', 'dev'], ['-hdev']], expect: { hostname: 'dev' } },
  { forms: [['--name', 'my-dev'], ['--name=my-dev']], expect: { name: 'my-dev' } },
  { forms: [['--label', 'a=b'], ['--label=a=b'], ['-l', 'a=b'], ['-la=b']], expect: { labels: { a: 'b' } } },
  { forms: [['-l', 'flag']], expect: { labels: { flag: '' } } },
  { forms: [['--user', 'dev'], ['--user=dev'], ['-u', 'dev'], ['-udev']], expect: { user: 'dev' } },
  { forms: [['--init'], ['--init=true']], expect: { init: true } },
  { forms: [['--init=false']], expect: { init: false } },
  { forms: [['--privileged'], ['--privileged=1']], expect: { privileged: true } },
  { forms: [['--memory', '4g'], ['--memory=4g'], ['-m', '4g'], ['-m4g']], expect: { extraHostConfig: { Memory: 4 * 1024 ** 3 } } },
  { forms: [['--memory-swap', '-1']], expect: { extraHostConfig: { MemorySwap: -1 } } },
  { forms: [['--cpus', '1.5'], ['--cpus=1.5']], expect: { extraHostConfig: { NanoCpus: 1_500_000_000 } } },
  { forms: [['--ipc', 'host'], ['--ipc=host']], expect: { extraHostConfig: { IpcMode: 'host' } } },
  { forms: [['--pid', 'host'], ['--pid=host']], expect: { extraHostConfig: { PidMode: 'host' } } },
  { forms: [['--userns', 'keep-id'], ['--userns=keep-id']], expect: { extraHostConfig: { UsernsMode: 'keep-id' } } },
  { forms: [['--runtime', 'nvidia']], expect: { extraHostConfig: { Runtime: 'nvidia' } } },
  { forms: [['--group-add', 'video']], expect: { extraHostConfig: { GroupAdd: ['video'] } } },
  { forms: [['--dns', '1.1.1.1']], expect: { extraHostConfig: { Dns: ['1.1.1.1'] } } },
  { forms: [['--sysctl', 'net.ipv4.ip_forward=1']], expect: { extraHostConfig: { Sysctls: { 'net.ipv4.ip_forward': '1' } } } },
  { forms: [['--device-cgroup-rule', 'c 1:3 mr']], expect: { extraHostConfig: { DeviceCgroupRules: ['c 1:3 mr'] } } },
  { forms: [['--workdir', '/src'], ['--workdir=/src'], ['-w', '/src'], ['-w/src']], expect: { workingDir: '/src' } },
  { forms: [['--entrypoint', '/bin/bash'], ['--entrypoint=/bin/bash']], expect: { entrypoint: ['/bin/bash'] } },
  { forms: [['--entrypoint', '']], expect: { entrypoint: [] } },
];

describe('applyRunArgs: every flag, every spelling', () => {
  for (const row of table) {
    for (const form of row.forms) {
      it(JSON.stringify(form), () => {
        const { spec, warnings } = run(form);
        assert.deepEqual(warnings, []);
        assert.deepEqual(spec, { ...emptySpec('img'), ...row.expect });
      });
    }
  }
});

describe('applyRunArgs: behaviour', () => {
  it('does not change its input spec', () => {
    const base = emptySpec('img');
    run(['-e', 'A=1', '--cap-add', 'X', '-v', '/a:/b'], base);
    assert.deepEqual(base, emptySpec('img'));
  });

  it('applies flags in order, later ones winning', () => {
    const { spec } = run(['-u', 'a', '--user=b', '-e', 'X=1', '-e', 'X=2', '--network', 'n1', '--net=n2']);
    assert.equal(spec.user, 'b');
    assert.deepEqual(spec.env, { X: '2' });
    assert.equal(spec.networkMode, 'n2');
  });

  it('overrides what the plan set before, as docker run flags do', () => {
    const base = { ...emptySpec('img'), user: 'planned', env: { A: 'old', B: 'keep' }, mounts: [{ type: 'volume' as const, source: 'x', target: '/t' }] };
    const { spec } = run(['-u', 'mine', '-e', 'A=new', '-v', '/host:/t'], base);
    assert.equal(spec.user, 'mine');
    assert.deepEqual(spec.env, { A: 'new', B: 'keep' });
    assert.deepEqual(spec.mounts, [{ type: 'bind', source: '/host', target: '/t' }]);
  });

  it('accepts combined short booleans and a value flag ending a cluster', () => {
    const { spec, warnings } = run(['-it', '-Pp', '3000:3000']);
    assert.equal(warnings.length, 2, 'one warning each for -i and -t');
    assert.deepEqual(spec.ports, [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 3000 }]);
    assert.deepEqual(spec.extraHostConfig, { PublishAllPorts: true });
  });

  it('ignores --rm with a located warning', () => {
    const locate = (path: string) => ({ file: '/w/.devcontainer/devcontainer.json', line: 7, column: 5, path });
    const { spec, warnings } = applyRunArgs(emptySpec('img'), ['--init', '--rm'], { hostEnv, locate });
    assert.equal(spec.init, true);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /'--rm' is ignored/);
    assert.equal(warnings[0].severity, 'warning');
    assert.equal(warnings[0].location?.path, 'runArgs[1]');
  });

  it('repeats accumulate without duplicates', () => {
    const { spec } = run(['--cap-add', 'A', '--cap-add=B', '--cap-add', 'A', '--add-host', 'x:1.2.3.4', '--add-host', 'y:5.6.7.8']);
    assert.deepEqual(spec.capAdd, ['A', 'B']);
    assert.deepEqual(spec.extraHosts, ['x:1.2.3.4', 'y:5.6.7.8']);
  });

  it('publishes port ranges one binding per port', () => {
    const { spec } = run(['-p', '127.0.0.1:8000-8001:9000-9001']);
    assert.deepEqual(spec.ports.map((p) => `${p.hostPort}->${p.containerPort}`), ['8000->9000', '8001->9001']);
  });

  it('runArgsUser finds the last -u', () => {
    assert.equal(runArgsUser(['--init', '-u', 'a', '--user=dev']), 'dev');
    assert.equal(runArgsUser(['--init']), undefined);
  });
});

describe('applyRunArgs: errors', () => {
  const locate = (path: string) => ({ file: '/w/.devcontainer/devcontainer.json', line: 12, column: 9, path });
  const fails = (args: string[], message: RegExp, path?: string) => {
    assert.throws(() => applyRunArgs(emptySpec('img'), args, { hostEnv, locate }), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, message);
      if (path) {
        assert.equal(e.location?.path, path);
        assert.equal(e.location?.line, 12);
      }
      return true;
    });
  };

  it('names an unsupported long flag, its place, and the supported ones', () => {
    fails(['--init', '--foo', 'x'], /runArgs: '--foo' is not supported by Berth; supported: .*--network/, 'runArgs[1]');
    fails(['--platform=linux/arm64'], /'--platform' is not supported/, 'runArgs[0]');
  });

  it('names an unsupported short flag', () => {
    fails(['-x'], /'-x' is not supported/);
    fails(['-itz'], /runArgs: '-z' \(in '-itz'\) is not supported/);
  });

  it('explains how to write a flag and value put in one entry', () => {
    assert.throws(() => run(['--network host']), (e: unknown) => e instanceof BerthError && /two entries/.test(e.hint ?? ''));
  });

  it('refuses --env-file with a hint', () => {
    assert.throws(() => run(['--env-file', '.env']), (e: unknown) => e instanceof BerthError && /not supported/.test(e.message) && /containerEnv/.test(e.hint ?? ''));
  });

  it('reports a missing value', () => {
    fails(['--init', '--network'], /'--network' needs a value/, 'runArgs[1]');
    fails(['-e'], /'-e' needs a value/, 'runArgs[0]');
  });

  it('reports a positional argument', () => {
    fails(['--init', 'ubuntu'], /'ubuntu' is not a flag/, 'runArgs[1]');
  });

  it('reports bad values', () => {
    fails(['--shm-size', 'lots'], /not a size/);
    fails(['--cpus', '-1'], /not a positive number/);
    fails(['--ulimit', 'nofile'], /name=soft\[:hard\]/);
    fails(['--ulimit', 'nofile=10:5'], /soft limit is above/);
    fails(['--device', '/dev/a:/dev/b:xyz'], /permissions/);
    fails(['-v', './rel:/c'], /neither an absolute host path nor a volume name/);
    fails(['-v', '/h:rel'], /must be absolute/);
    fails(['-v', '/h:/c:bogus'], /unknown volume option 'bogus'/);
    fails(['--gpus', 'device=0'], /'device' is not supported/);
    fails(['--init=maybe'], /takes true or false/);
    fails(['-p', '80:90:100:110'], /too many ':'/);
    fails(['--mount', 'type=npipe,target=/x'], /unknown mount type 'npipe'/);
    fails(['--add-host', 'nohost'], /host:ip/);
  });

  it('lists every supported flag', () => {
    for (const f of ['--network/--net', '-e/--env', '-v/--volume', '-p/--publish', '--gpus', '--rm', '-u/--user', '--entrypoint']) {
      assert.ok(SUPPORTED_RUN_ARGS.includes(f), f);
    }
  });
});
