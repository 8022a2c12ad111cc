/**
 * The Engine API's multiplexed stream (exec and logs without a TTY): frames of an 8-byte header
 * (stream type, 3 zero bytes, big-endian length) followed by the payload.
 */
export class StreamDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onStdout: (chunk: Buffer) => void,
    private readonly onStderr: (chunk: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const payload = this.buf.subarray(8, 8 + size);
      if (this.buf[0] === 2) this.onStderr(payload);
      else this.onStdout(payload);
      this.buf = this.buf.subarray(8 + size);
    }
  }
}

/** Whether a buffer starts like a multiplexed stream (a TTY container's logs are raw). */
export function looksMultiplexed(buf: Buffer): boolean {
  return buf.length >= 8 && buf[0] <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}
