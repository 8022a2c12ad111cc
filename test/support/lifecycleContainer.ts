/**
 * Throwaway containers for the lifecycle integration tests, made with dockerode directly (not through
 * the code under test) and labelled `dev.berth.test=lifecycle` so cleanup never touches others.
 */
import Docker from 'dockerode';
import { Writable } from 'node:stream';

export const LIFECYCLE_LABEL = { 'dev.berth.test': 'lifecycle' };

export interface TestContainer {
  id: string;
  createdAt: string;
  startedAt: string;
}

export const docker = new Docker();

/** Creates and starts `sleep infinity` (with `--init`, so stop is quick) in `image`. */
export async function startTestContainer(image = 'debian:bookworm-slim'): Promise<TestContainer> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sleep', 'infinity'],
    Labels: LIFECYCLE_LABEL,
    HostConfig: { Init: true },
  });
  await container.start();
  return { id: container.id, ...(await timestamps(container.id)) };
}

/** `Created` and `State.StartedAt`, the values the markers hold. */
export async function timestamps(id: string): Promise<{ createdAt: string; startedAt: string }> {
  const info = await docker.getContainer(id).inspect();
  return { createdAt: info.Created, startedAt: info.State.StartedAt };
}

/** Removes every container this suite made. */
export async function removeTestContainers(): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: ['dev.berth.test=lifecycle'] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
}

/** Runs a shell script as root in the container and returns its stdout (rejects on a non-zero exit). */
export async function sh(id: string, script: string, user = 'root'): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: ['/bin/sh', '-c', script], User: user, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) => new Writable({ write: (c: Buffer, _e, cb) => (into.push(c), cb()) });
  docker.modem.demuxStream(stream, sink(out), sink(err));
  await new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  let info = await exec.inspect();
  for (let i = 0; i < 50 && info.Running; i++) {
    await new Promise((r) => setTimeout(r, 10));
    info = await exec.inspect();
  }
  if (info.ExitCode !== 0) throw new Error(`${script} exited ${info.ExitCode}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString();
}
