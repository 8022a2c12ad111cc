import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildOutputParser, instructionLines } from '../../../../src/core/engine/buildOutput';
import type { BerthEvent } from '../../../../src/core/events';

function parse(lines: object[], splitAt?: number) {
  const events: BerthEvent[] = [];
  const p = new BuildOutputParser((e) => events.push(e));
  const text = lines.map((l) => JSON.stringify(l) + '\r\n').join('');
  if (splitAt) {
    p.push(text.slice(0, splitAt));
    p.push(text.slice(splitAt));
  } else p.push(Buffer.from(text));
  p.end();
  return { p, events };
}

describe('BuildOutputParser', () => {
  it('turns steps, cache hits and output into events and finds the image id', () => {
    const { p, events } = parse([
      { stream: 'Step 1/2 : FROM busybox\n' },
      { stream: ' ---> 6b74b6dc0630\n' },
      { stream: 'Step 2/2 : RUN true\n' },
      { stream: ' ---> Using cache\n' },
      { stream: ' ---> abc\n' },
      { aux: { ID: 'sha256:abc' } },
      { stream: 'Successfully built abc\n' },
    ]);
    assert.deepEqual(events.filter((e) => e.type !== 'output'), [
      { type: 'build-step', step: 1, total: 2, instruction: 'FROM busybox' },
      { type: 'build-step', step: 2, total: 2, instruction: 'RUN true' },
      { type: 'build-cached', step: 2 },
    ]);
    assert.equal(events.filter((e) => e.type === 'output').length, 6);
    assert.equal(p.imageId, 'sha256:abc');
  });

  it("reads Podman's (buildah's) step and cache lines too", () => {
    const { events } = parse([
      { stream: 'STEP 1/2: FROM busybox\n' },
      { stream: 'STEP 2/2: RUN true\n' },
      { stream: '--> Using cache 28d2c42b54372272f4bf6ed169770a7398af2b1363697baba9b69482b3fad88d\n' },
      { stream: '--> 28d2c42b543\n' },
    ]);
    assert.deepEqual(events.filter((e) => e.type !== 'output'), [
      { type: 'build-step', step: 1, total: 2, instruction: 'FROM busybox' },
      { type: 'build-step', step: 2, total: 2, instruction: 'RUN true' },
      { type: 'build-cached', step: 2 },
    ]);
  });

  it('falls back to "Successfully built" and survives JSON split across chunks', () => {
    const { p, events } = parse([{ stream: 'Step 1/1 : FROM x\n' }, { stream: 'Successfully built 0123abcd\n' }], 13);
    assert.equal(p.imageId, '0123abcd');
    assert.equal(events[0].type, 'build-step');
  });

  it('joins stream text split mid-line before matching steps', () => {
    const { events } = parse([{ stream: 'Step 3/' }, { stream: '4 : COPY . .\n' }]);
    assert.deepEqual(events[0], { type: 'build-step', step: 3, total: 4, instruction: 'COPY . .' });
  });

  it('reports errorDetail as build-failed naming the Dockerfile, step and line', () => {
    const { p } = parse([
      { stream: 'Step 1/2 : FROM x\n' },
      { stream: 'Step 2/2 : RUN exit 7\n' },
      { errorDetail: { code: 7, message: "The command '/bin/sh -c exit 7' returned a non-zero code: 7" }, error: 'x' },
    ]);
    const err = p.failure('/w/Dockerfile', 'FROM x\n\n# c\nRUN exit 7\n');
    assert.equal(err.code, 'build-failed');
    assert.match(err.message, /\/w\/Dockerfile failed at step 2\/2 \(RUN exit 7\): The command/);
    assert.deepEqual(err.location, { file: '/w/Dockerfile', line: 4, column: 1 });
  });
});

describe('instructionLines', () => {
  it('skips comments, blanks, parser directives and continuation lines', () => {
    const text = '# syntax=x\n# escape=`\nFROM a\nRUN one `\n  two `\n# inside\n  three\n\nCOPY . .\n';
    assert.deepEqual(instructionLines(text), [3, 4, 9]);
  });
});
