/**
 * How core events read in the log: one call per line, with a level. Output streams (build, hooks)
 * arrive in chunks that split lines, so a LineBuffer joins them. Pure: no `vscode` import.
 */
import type { BerthEvent, LogLevel } from '../core/events';

export interface LogLine {
  level: LogLevel;
  message: string;
}

/**
 * Masks the values of environment assignments that look secret, so a logged command line does not
 * leak them: `-e TOKEN=abc`, `--env PASSWORD=x`, `API_KEY=x cmd`.
 */
export function redactSecrets(text: string): string {
  return text.replace(
    /\b([A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/gi,
    '$1=***',
  );
}

/** Lines of a log entry for an event that is not streamed output (output goes through LineBuffer). */
export function describeEvent(e: BerthEvent): LogLine | undefined {
  switch (e.type) {
    case 'log':
      return { level: e.level, message: redactSecrets(e.component ? `[${e.component}] ${e.message}` : e.message) };
    case 'phase':
      return { level: 'info', message: `[phase] ${e.phase}${e.detail ? `: ${e.detail}` : ''}` };
    case 'build-step':
      return { level: 'info', message: `[build] step ${e.step}${e.total === undefined ? '' : `/${e.total}`}: ${e.instruction}` };
    case 'build-cached':
      return { level: 'debug', message: `[build] step ${e.step}: cached` };
    case 'hook': {
      const name = e.command ? `${e.hook} (${e.command})` : e.hook;
      const took = e.durationMs === undefined ? '' : ` in ${(e.durationMs / 1000).toFixed(1)}s`;
      if (e.state === 'failed') return { level: 'error', message: `[hook] ${name} failed${e.exitCode === undefined ? '' : ` with exit code ${e.exitCode}`}${took}` };
      if (e.state === 'skipped') return { level: 'debug', message: `[hook] ${name} skipped${e.reason ? `: ${e.reason}` : ''}` };
      return { level: 'info', message: `[hook] ${name} ${e.state}${took}` };
    }
    case 'container':
      return { level: 'info', message: `[container] ${e.state} ${e.containerId.slice(0, 12)}` };
    case 'port':
      return { level: 'info', message: `[port] ${e.containerPort} → ${e.hostIp || '0.0.0.0'}:${e.hostPort}${e.note ? ` (${e.note})` : ''}` };
    case 'output':
      return undefined;
  }
}

/** Joins output chunks into whole lines per stream; strips ANSI colour codes and carriage returns. */
export class LineBuffer {
  private readonly pending = new Map<string, string>();

  /** The complete lines in `text`, prefixed with the stream's name; the rest waits. */
  push(stream: string, text: string): string[] {
    const all = (this.pending.get(stream) ?? '') + text;
    const parts = all.split(/\r?\n/);
    this.pending.set(stream, parts.pop() ?? '');
    return parts.map((l) => this.format(stream, l));
  }

  /** Whatever is left of every stream, e.g. when an operation ends. */
  flush(): string[] {
    const out: string[] = [];
    for (const [stream, rest] of this.pending) if (rest !== '') out.push(this.format(stream, rest));
    this.pending.clear();
    return out;
  }

  private format(stream: string, line: string): string {
    // eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition
    const clean = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/^[\s\S]*\r(?!$)/, '');
    return `[${stream}] ${clean}`;
  }
}

export function streamName(e: Extract<BerthEvent, { type: 'output' }>): string {
  return e.name ? `${e.source} ${e.name}` : e.source;
}
