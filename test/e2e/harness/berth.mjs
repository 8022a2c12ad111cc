// What Berth shows, as the journeys recognise it (src/extension/statusModel.ts makes these texts).
import assert from 'node:assert/strict';
import { containersFor } from './docker.mjs';

export const status = {
  /** Dev container `name` running, with its published port count when it has any. */
  running: (name) => new RegExp(`^Berth: ${name}( · \\d+ ports?)?$`),
  stopped: /^Berth: stopped$/,
  failed: /^Berth: failed$/,
  restricted: /^Berth: restricted$/,
  /** Any text Berth shows while it works: its activity label (building, creating, a hook's name...). */
  busy: /^Berth: (?!(stopped|failed|restricted|Docker unavailable)$)(?!.* · \d+ ports?$)/,
  /** What ends a wait for "running" early. */
  broken: /^Berth: (failed|Docker unavailable)$/,
};

/** A status text Berth shows while it works (its activity label: building, creating, a hook's name...). */
export function isBusy(text) {
  return status.busy.test(text);
}

/** The one container a workspace copy has, as Docker lists it; fails when there is not exactly one. */
export async function theContainer(folder) {
  const list = await containersFor(folder);
  assert.equal(list.length, 1, `expected one container labelled devcontainer.local_folder=${folder}, found ${list.length}`);
  return list[0];
}
