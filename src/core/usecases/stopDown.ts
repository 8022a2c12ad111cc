import { composeDown, composeStop } from './compose';
import type { CoreDeps } from './deps';
import type { UseCaseContext, WorkspaceRef } from './types';
import { findWorkspaceContainer, loadWorkspace, noContainer } from './workspace';

/** `stop`: stops the container; it keeps its state, and `up` starts it again. */
export async function stop(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<void> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  if (loaded.config.kind === 'compose') return composeStop(deps, loaded, ctx);
  const found = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (!found) throw noContainer(loaded, 'existing');
  if (found.state !== 'running' && found.state !== 'paused' && found.state !== 'restarting') {
    ctx.events({ type: 'log', level: 'info', message: `The dev container ${found.id.slice(0, 12)} is already stopped.` });
    return;
  }
  ctx.events({ type: 'phase', phase: 'stopping' });
  await deps.engine.stopContainer(found.id, { signal: ctx.signal, timeoutSeconds: 10 });
  ctx.events({ type: 'container', containerId: found.id, state: 'stopped' });
}

/**
 * `down`: stops and removes the container. Never touches the workspace's files (they are on the
 * host); anonymous volumes go only when asked, named volumes never.
 */
export async function down(deps: CoreDeps, ref: WorkspaceRef & { removeVolumes?: boolean }, ctx: UseCaseContext): Promise<void> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  if (loaded.config.kind === 'compose') return composeDown(deps, loaded, ref.removeVolumes === true, ctx);
  const found = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (!found) {
    ctx.events({ type: 'log', level: 'info', message: `There is no dev container for ${loaded.config.workspaceFolderHost}; nothing to remove.` });
    return;
  }
  ctx.events({ type: 'phase', phase: 'removing' });
  await deps.engine.removeContainer(found.id, { force: true, removeVolumes: ref.removeVolumes === true, signal: ctx.signal });
  await deps.sessions.forget(found.id);
  ctx.events({ type: 'container', containerId: found.id, state: 'removed' });
}

/**
 * What an editor does when its window on the workspace closes: the spec's `shutdownAction`.
 * `none` leaves everything running; `stopContainer` / `stopCompose` stop (the whole Compose project
 * for the latter). Returns whether it stopped anything.
 */
export async function shutdown(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<boolean> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  if (loaded.config.shutdownAction === 'none') return false;
  await stop(deps, ref, ctx);
  return true;
}
