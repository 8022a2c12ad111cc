/**
 * Whether to start the dev container when a window opens. Pure, so each mode is testable.
 */

export type AutoStartMode = 'off' | 'prompt' | 'always';
/** What the user answered "Always" / "Never" with for this workspace (workspaceState). */
export type Remembered = 'always' | 'never' | undefined;

export type AutoStartDecision =
  | { action: 'none'; why: 'no-spec' | 'off' | 'never' | 'already-running' | 'busy' }
  | { action: 'explain-untrusted' }
  | { action: 'prompt' }
  | { action: 'start' };

export interface AutoStartInput {
  mode: AutoStartMode;
  remembered: Remembered;
  hasSpec: boolean;
  trusted: boolean;
  /** The container already runs (from the first status), so there is nothing to do. */
  running: boolean;
  busy: boolean;
}

export function autoStartDecision(i: AutoStartInput): AutoStartDecision {
  if (!i.hasSpec) return { action: 'none', why: 'no-spec' };
  if (i.mode === 'off') return { action: 'none', why: 'off' };
  if (i.remembered === 'never') return { action: 'none', why: 'never' };
  // Untrusted: nothing from the repository runs; say why instead (once).
  if (!i.trusted) return { action: 'explain-untrusted' };
  if (i.running) return { action: 'none', why: 'already-running' };
  if (i.busy) return { action: 'none', why: 'busy' };
  if (i.mode === 'always' || i.remembered === 'always') return { action: 'start' };
  return { action: 'prompt' };
}

export function parseAutoStartMode(value: unknown): AutoStartMode {
  return value === 'off' || value === 'always' || value === 'prompt' ? value : 'prompt';
}
