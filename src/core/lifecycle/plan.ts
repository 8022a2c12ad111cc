/**
 * Which lifecycle hooks an `up` runs, decided as data (no I/O): the runner executes the plan, tests
 * check the whole decision table. The rules follow the spec's reference CLI: the create hooks run once
 * per container, postStart once per (re)start, postAttach on every up.
 */
import { CONTAINER_HOOKS, type ContainerHookName, type HookSource } from '../config/types';
import { isEmptyCommand } from './commandForms';

/** The hooks that leave a marker in the container, and what the marker is compared with. */
export type MarkedHookName = Exclude<ContainerHookName, 'postAttachCommand'>;

/** What each marker file in the container holds (a container timestamp), absent when there is none. */
export type LifecycleMarkers = Partial<Record<MarkedHookName, string>>;

/** How the container was reached in this `up`: made now, started from stopped, or already running. */
export type ContainerReason = 'created' | 'started' | 'reused';

/** Input of {@link planLifecycle}: everything the decision depends on. */
export interface PlanLifecycleInput {
  /** `ResolvedConfig.hooks`: each hook's commands in metadata order, devcontainer.json last. */
  hooks: Record<ContainerHookName, HookSource[]>;
  /** The hook after which the container counts as ready (`ResolvedConfig.waitFor`). */
  waitFor: ContainerHookName;
  reason: ContainerReason;
  /** What the markers in the container say ran (see `readMarkers`). */
  markers: LifecycleMarkers;
  /** The container's `Created` timestamp (docker inspect), written to the create-hook markers. */
  containerCreatedAt: string;
  /** The container's `State.StartedAt`, written to the postStart marker. */
  containerStartedAt: string;
  /** `--skip-post-attach`. */
  skipPostAttach?: boolean;
  /** `--skip-non-blocking-commands`: plan only up to `waitFor`. */
  skipNonBlocking?: boolean;
}

/** One hook to run. */
export interface LifecycleStep {
  hook: ContainerHookName;
  /** Run in this order; each may itself be the parallel object form. */
  commands: HookSource[];
  /** Why it runs, for logs (`the container was created`). */
  why: string;
  /** Written to the hook's marker once it succeeded; absent for postAttach (never marked). */
  markerValue?: string;
}

/** Why a hook does not run. */
export type SkipCode = 'not-defined' | 'already-ran' | 'not-restarted' | 'skip-post-attach' | 'non-blocking';

export interface SkippedHook {
  hook: ContainerHookName;
  code: SkipCode;
  /** The same as a sentence for logs. */
  reason: string;
}

/** Output of {@link planLifecycle}. */
export interface LifecyclePlan {
  /** In run order (onCreate → updateContent → postCreate → postStart → postAttach). */
  steps: LifecycleStep[];
  skipped: SkippedHook[];
  /**
   * `waitFor` is satisfied once `steps[0..waitForIndex]` have succeeded; -1 when it is satisfied
   * before any step (no step at or before the waitFor hook runs).
   */
  waitForIndex: number;
  waitFor: ContainerHookName;
}

const CREATE_HOOKS: ReadonlySet<ContainerHookName> = new Set(['onCreateCommand', 'updateContentCommand', 'postCreateCommand']);

/**
 * A marker "matches" when it holds the timestamp, or (like the reference CLI) when the file exists but
 * is empty, so containers set up by the reference CLI do not rerun their hooks.
 */
function markerMatches(marker: string | undefined, value: string): boolean {
  return marker !== undefined && (marker === '' || marker === value);
}

const REASON_TEXT: Record<ContainerReason, string> = {
  created: 'the container was created',
  started: 'the container was started',
  reused: 'the container was already running',
};

export function planLifecycle(input: PlanLifecycleInput): LifecyclePlan {
  const steps: LifecycleStep[] = [];
  const skipped: SkippedHook[] = [];
  const waitForOrder = CONTAINER_HOOKS.indexOf(input.waitFor);
  let waitForIndex = -1;

  for (const [order, hook] of CONTAINER_HOOKS.entries()) {
    const commands = (input.hooks[hook] ?? []).filter((source) => !isEmptyCommand(source.command));
    const skip = (code: SkipCode, reason: string) => skipped.push({ hook, code, reason });

    if (input.skipNonBlocking && order > waitForOrder) {
      skip('non-blocking', `runs after waitFor (${input.waitFor}) and non-blocking commands are skipped`);
      continue;
    }
    if (commands.length === 0) {
      skip('not-defined', 'not defined');
      continue;
    }

    let step: LifecycleStep;
    if (CREATE_HOOKS.has(hook)) {
      // The marker, not `reason`, decides: a hook that failed last time (so was not marked) is retried
      // even though the container is only being reused now.
      if (input.reason !== 'created' && markerMatches(input.markers[hook as MarkedHookName], input.containerCreatedAt)) {
        skip('already-ran', `already ran in this container (created ${input.containerCreatedAt})`);
        continue;
      }
      const why = input.reason === 'created' ? REASON_TEXT.created : 'it has not completed in this container yet';
      step = { hook, commands, why, markerValue: input.containerCreatedAt };
    } else if (hook === 'postStartCommand') {
      if (input.reason !== 'created' && markerMatches(input.markers.postStartCommand, input.containerStartedAt)) {
        skip('not-restarted', `already ran since the container started (${input.containerStartedAt})`);
        continue;
      }
      const why = input.reason === 'reused' ? 'it has not completed since the container started' : REASON_TEXT[input.reason];
      step = { hook, commands, why, markerValue: input.containerStartedAt };
    } else {
      if (input.skipPostAttach) {
        skip('skip-post-attach', 'skipped on request (--skip-post-attach)');
        continue;
      }
      step = { hook, commands, why: 'it runs on every up' };
    }
    steps.push(step);
    if (order <= waitForOrder) waitForIndex = steps.length - 1;
  }
  return { steps, skipped, waitForIndex, waitFor: input.waitFor };
}
