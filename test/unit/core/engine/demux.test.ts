import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksMultiplexed, StreamDemuxer } from '../../../../src/core/engine/demux';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

describe('StreamDemuxer', () => {
  it('separates stdout and stderr frames, across arbitrary chunk boundaries', () => {
    const all = Buffer.concat([frame(1, 'out1'), frame(2, 'err'), frame(1, 'out2')]);
    for (let cut = 1; cut < all.length; cut++) {
      const out: string[] = [];
      const err: string[] = [];
      const d = new StreamDemuxer((c) => out.push(c.toString()), (c) => err.push(c.toString()));
      d.push(all.subarray(0, cut));
      d.push(all.subarray(cut));
      assert.equal(out.join(''), 'out1out2', `cut at ${cut}`);
      assert.equal(err.join(''), 'err');
    }
  });
  it('tells multiplexed from raw output', () => {
    assert.equal(looksMultiplexed(frame(1, 'x')), true);
    assert.equal(looksMultiplexed(Buffer.from('hello world')), false);
  });
});
