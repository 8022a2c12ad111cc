/**
 * ContainerCreateSpec → the JSON body of the Engine API's `POST /containers/create`. Pure, so every
 * field's translation is unit-tested without an engine.
 */
import type { ContainerCreateSpec, EngineMount } from './types';

/** The subset of the Engine API's create body Berth sets. Field names are the API's. */
export interface CreateContainerBody {
  Image: string;
  Entrypoint?: string[];
  Cmd?: string[];
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig: Record<string, unknown>;
}

function mountToApi(m: EngineMount): Record<string, unknown> {
  const out: Record<string, unknown> = { Type: m.type, Target: m.target };
  if (m.source !== undefined) out.Source = m.source;
  if (m.readOnly) out.ReadOnly = true;
  if (m.type === 'bind' && m.bindPropagation) out.BindOptions = { Propagation: m.bindPropagation };
  if (m.type === 'volume' && m.volumeNoCopy) out.VolumeOptions = { NoCopy: true };
  if (m.type === 'tmpfs' && (m.tmpfsSizeBytes !== undefined || m.tmpfsMode !== undefined)) {
    const opts: Record<string, number> = {};
    if (m.tmpfsSizeBytes !== undefined) opts.SizeBytes = m.tmpfsSizeBytes;
    if (m.tmpfsMode !== undefined) opts.Mode = m.tmpfsMode;
    out.TmpfsOptions = opts;
  }
  return out;
}

/** Builds the create body. The container name is not part of it: it goes in the query string. */
export function toCreateBody(spec: ContainerCreateSpec): CreateContainerBody {
  const host: Record<string, unknown> = {};
  if (spec.mounts.length > 0) host.Mounts = spec.mounts.map(mountToApi);

  let exposed: Record<string, Record<string, never>> | undefined;
  if (spec.ports.length > 0) {
    exposed = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      exposed[key] = {};
      // An empty HostPort asks the engine to choose a free port.
      (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort === undefined ? '' : String(p.hostPort) });
    }
    host.PortBindings = bindings;
  }
  if (spec.init !== undefined) host.Init = spec.init;
  if (spec.privileged) host.Privileged = true;
  if (spec.capAdd.length > 0) host.CapAdd = [...spec.capAdd];
  if (spec.securityOpt.length > 0) host.SecurityOpt = [...spec.securityOpt];
  if (spec.networkMode) host.NetworkMode = spec.networkMode;
  if (spec.extraHosts.length > 0) host.ExtraHosts = [...spec.extraHosts];
  if (spec.shmSizeBytes !== undefined) host.ShmSize = spec.shmSizeBytes;
  if (spec.devices.length > 0) {
    host.Devices = spec.devices.map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.cgroupPermissions }));
  }
  if (spec.gpus) {
    host.DeviceRequests = [{ Driver: '', Count: spec.gpus.count, DeviceIDs: null, Capabilities: spec.gpus.capabilities, Options: {} }];
  }
  if (spec.ulimits.length > 0) host.Ulimits = spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  if (spec.extraHostConfig) Object.assign(host, spec.extraHostConfig);

  const body: CreateContainerBody = {
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.labels },
    HostConfig: host,
  };
  if (spec.entrypoint) body.Entrypoint = [...spec.entrypoint];
  if (spec.cmd) body.Cmd = [...spec.cmd];
  if (spec.user) body.User = spec.user;
  if (spec.workingDir) body.WorkingDir = spec.workingDir;
  if (spec.hostname) body.Hostname = spec.hostname;
  if (exposed) body.ExposedPorts = exposed;
  return body;
}
