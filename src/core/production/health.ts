/**
 * Waiting for a production container to become healthy: try the probe every interval, give up after
 * `retries` failures or as soon as the container stops. The probe and the container state are passed
 * in, so the waiting logic is tested without an engine.
 */
import type { HealthcheckSettings } from './settings';

/** One try's answer: healthy, or why not. */
export type ProbeResult = { ok: true; detail: string } | { ok: false; detail: string };

export interface HealthWaitDeps {
  /** Runs the probe once, within `timeoutMs`. */
  probe(timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult>;
  /** undefined while the container runs; else why it is not running (e.g. `exited with code 1`). */
  stopped(): Promise<string | undefined>;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  onAttempt?(attempt: number, result: ProbeResult): void;
}

export interface HealthOutcome {
  healthy: boolean;
  attempts: number;
  /** The last probe's answer, or why waiting ended. */
  detail: string;
  /** Set when the container stopped while Berth waited. */
  exited?: string;
}

export async function waitForHealthy(settings: HealthcheckSettings, deps: HealthWaitDeps, signal?: AbortSignal): Promise<HealthOutcome> {
  let last = 'not tried';
  for (let attempt = 1; attempt <= settings.retries; attempt++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
    const exited = await deps.stopped();
    if (exited) return { healthy: false, attempts: attempt - 1, detail: `the container ${exited}`, exited };
    const result = await deps.probe(settings.timeoutMs, signal);
    deps.onAttempt?.(attempt, result);
    if (result.ok) return { healthy: true, attempts: attempt, detail: result.detail };
    last = result.detail;
    if (attempt < settings.retries) await deps.sleep(settings.intervalMs, signal);
  }
  const exited = await deps.stopped();
  if (exited) return { healthy: false, attempts: settings.retries, detail: `the container ${exited}`, exited };
  return { healthy: false, attempts: settings.retries, detail: `${settings.retries} tries failed; last: ${last}` };
}

/** A human description of the probe, for messages: `GET /health on port 3000`, `command: test -f …`. */
export function describeProbe(settings: HealthcheckSettings): string {
  const p = settings.probe;
  if (p.kind === 'http') return `GET ${p.path} on container port ${p.port}`;
  const cmd = p.cmd[0] === '/bin/sh' && p.cmd[1] === '-c' ? p.cmd.slice(2).join(' ') : p.cmd.join(' ');
  return `command: ${cmd}`;
}
