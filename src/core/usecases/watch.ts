import { idLabels, pickConfig } from '../config';
import { ignoreEvents } from '../events';
import { LABEL_LOCAL_FOLDER } from '../labels';
import type { CoreDeps } from './deps';
import { status } from './status';
import type { StatusResult, UseCaseContext, WorkspaceRef } from './types';

const RETRY_MS = 2000;
/** Engine events come in bursts (die, stop, …); one status read per burst is enough. */
const SETTLE_MS = 50;

/**
 * Follows the engine's events for the workspace's containers (by its local_folder label, so a
 * container of another spec of the same folder shows up too) and reports a fresh status after each
 * burst, plus once at the start and after every reconnect. Retries until `signal` aborts.
 */
export function watch(
  deps: CoreDeps,
  ref: WorkspaceRef,
  env: UseCaseContext['env'],
  onChange: (status: StatusResult) => void,
  onError: (error: unknown) => void,
  signal: AbortSignal,
): void {
  const ctx: UseCaseContext = { events: ignoreEvents, env, signal };
  let timer: NodeJS.Timeout | undefined;
  let reading = Promise.resolve();
  const refresh = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      reading = reading.then(async () => {
        if (signal.aborted) return;
        try {
          onChange(await status(deps, ref, ctx));
        } catch (e) {
          if (!signal.aborted) onError(e);
        }
      });
    }, SETTLE_MS);
  };

  const connect = async (): Promise<void> => {
    if (signal.aborted) return;
    try {
      const configFile = await pickConfig(ref.workspaceFolder, ref.configFile);
      const labels = idLabels(ref.workspaceFolder, configFile, deps.platform);
      await deps.engine.events(
        { labels: { [LABEL_LOCAL_FOLDER]: labels[LABEL_LOCAL_FOLDER] } },
        () => refresh(),
        signal,
        (error) => {
          if (signal.aborted) return;
          onError(error ?? new Error('the engine closed the event stream'));
          setTimeout(() => void connect(), RETRY_MS);
        },
      );
      refresh();
    } catch (e) {
      if (signal.aborted) return;
      onError(e);
      setTimeout(() => void connect(), RETRY_MS);
    }
  };
  signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  void connect();
}
