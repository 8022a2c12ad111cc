import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCreateBody } from '../../../../src/core/engine/createBody';
import type { ContainerCreateSpec } from '../../../../src/core/engine/types';

const minimal: ContainerCreateSpec = {
  image: 'img:1',
  env: {},
  labels: {},
  mounts: [],
  ports: [],
  capAdd: [],
  securityOpt: [],
  extraHosts: [],
  devices: [],
  ulimits: [],
};

describe('toCreateBody', () => {
  it('a minimal spec sets only the image, empty env and labels', () => {
    assert.deepEqual(toCreateBody(minimal), { Image: 'img:1', Env: [], Labels: {}, HostConfig: {} });
  });

  it('translates every field of a full spec', () => {
    const body = toCreateBody({
      image: 'img:2',
      name: 'not-in-body',
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['sleep infinity'],
      user: 'vscode',
      workingDir: '/workspaces/x',
      hostname: 'dev',
      env: { A: '1', B: 'x=y' },
      labels: { 'devcontainer.local_folder': '/src/x' },
      mounts: [
        { type: 'bind', source: '/src/x', target: '/workspaces/x', bindPropagation: 'cached' },
        { type: 'volume', source: 'vol', target: '/data', readOnly: true, volumeNoCopy: true },
        { type: 'tmpfs', target: '/tmp/t', tmpfsSizeBytes: 1024, tmpfsMode: 0o1777 },
      ],
      ports: [
        { containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 3000 },
        { containerPort: 3000, protocol: 'tcp', hostIp: '::1' },
        { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 5353 },
      ],
      init: true,
      privileged: true,
      capAdd: ['SYS_PTRACE'],
      securityOpt: ['seccomp=unconfined'],
      networkMode: 'host',
      extraHosts: ['db:10.0.0.2'],
      shmSizeBytes: 268435456,
      devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'rwm' }],
      gpus: { count: -1, capabilities: [['gpu']] },
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      extraHostConfig: { Memory: 1073741824 },
    });
    assert.deepEqual(body, {
      Image: 'img:2',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['sleep infinity'],
      User: 'vscode',
      WorkingDir: '/workspaces/x',
      Hostname: 'dev',
      Env: ['A=1', 'B=x=y'],
      Labels: { 'devcontainer.local_folder': '/src/x' },
      ExposedPorts: { '3000/tcp': {}, '53/udp': {} },
      HostConfig: {
        Mounts: [
          { Type: 'bind', Source: '/src/x', Target: '/workspaces/x', BindOptions: { Propagation: 'cached' } },
          { Type: 'volume', Source: 'vol', Target: '/data', ReadOnly: true, VolumeOptions: { NoCopy: true } },
          { Type: 'tmpfs', Target: '/tmp/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } },
        ],
        PortBindings: {
          '3000/tcp': [
            { HostIp: '127.0.0.1', HostPort: '3000' },
            { HostIp: '::1', HostPort: '' },
          ],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
        },
        Init: true,
        Privileged: true,
        CapAdd: ['SYS_PTRACE'],
        SecurityOpt: ['seccomp=unconfined'],
        NetworkMode: 'host',
        ExtraHosts: ['db:10.0.0.2'],
        ShmSize: 268435456,
        Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
        DeviceRequests: [{ Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']], Options: {} }],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
        Memory: 1073741824,
      },
    });
  });

  it('init: false is sent (it overrides a daemon default), absent init is not', () => {
    assert.equal(toCreateBody({ ...minimal, init: false }).HostConfig.Init, false);
    assert.equal('Init' in toCreateBody(minimal).HostConfig, false);
  });

  it('does not share arrays with the spec', () => {
    const spec = { ...minimal, capAdd: ['NET_ADMIN'] };
    const body = toCreateBody(spec);
    (body.HostConfig.CapAdd as string[]).push('X');
    assert.deepEqual(spec.capAdd, ['NET_ADMIN']);
  });
});
