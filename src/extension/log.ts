/**
 * The "Berth" log: one LogOutputChannel that renders core events. Build and hook output stream in
 * at info, line by line; commands at debug; errors with their location, diagnostics and hint.
 */
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import type { BerthEvent, EventSink, LogLevel } from '../core/events';
import { LineBuffer, describeEvent, redactSecrets, streamName } from './eventText';
import { hostRedactor, type Redactor } from '../core/redact';

const order: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export class BerthLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly lines = new LineBuffer();
  private minimum: LogLevel = 'info';
  /** Hides secret values in every line; start with the host's, then the spec's (setRedactor). */
  private redactor: Redactor = hostRedactor(process.env);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(levelSetting: () => string | undefined) {
    this.channel = vscode.window.createOutputChannel('Berth', { log: true });
    const read = () => {
      const v = levelSetting();
      this.minimum = v && v in order ? (v as LogLevel) : 'info';
    };
    read();
    this.disposables.push(
      this.channel,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('berth.logLevel') && read()),
    );
  }

  /** The sink handed to the core. */
  readonly sink: EventSink = (e: BerthEvent) => {
    if (e.type === 'output') {
      for (const line of this.lines.push(streamName(e), e.text)) this.write('info', line);
      return;
    }
    const line = describeEvent(e);
    if (line) this.write(line.level, line.message);
  };

  write(level: LogLevel, message: string): void {
    if (order[level] < order[this.minimum]) return;
    this.channel[level](this.redactor.redact(message));
  }

  /** From now on also hide the loaded spec's secrets: `setRedactor(redactorForSpec(loaded, process.env))`. */
  setRedactor(redactor: Redactor): void {
    this.redactor = redactor;
  }

  /** Writes whatever partial output lines remain (when an operation ends). */
  flush(): void {
    for (const line of this.lines.flush()) this.write('info', line);
  }

  error(context: string, e: unknown): void {
    this.flush();
    this.channel.error(this.redactor.redact(`${context}: ${redactSecrets(describeError(e))}`));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
