/** `hostRequirements`: warnings when the host is smaller than the dev container asks for. */
import type { HostRequirements } from '../config/types';
import { formatBytes, parseBytes } from './bytes';

/** What the host has; the caller measures it (os.cpus(), os.totalmem(), the engine's info). */
export interface HostResources {
  cpus: number;
  memoryBytes: number;
  /** Free space where images live, when known. */
  storageBytes?: number;
  /** Whether the engine can give containers a GPU (an nvidia runtime). */
  gpu?: boolean;
}

/** Whether the config wants a GPU at all (`true`, `"optional"` or an object). */
export function wantsGpu(req: HostRequirements | undefined): boolean {
  return req?.gpu !== undefined && req.gpu !== false;
}

/** One warning per requirement the host does not meet; empty when it meets all of them. */
export function checkHostRequirements(req: HostRequirements | undefined, host: HostResources): string[] {
  if (!req) return [];
  const warnings: string[] = [];
  if (req.cpus !== undefined && req.cpus > host.cpus) {
    warnings.push(`hostRequirements.cpus: the dev container asks for ${req.cpus} CPUs; the host has ${host.cpus}`);
  }
  const sized = (key: 'memory' | 'storage', have: number | undefined) => {
    const text = req[key];
    if (text === undefined) return;
    const want = parseBytes(text);
    if (want === undefined) warnings.push(`hostRequirements.${key}: '${text}' is not a size (e.g. 8gb)`);
    else if (have !== undefined && want > have) {
      warnings.push(`hostRequirements.${key}: the dev container asks for ${formatBytes(want)}; the host has ${formatBytes(have)}`);
    }
  };
  sized('memory', host.memoryBytes);
  sized('storage', host.storageBytes);
  if (wantsGpu(req) && req.gpu !== 'optional' && !host.gpu) {
    warnings.push('hostRequirements.gpu: the dev container asks for a GPU; the engine has none (no nvidia runtime), so it runs without');
  }
  return warnings;
}
