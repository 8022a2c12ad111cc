/**
 * Install order as the Features spec defines it: rounds over the graph of hard (dependsOn) and soft
 * (installsAfter) dependencies; each round takes the ready Features of the highest roundPriority
 * (from overrideFeatureInstallOrder), sorted for a stable order. No ready Feature left means a cycle.
 */
import { BerthError, type SourceLocation } from '../errors';
import { stripVersion } from './featureId';

/** One Feature in the graph. */
export interface OrderNode {
  /** Unique per (Feature, options). */
  key: string;
  /** The id as written, for messages. */
  userId: string;
  /** The id without its version: what installsAfter and overrideFeatureInstallOrder name. */
  resource: string;
  tag?: string;
  digest?: string;
  /** Canonical JSON of the options, part of the sort key. */
  optionsJson: string;
  /** Keys of the nodes this one needs first. */
  dependsOn: string[];
  /** Resources to install after, when they are installed at all. */
  installsAfter: string[];
}

/**
 * Returns the node keys in install order. Throws BerthError('config-invalid') naming the Features of a
 * cycle, and for an overrideFeatureInstallOrder entry that names no Feature.
 */
export function installOrder(nodes: OrderNode[], overrideOrder: string[] = [], overrideLocation?: SourceLocation): string[] {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const priority = new Map<string, number>();
  overrideOrder.forEach((id, i) => {
    const want = stripVersion(id);
    const matched = nodes.filter((n) => n.resource === want || stripVersion(n.userId) === want);
    if (matched.length === 0) {
      throw new BerthError('config-invalid', `overrideFeatureInstallOrder names "${id}", which is not one of the Features to install`, {
        location: overrideLocation,
        hint: `use the ids from "features": ${nodes.map((n) => n.userId).join(', ')}`,
      });
    }
    for (const n of matched) priority.set(n.key, Math.max(priority.get(n.key) ?? 0, overrideOrder.length - i));
  });

  // installsAfter only counts for Features that are installed anyway.
  const soft = new Map<string, string[]>();
  for (const n of nodes) {
    const after = n.installsAfter.map(stripVersion);
    soft.set(n.key, nodes.filter((m) => m.key !== n.key && after.includes(m.resource)).map((m) => m.key));
  }

  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const ready = nodes.filter(
      (n) => !done.has(n.key) && n.dependsOn.every((d) => done.has(d) || !byKey.has(d)) && (soft.get(n.key) ?? []).every((d) => done.has(d)),
    );
    if (ready.length === 0) throw cycleError(nodes.filter((n) => !done.has(n.key)), soft);
    const top = Math.max(...ready.map((n) => priority.get(n.key) ?? 0));
    const round = ready.filter((n) => (priority.get(n.key) ?? 0) === top).sort(compareNodes);
    for (const n of round) {
      done.add(n.key);
      order.push(n.key);
    }
  }
  return order;
}

function compareNodes(a: OrderNode, b: OrderNode): number {
  return cmp(a.resource, b.resource) || cmp(a.tag ?? '', b.tag ?? '') || cmp(a.optionsJson, b.optionsJson) || cmp(a.digest ?? '', b.digest ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Finds one cycle among the left-over nodes (every one of them waits on another left-over one). */
function cycleError(left: OrderNode[], soft: Map<string, string[]>): BerthError {
  const leftKeys = new Set(left.map((n) => n.key));
  const next = (n: OrderNode) => [...n.dependsOn, ...(soft.get(n.key) ?? [])].filter((k) => leftKeys.has(k));
  const byKey = new Map(left.map((n) => [n.key, n]));
  const path: string[] = [];
  let current: OrderNode | undefined = left[0];
  while (current && !path.includes(current.key)) {
    path.push(current.key);
    const k: string | undefined = next(current)[0];
    current = k === undefined ? undefined : byKey.get(k);
  }
  const start = current ? path.indexOf(current.key) : 0;
  const cycle = path.slice(start).map((k) => byKey.get(k)?.userId ?? k);
  const names = [...cycle, cycle[0]].join(' → ');
  return new BerthError('config-invalid', `The Features depend on each other in a cycle: ${names}`, {
    hint: 'remove one of the dependsOn/installsAfter entries of these Features (or report it to their authors)',
  });
}
