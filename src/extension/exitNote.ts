/**
 * The line a Berth terminal prints when its process ends. Pure (no `vscode`), so unit tests read it.
 */
import { errorInfo } from './errorInfo';

/**
 * `[process exited with code N]`, or, when the engine went away under the session (`lost`: the
 * daemon stopped), what happened and what to do: the exit code alone would say nothing.
 */
export function exitNote(code: number | undefined, lost?: unknown): string {
  if (lost === undefined) return `[process exited with code ${code ?? 'unknown'}]`;
  const why = errorInfo(lost).message.replace(/\s+/g, ' ').trim();
  return `[Berth: the connection to Docker was lost${why ? `: ${why.replace(/\.$/, '')}` : ''}. Start Docker, then run Berth: Start Container.]`;
}
