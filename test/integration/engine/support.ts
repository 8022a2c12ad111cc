/** Shared bits of the engine integration tests: one engine, a label, cleanup by label. */
import { randomBytes } from 'node:crypto';
import { DockerEngine } from '../../../src/core/engine/engine';
import type { ContainerCreateSpec } from '../../../src/core/engine/types';

export const TEST_LABEL = 'dev.berth.test';
export const TEST_VALUE = 'engine';
export const BUSYBOX = 'berth-test/busybox:latest';

export function makeEngine(): DockerEngine {
  return new DockerEngine({ connect: { env: process.env } });
}

export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A create spec with every list empty, labelled for cleanup. */
export function spec(overrides: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
  return {
    image: BUSYBOX,
    cmd: ['sleep', '300'],
    env: {},
    labels: { [TEST_LABEL]: TEST_VALUE },
    mounts: [],
    ports: [],
    capAdd: [],
    securityOpt: [],
    extraHosts: [],
    devices: [],
    ulimits: [],
    ...overrides,
  };
}

/** Removes every container and volume this suite labelled. */
export async function cleanup(engine: DockerEngine): Promise<void> {
  for (const c of await engine.findContainers({ [TEST_LABEL]: TEST_VALUE }, { all: true })) {
    await engine.removeContainer(c.id, { force: true, removeVolumes: true });
  }
  for (const v of await engine.listVolumes({ [TEST_LABEL]: TEST_VALUE })) await engine.removeVolume(v.name, { force: true });
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
