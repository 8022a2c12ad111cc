import type { ExecResult, InteractiveSession } from '../engine/types';
import { fitWorkspaceFolder, openServiceSession } from './compose';
import type { CoreDeps } from './deps';
import type { SessionOptions, UseCaseContext, WorkspaceExecOptions, WorkspaceRef } from './types';
import { attachContext, findWorkspaceContainer, loadWorkspace, noContainer, type AttachContext } from './workspace';

/** The running container of a workspace, ready to run things in. */
async function attachRunning(deps: CoreDeps, ref: WorkspaceRef, ctx: UseCaseContext): Promise<AttachContext> {
  const loaded = await loadWorkspace(ref, deps, ctx);
  const found = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (!found || found.state !== 'running') throw noContainer(loaded, 'running');
  const details = await deps.engine.inspectContainer(found.id, { signal: ctx.signal });
  fitWorkspaceFolder(loaded, details);
  return attachContext(deps, loaded, details, ctx);
}

/** `exec`: a command in the running container as the remote user, with its env, in the workspace. */
export async function exec(deps: CoreDeps, ref: WorkspaceRef, options: WorkspaceExecOptions, ctx: UseCaseContext): Promise<ExecResult> {
  const attach = await attachRunning(deps, ref, ctx);
  const { cwd, remoteEnv, ...rest } = options;
  return deps.engine.exec(attach.containerId, {
    ...rest,
    user: attach.user,
    workdir: cwd ?? attach.workdir,
    env: { ...attach.env, ...remoteEnv },
    signal: options.signal ?? ctx.signal,
  });
}

// The user's login shell from passwd (getent, else /etc/passwd), else bash, else sh.
const LOGIN_SHELL = [
  's=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f7)',
  '[ -n "$s" ] || s=$(grep "^[^:]*:[^:]*:$(id -u):" /etc/passwd 2>/dev/null | head -n 1 | cut -d: -f7)',
  '[ -x "$s" ] || s=$(command -v bash || echo /bin/sh)',
  'exec "$s" -l',
].join('\n');

/** A TTY session in the running container, for terminals and tasks. */
export async function openSession(deps: CoreDeps, ref: WorkspaceRef, options: SessionOptions, ctx: UseCaseContext): Promise<InteractiveSession> {
  if (options.service) return openServiceSession(deps, ref, options.service, options, ctx);
  const attach = await attachRunning(deps, ref, ctx);
  return deps.engine.execInteractive(attach.containerId, {
    cmd: options.cmd ?? ['/bin/sh', '-c', LOGIN_SHELL],
    user: attach.user,
    workdir: options.cwd ?? attach.workdir,
    env: { TERM: 'xterm-256color', ...attach.env, ...options.env },
    cols: options.cols,
    rows: options.rows,
    signal: ctx.signal,
  });
}
