import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputTail } from '../../../../src/core/lifecycle/outputTail';

describe('OutputTail', () => {
  it('keeps the last lines, without CRs or trailing blank lines', () => {
    const tail = new OutputTail(3);
    tail.push(Buffer.from('one\r\ntwo\nthree\nfour\n\n\n'));
    assert.deepEqual(tail.lines(), ['two', 'three', 'four']);
  });
  it('joins a UTF-8 character split across chunks of one stream', () => {
    const tail = new OutputTail();
    const bytes = Buffer.from('né\n');
    assert.equal(tail.push(bytes.subarray(0, 2), 'stdout'), 'n');
    tail.push(Buffer.from('x'), 'stderr');
    assert.equal(tail.push(bytes.subarray(2), 'stdout'), 'é\n');
    assert.deepEqual(tail.lines(), ['nxé']);
  });
  it('stays bounded for chatty commands', () => {
    const tail = new OutputTail(20, 1000);
    for (let i = 0; i < 10_000; i++) tail.append(`line ${i}\n`);
    assert.deepEqual(tail.lines().slice(-2), ['line 9998', 'line 9999']);
    assert.equal(tail.lines().length, 20);
  });
});

describe('OutputTail and stderr', () => {
  it('keeps the last stderr lines even when stdout arrived after them', () => {
    const tail = new OutputTail(4, 16_384, 2);
    tail.push(Buffer.from('fatal: no such file\n'), 'stderr');
    for (let i = 1; i <= 10; i++) tail.push(Buffer.from(`out ${i}\n`), 'stdout');
    assert.deepEqual(tail.lines(), ['out 8', 'out 9', 'out 10', 'fatal: no such file']);
  });
});
