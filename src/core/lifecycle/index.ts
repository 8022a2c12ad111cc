/** Lifecycle hooks: plan (pure), run in a container, markers, the user env probe, initializeCommand. */
export { planLifecycle } from './plan';
export type {
  ContainerReason,
  LifecycleMarkers,
  LifecyclePlan,
  LifecycleStep,
  MarkedHookName,
  PlanLifecycleInput,
  SkipCode,
  SkippedHook,
} from './plan';
export { runLifecycle } from './run';
export type { LifecycleRunResult, RunLifecycleOptions } from './run';
export { MARKED_HOOKS, markerDirFor, markerPath, parseMarkerOutput, readMarkers, writeMarker } from './markers';
export type { MarkerExecOptions, MarkerState } from './markers';
export { parseProbeOutput, probeCommand, probeUserEnv, UserEnvCache } from './userEnv';
export type { ProbeUserEnvOptions, UserEnvProbeMode } from './userEnv';
export { runInitializeCommand } from './initialize';
export type { InitializeOptions } from './initialize';
export { combineRemoteEnv, envListToRecord } from './remoteEnv';
export { HookFailedError } from './hookFailedError';
export type { HookFailure } from './hookFailedError';
export { isEmptyCommand, toInvocations } from './commandForms';
export type { CommandInvocation } from './commandForms';
