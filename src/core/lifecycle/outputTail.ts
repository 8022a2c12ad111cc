import { TextDecoder } from 'node:util';

/**
 * Keeps the last lines of a command's output, for error messages, without holding all of it. stdout
 * and stderr reach the engine through separate pipes, so their order across streams is not fixed: a
 * command's last words on stderr (usually the error) can arrive before its last stdout lines. The
 * last few stderr lines are therefore always kept.
 */
export class OutputTail {
  private text = '';
  private readonly stderr: OutputTail | undefined;
  private readonly decoders = new Map<string, TextDecoder>();

  constructor(
    private readonly maxLines = 20,
    private readonly maxChars = 16_384,
    /** How many of the last stderr lines always make it into `lines()`. */
    keepStderrLines = 5,
  ) {
    this.stderr = keepStderrLines > 0 ? new OutputTail(keepStderrLines, maxChars, 0) : undefined;
  }

  /** Decodes a chunk (per stream, so a UTF-8 character split across chunks survives) and keeps it. */
  push(chunk: Buffer, stream = 'stdout'): string {
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new TextDecoder('utf-8')));
    const text = decoder.decode(chunk, { stream: true });
    this.append(text);
    if (stream === 'stderr') this.stderr?.append(text);
    return text;
  }

  append(text: string): void {
    this.text += text;
    // Trim rarely (at 4x) so a chatty command does not cost a copy per chunk.
    if (this.text.length > this.maxChars * 4) this.text = this.text.slice(-this.maxChars);
  }

  /** The last lines, without carriage returns or trailing blank lines; the last stderr lines among them. */
  lines(): string[] {
    const all = this.text.slice(-this.maxChars).replace(/\r\n?/g, '\n').split('\n');
    while (all.length > 0 && all[all.length - 1].trim() === '') all.pop();
    const tail = all.slice(-this.maxLines);
    const missing = (this.stderr?.lines() ?? []).filter((line) => !tail.some((t) => t.includes(line)));
    return missing.length === 0 ? tail : [...tail.slice(missing.length), ...missing];
  }
}
