/**
 * The dev/prod parity report: its JSON shape (stable: `schemaVersion` changes when a field changes
 * meaning or goes away; new fields may be added) and its text table.
 */
import { formatBytes } from './format';
import type { LayerInfo } from './layers';
import { versionNumber } from './imageFacts';

/** One image's side of the report. */
export interface ParityImage {
  /** The tag Berth built or found. */
  image: string;
  imageId: string;
  /** Dockerfile stage; undefined: the last stage. */
  target?: string;
  /** Bytes, as the engine counts the image (all layers). */
  size: number;
  /** ISO time the image was made. */
  created: string;
  /** `PRETTY_NAME` of /etc/os-release. */
  os?: string;
  /** Runtime name → version output line, for runtimes found on the PATH. */
  runtimes: Record<string, string>;
  /** Every layer, bottom first. */
  layers: LayerInfo[];
  /** The layers above the shared ones, bottom first. */
  own: LayerInfo[];
  /** Bytes of `own`. */
  ownSize: number;
}

export interface RuntimeComparison {
  name: string;
  dev?: string;
  prod?: string;
  /** Both have it and the version numbers are equal. */
  same: boolean;
}

/** The running dev container against the production image. */
export interface ParityDrift {
  /** `dev-container-older`: rebuild the dev container; `prod-older`: rebuild the production image; `dev-image-older`: rebuild the dev image. */
  kind: 'dev-container-older' | 'dev-image-older' | 'prod-older';
  message: string;
  /** The command that fixes it. */
  fix: string;
  /** The Dockerfile steps that exist in two builds. */
  steps: string[];
}

export interface ParityReport {
  schemaVersion: 1;
  workspaceFolder: string;
  configFile: string;
  base: {
    /** The image the shared stages start FROM (e.g. `debian:bookworm-slim`); undefined when dev and prod start from different images. */
    image?: string;
    /** The nearest Dockerfile stage both targets build on. */
    stage?: string;
    devFrom?: string;
    prodFrom?: string;
  };
  dev: ParityImage;
  prod: ParityImage;
  shared: {
    /** The common bottom of both stacks (same digests, same order). */
    layers: LayerInfo[];
    size: number;
  };
  runtimes: RuntimeComparison[];
  /** The running dev container; undefined when none runs. */
  devContainer?: { containerId: string; imageId: string; sharedWithProd: number };
  drift: ParityDrift[];
  /** Runtime version differences and incomplete data, as sentences. */
  warnings: string[];
}

export function compareRuntimes(dev: Record<string, string>, prod: Record<string, string>): RuntimeComparison[] {
  const names = [...new Set([...Object.keys(dev), ...Object.keys(prod)])].sort();
  return names.map((name) => ({
    name,
    dev: dev[name],
    prod: prod[name],
    same: dev[name] !== undefined && prod[name] !== undefined && versionNumber(dev[name]) === versionNumber(prod[name]),
  }));
}

export function runtimeWarnings(runtimes: RuntimeComparison[]): string[] {
  return runtimes
    .filter((r) => r.dev !== undefined && r.prod !== undefined && !r.same)
    .map((r) => `${r.name} differs: dev has ${r.dev}, production has ${r.prod}`);
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function truncate(text: string, width: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= width ? one : one.slice(0, width - 1) + '…';
}

function layerLine(l: LayerInfo, width: number): string {
  return `  ${String(l.index + 1).padStart(3)}  ${short(l.digest)}  ${formatBytes(l.size).padStart(9)}  ${truncate(l.instruction, width)}`;
}

/** The report as the CLI prints it: summary, the three layer groups, runtimes, warnings, drift. */
export function formatParityReport(r: ParityReport, width = 100): string {
  const out: string[] = [];
  const col = (k: string, v: string) => out.push(`${k.padEnd(12)}${v}`);
  col('base', r.base.image ? `${r.base.image}${r.base.stage ? ` (stage ${r.base.stage})` : ''}` : `different: dev from ${r.base.devFrom ?? '?'}, production from ${r.base.prodFrom ?? '?'}`);
  col('dev', `${r.dev.image}  ${r.dev.target ? `target ${r.dev.target}` : 'last stage'}  ${formatBytes(r.dev.size)}  ${r.dev.layers.length} layers`);
  col('production', `${r.prod.image}  ${r.prod.target ? `target ${r.prod.target}` : 'last stage'}  ${formatBytes(r.prod.size)}  ${r.prod.layers.length} layers`);
  col('os', r.dev.os === r.prod.os ? (r.dev.os ?? 'unknown') : `dev ${r.dev.os ?? 'unknown'}, production ${r.prod.os ?? 'unknown'}`);
  const instrWidth = Math.max(20, width - 34);
  out.push('', `Shared layers (${r.shared.layers.length}, ${formatBytes(r.shared.size)}):`);
  if (r.shared.layers.length === 0) out.push('  (none)');
  for (const l of r.shared.layers) out.push(layerLine(l, instrWidth));
  out.push('', `Only in dev (${r.dev.own.length}, ${formatBytes(r.dev.ownSize)}):`);
  if (r.dev.own.length === 0) out.push('  (none)');
  for (const l of r.dev.own) out.push(layerLine(l, instrWidth));
  out.push('', `Only in production (${r.prod.own.length}, ${formatBytes(r.prod.ownSize)}):`);
  if (r.prod.own.length === 0) out.push('  (none)');
  for (const l of r.prod.own) out.push(layerLine(l, instrWidth));
  if (r.runtimes.length > 0) {
    out.push('', 'Runtimes:', `  ${'name'.padEnd(10)}${'dev'.padEnd(24)}${'production'.padEnd(24)}`);
    for (const rt of r.runtimes) {
      const mark = rt.dev !== undefined && rt.prod !== undefined ? (rt.same ? 'same' : 'DIFFERS') : 'only one';
      out.push(`  ${rt.name.padEnd(10)}${truncate(rt.dev ?? '-', 22).padEnd(24)}${truncate(rt.prod ?? '-', 22).padEnd(24)}${mark}`);
    }
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  for (const d of r.drift) out.push(`drift: ${d.message}`, `       fix: ${d.fix}`);
  return out.join('\n');
}
