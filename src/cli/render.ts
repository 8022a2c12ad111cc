import { type BerthEvent, type EventSink, type LogLevel } from '../core/events';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/**
 * Renders core events on a stream (stderr): plain lines for people, or one JSON object per line for
 * tools (`--log-format json`). stdout stays free for the command's result.
 */
export function eventRenderer(out: NodeJS.WritableStream, format: 'text' | 'json', minLevel: LogLevel): EventSink {
  const min = LEVELS.indexOf(minLevel);
  if (format === 'json') {
    return (e) => {
      if (e.type === 'log' && LEVELS.indexOf(e.level) < min) return;
      out.write(JSON.stringify({ time: Date.now(), ...e }) + '\n');
    };
  }
  return (e) => {
    const line = textLine(e, min);
    if (line !== undefined) out.write(line);
  };
}

const INFO = LEVELS.indexOf('info');

function textLine(e: BerthEvent, min: number): string | undefined {
  // Progress (phases, containers, ports, hooks starting and ending) is information: hidden above info.
  // Hook output and failures still show.
  const progress = e.type === 'phase' || e.type === 'container' || e.type === 'port' || (e.type === 'hook' && e.state !== 'failed');
  if (progress && min > INFO) return undefined;
  switch (e.type) {
    case 'log':
      if (LEVELS.indexOf(e.level) < min) return undefined;
      return `${e.level === 'info' ? '' : `[${e.level}] `}${e.component ? `[${e.component}] ` : ''}${e.message}\n`;
    case 'phase':
      return `==> ${e.phase}${e.detail ? `: ${e.detail}` : ''}\n`;
    // Step and cache events drive progress UIs; the builder's own output already says both.
    case 'build-step':
    case 'build-cached':
      return undefined;
    case 'output':
      return e.text;
    case 'hook': {
      const name = e.command ? `${e.hook} [${e.command}]` : e.hook;
      if (e.state === 'started') return `--> ${name}\n`;
      if (e.state === 'skipped') return min <= LEVELS.indexOf('debug') ? `    ${name} skipped${e.reason ? `: ${e.reason}` : ''}\n` : undefined;
      const took = e.durationMs !== undefined ? ` in ${(e.durationMs / 1000).toFixed(1)} s` : '';
      return e.state === 'succeeded' ? `<-- ${name} done${took}\n` : `<-- ${name} FAILED (exit ${e.exitCode ?? '?'})${took}\n`;
    }
    case 'container':
      return `container ${e.containerId.slice(0, 12)} ${e.state}\n`;
    case 'port':
      return `port ${e.containerPort} -> ${e.hostIp}:${e.hostPort}${e.note ? ` (${e.note})` : ''}\n`;
  }
}
