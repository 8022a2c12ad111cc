import { TextDecoder } from 'node:util';

/** Keeps the last lines of a command's output, for error messages, without holding all of it. */
export class OutputTail {
  private text = '';
  private readonly decoders = new Map<string, TextDecoder>();

  constructor(
    private readonly maxLines = 20,
    private readonly maxChars = 16_384,
  ) {}

  /** Decodes a chunk (per stream, so a UTF-8 character split across chunks survives) and keeps it. */
  push(chunk: Buffer, stream = 'stdout'): string {
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new TextDecoder('utf-8')));
    const text = decoder.decode(chunk, { stream: true });
    this.append(text);
    return text;
  }

  append(text: string): void {
    this.text += text;
    // Trim rarely (at 4x) so a chatty command does not cost a copy per chunk.
    if (this.text.length > this.maxChars * 4) this.text = this.text.slice(-this.maxChars);
  }

  /** The last lines, without carriage returns or trailing blank lines. */
  lines(): string[] {
    const all = this.text.slice(-this.maxChars).replace(/\r\n?/g, '\n').split('\n');
    while (all.length > 0 && all[all.length - 1].trim() === '') all.pop();
    return all.slice(-this.maxLines);
  }
}
