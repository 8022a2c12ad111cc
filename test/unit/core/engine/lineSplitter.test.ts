import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../../src/core/engine/lineSplitter';

describe('LineSplitter', () => {
  it('joins lines across chunks, drops blank ones, and hands over the tail at the end', () => {
    const got: string[] = [];
    const s = new LineSplitter();
    for (const chunk of ['{"a":', '1}\n\n  \n{"b"', ':2}\n{"c":3}']) s.push(Buffer.from(chunk), (l) => got.push(l));
    assert.deepEqual(got, ['{"a":1}', '{"b":2}']);
    s.end((l) => got.push(l));
    assert.deepEqual(got, ['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a UTF-8 character whole when a chunk ends inside it', () => {
    const bytes = Buffer.from('{"status":"Größe ✓"}\n');
    const cut = bytes.indexOf(0x9f); // the second byte of "ß"… any byte inside a multi-byte character
    const got: string[] = [];
    const s = new LineSplitter();
    s.push(bytes.subarray(0, cut), (l) => got.push(l));
    s.push(bytes.subarray(cut), (l) => got.push(l));
    assert.deepEqual(got, ['{"status":"Größe ✓"}']);
  });
});
