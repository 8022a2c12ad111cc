import { StringDecoder } from 'node:string_decoder';

/**
 * Splits the Engine API's newline-delimited streams (JSON progress of pull and build, the event
 * stream) into trimmed, non-empty lines. Chunks end anywhere, even inside a UTF-8 character, so the
 * bytes are decoded across chunk edges.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  push(chunk: Buffer | string, onLine: (line: string) => void): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line) onLine(line);
    }
  }

  /** Hands over what is left after the last newline. */
  end(onLine: (line: string) => void): void {
    const rest = (this.pending + this.decoder.end()).trim();
    this.pending = '';
    if (rest) onLine(rest);
  }
}
