/**
 * The containers the production commands create, as plain ContainerCreateSpecs: the production
 * container itself and the short-lived probe that reads an image's facts.
 */
import type { ContainerCreateSpec } from '../engine/types';
import { LABEL_BERTH_MANAGED } from '../labels';
import { imageFactsScript } from './imageFacts';
import { LABEL_BERTH_PRODUCTION, LABEL_BERTH_PRODUCTION_FOLDER, LABEL_BERTH_PROBE } from './labels';
import type { ProductionSettings } from './settings';

function emptySpec(image: string, labels: Record<string, string>): ContainerCreateSpec {
  return { image, env: {}, labels, mounts: [], ports: [], capAdd: [], securityOpt: [], extraHosts: [], devices: [], ulimits: [] };
}

/** The production container: the image's own entrypoint, the section's command, env and ports. */
export function planProductionContainer(
  settings: ProductionSettings,
  image: string,
  owner: { devcontainerId: string; workspaceFolder: string },
): ContainerCreateSpec {
  const spec = emptySpec(image, {
    [LABEL_BERTH_MANAGED]: 'true',
    [LABEL_BERTH_PRODUCTION]: owner.devcontainerId,
    [LABEL_BERTH_PRODUCTION_FOLDER]: owner.workspaceFolder,
  });
  spec.env = { ...settings.env };
  spec.ports = settings.ports.map((p) => ({ ...p }));
  if (settings.command) spec.cmd = [...settings.command];
  return spec;
}

/** A container that prints the image's facts and exits; no network, nothing mounted. */
export function planFactsProbe(image: string, workspaceFolder: string): ContainerCreateSpec {
  const spec = emptySpec(image, { [LABEL_BERTH_MANAGED]: 'true', [LABEL_BERTH_PROBE]: 'facts', [LABEL_BERTH_PRODUCTION_FOLDER]: workspaceFolder });
  spec.entrypoint = ['/bin/sh', '-c', imageFactsScript()];
  spec.cmd = [];
  // Runtimes print versions without privileges; root sidesteps images whose user cannot run a shell.
  spec.user = '0';
  spec.networkMode = 'none';
  return spec;
}
