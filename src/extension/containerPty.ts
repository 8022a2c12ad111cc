/**
 * A Pseudoterminal over a TTY process in the dev container (`BerthService.openSession`): input,
 * Ctrl-C and resizes pass through; output is decoded as streaming UTF-8; the exit code is shown, or
 * why the session ended when the engine went away under it.
 */
import * as vscode from 'vscode';
import { type BerthError, describeError } from '../core/errors';
import type { InteractiveSession } from '../core/engine/types';
import { exitNote } from './exitNote';
import type { StreamingPathMapper } from './pathMapping';

export interface PtyOptions {
  /** Opens the process with the terminal's first size. */
  open(cols: number, rows: number): Promise<InteractiveSession>;
  /** Terminals wait for a key after the process ends (the message stays readable); tasks close at once. */
  closeOnExit: boolean;
  /** Rewrites container paths to host paths (task output for problem matchers). */
  mapper?: StreamingPathMapper;
  /** Hears everything written to the terminal (the e2e tests read it through the extension API). */
  onOutput?(text: string): void;
  /** `lost`: the engine went away (the daemon stopped), which ended the session. */
  onExit?(exitCode: number | undefined, lost?: BerthError): void;
  /** Hears the terminal's size whenever it is set. */
  onSize?(cols: number, rows: number): void;
}

export class ContainerPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private session: InteractiveSession | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  private size: { cols: number; rows: number } = { cols: 80, rows: 24 };
  private ended = false;
  private closed = false;

  constructor(private readonly options: PtyOptions) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) this.size = { cols: dimensions.columns, rows: dimensions.rows };
    this.options.onSize?.(this.size.cols, this.size.rows);
    void this.start();
  }

  private async start(): Promise<void> {
    const asked = this.size;
    try {
      const session = await this.options.open(asked.cols, asked.rows);
      if (this.closed) {
        session.close();
        return;
      }
      this.session = session;
      session.onData((data) => this.emit(this.decoder.decode(data, { stream: true })));
      session.onExit((code, lost) => this.exited(code, lost));
      // The terminal may have been resized while the process was starting.
      if (this.size.cols !== asked.cols || this.size.rows !== asked.rows) await session.resize(this.size.cols, this.size.rows);
    } catch (e) {
      this.emit(`\x1b[31m${describeError(e).replace(/\n/g, '\r\n')}\x1b[0m\r\n`);
      this.exited(undefined);
    }
  }

  private emit(text: string): void {
    const out = this.options.mapper ? this.options.mapper.push(text) : text;
    if (out === '') return;
    this.options.onOutput?.(out);
    this.writeEmitter.fire(out);
  }

  private exited(code: number | undefined, lost?: BerthError): void {
    if (this.ended) return;
    this.ended = true;
    const rest = this.decoder.decode() + (this.options.mapper?.flush() ?? '');
    if (rest) {
      this.options.onOutput?.(rest);
      this.writeEmitter.fire(rest);
    }
    const note = lost ? `\r\n\x1b[31m${exitNote(code, lost)}\x1b[0m\r\n` : `\r\n${exitNote(code)}\r\n`;
    this.options.onOutput?.(note);
    this.writeEmitter.fire(note);
    this.options.onExit?.(code, lost);
    if (this.options.closeOnExit) this.closeEmitter.fire(code ?? 1);
    else this.writeEmitter.fire('Press any key to close the terminal.\r\n');
  }

  handleInput(data: string): void {
    if (this.ended) {
      if (!this.options.closeOnExit) this.closeEmitter.fire();
      return;
    }
    this.session?.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.size = { cols: d.columns, rows: d.rows };
    this.options.onSize?.(d.columns, d.rows);
    this.session?.resize(d.columns, d.rows).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }
}
