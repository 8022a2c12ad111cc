/**
 * The one state object the extension's UI is derived from, and the pure functions that derive it:
 * status bar text/icon/tooltip/click, `setContext` keys, and how core events move the state.
 * No `vscode` import here: node's test runner loads this file directly.
 */
import type { BerthEvent, LifecycleHookName } from '../core/events';
import type { ContainerState } from '../core/usecases/types';

/** What Berth is doing right now, if anything. */
export type Activity =
  | { kind: 'phase'; label: string }
  | { kind: 'building'; step?: number; total?: number }
  | { kind: 'hook'; hook: LifecycleHookName };

export interface ContainerView {
  state: ContainerState;
  /** Shown in the status bar: the spec's `name`, else the container's name. */
  name?: string;
  ports: number;
  /** Compose: the project's running services (the dev container's among them). */
  services?: string[];
}

/** Everything the status bar, context keys and tooltips are computed from. */
export interface ViewState {
  /** Absolute paths of the specs found in the workspace. */
  specs: string[];
  /** The spec in use (one of `specs`), if any. */
  selectedSpec?: string;
  /** Host folder the spec belongs to. */
  workspaceFolder?: string;
  trusted: boolean;
  docker: 'unknown' | 'available' | 'unavailable';
  /** Last message from the engine when it is unavailable. */
  dockerMessage?: string;
  container?: ContainerView;
  activity?: Activity;
  /** Set when the last operation failed; cleared when the next one starts. */
  failure?: { message: string };
}

export const initialViewState: ViewState = { specs: [], trusted: true, docker: 'unknown' };

/** Internal command ids the status bar may run. */
export const statusCommands = {
  toggle: 'berth.toggle',
  showLog: 'berth.showLog',
  dockerHelp: 'berth.dockerHelp',
  manageTrust: 'workbench.trust.manage',
} as const;

export interface StatusBarModel {
  visible: boolean;
  text: string;
  /** Markdown; command links are `command:` URIs. */
  tooltip: string;
  command?: string;
  background?: 'error' | 'warning';
}

/** The coarse `berth.state` context key: what `when` clauses switch on. */
export type StateKey = 'none' | 'untrusted' | 'unavailable' | 'busy' | 'failed' | 'running' | 'stopped' | 'unknown';

export function stateKey(s: ViewState): StateKey {
  if (s.specs.length === 0) return 'none';
  if (!s.trusted) return 'untrusted';
  if (s.activity) return 'busy';
  if (s.failure) return 'failed';
  if (s.docker === 'unavailable') return 'unavailable';
  if (!s.container) return 'unknown';
  return s.container.state === 'running' ? 'running' : 'stopped';
}

export function contextKeys(s: ViewState): Record<string, boolean | string> {
  return {
    'berth.hasSpec': s.specs.length > 0,
    'berth.multipleSpecs': s.specs.length > 1,
    'berth.state': stateKey(s),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function activityLabel(a: Activity): string {
  switch (a.kind) {
    case 'phase':
      return a.label;
    case 'hook':
      return a.hook;
    case 'building':
      if (a.step === undefined) return 'building';
      return a.total === undefined ? `building (step ${a.step})` : `building (step ${a.step}/${a.total})`;
  }
}

const link = (title: string, command: string) => `[${title}](command:${command})`;

export function statusBarModel(s: ViewState): StatusBarModel {
  const hidden: StatusBarModel = { visible: false, text: '', tooltip: '' };
  if (s.specs.length === 0) return hidden;
  const spec = s.selectedSpec ? `\n\nSpec: \`${s.selectedSpec}\`` : '';
  if (!s.trusted) {
    return {
      visible: true,
      text: '$(workspace-untrusted) Berth: restricted',
      tooltip:
        'This workspace is not trusted, so Berth runs nothing from it: no build, no hooks, no initializeCommand.' +
        `${spec}\n\n${link('Manage Workspace Trust', statusCommands.manageTrust)}`,
      command: statusCommands.manageTrust,
    };
  }
  if (s.activity) {
    const label = activityLabel(s.activity);
    return {
      visible: true,
      text: `$(sync~spin) Berth: ${label}`,
      tooltip: `Berth is working: ${label}.${spec}\n\n${link('Show Log', statusCommands.showLog)}`,
      command: statusCommands.showLog,
    };
  }
  if (s.failure) {
    return {
      visible: true,
      text: '$(error) Berth: failed',
      tooltip: `The last operation failed: ${s.failure.message}${spec}\n\n${link('Show Log', statusCommands.showLog)}`,
      command: statusCommands.showLog,
      background: 'error',
    };
  }
  if (s.docker === 'unavailable') {
    return {
      visible: true,
      text: '$(warning) Berth: Docker unavailable',
      tooltip:
        `Berth cannot reach a Docker engine${s.dockerMessage ? `: ${s.dockerMessage}` : '.'}` +
        `\n\n${link('What to do', statusCommands.dockerHelp)}`,
      command: statusCommands.dockerHelp,
      background: 'warning',
    };
  }
  const c = s.container;
  if (c && c.state === 'running') {
    const name = c.name ?? 'running';
    const label = c.services && c.services.length > 1 ? `${c.services.join(' + ')} running` : name;
    return {
      visible: true,
      text: `$(vm-running) Berth: ${label}${c.ports > 0 ? ` · ${plural(c.ports, 'port')}` : ''}`,
      tooltip: `Dev container **${name}** is running with ${plural(c.ports, 'published port')}.${spec}\n\n` +
        `${link('Stop', statusCommands.toggle)} · ${link('Show Log', statusCommands.showLog)} · ${link('Status', 'berth.showStatus')}`,
      command: statusCommands.toggle,
    };
  }
  const what = !c ? 'checking…' : c.state === 'none' ? 'no container yet' : `container ${c.state}`;
  return {
    visible: true,
    text: '$(vm-outline) Berth: stopped',
    tooltip: `Dev container stopped (${what}).${spec}\n\n${link('Start', statusCommands.toggle)} · ${link('Show Log', statusCommands.showLog)}`,
    command: statusCommands.toggle,
  };
}

const phaseLabels: Record<string, string> = {
  'reading-config': 'reading spec',
  initialize: 'initializeCommand',
  building: 'building',
  creating: 'creating',
  starting: 'starting',
  'running-hooks': 'running hooks',
  stopping: 'stopping',
  removing: 'removing',
};

/** How one core event moves the activity shown while an operation runs. Pure. */
export function reduceActivity(current: Activity | undefined, e: BerthEvent): Activity | undefined {
  switch (e.type) {
    case 'phase':
      if (e.phase === 'ready') return undefined;
      if (e.phase === 'building') return current?.kind === 'building' ? current : { kind: 'building' };
      return { kind: 'phase', label: phaseLabels[e.phase] ?? e.phase };
    case 'build-step':
      return { kind: 'building', step: e.step, total: e.total };
    case 'hook':
      if (e.state === 'started') return { kind: 'hook', hook: e.hook };
      return current;
    default:
      return current;
  }
}

/** The step text for a progress notification, or undefined when the event does not change it. */
export function progressMessage(e: BerthEvent): string | undefined {
  switch (e.type) {
    case 'phase':
      return e.phase === 'ready' ? 'ready' : (phaseLabels[e.phase] ?? e.phase) + (e.detail ? `: ${e.detail}` : '');
    case 'build-step':
      return `building: step ${e.step}${e.total === undefined ? '' : `/${e.total}`} ${e.instruction}`;
    case 'hook':
      return e.state === 'started' ? `running ${e.hook}${e.command ? ` (${e.command})` : ''}` : undefined;
    default:
      return undefined;
  }
}
