import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRuntimes, formatParityReport, runtimeWarnings } from '../../../../src/core/production/report';
import { sampleReport } from '../../../support/parityReport';

describe('compareRuntimes', () => {
  it('compares version numbers of runtimes both have, and lists the rest', () => {
    const r = compareRuntimes({ node: 'v18.19.0', python3: 'Python 3.11.2' }, { node: '18.19.0', ruby: 'ruby 3.1' });
    assert.deepEqual(r, [
      { name: 'node', dev: 'v18.19.0', prod: '18.19.0', same: true },
      { name: 'python3', dev: 'Python 3.11.2', prod: undefined, same: false },
      { name: 'ruby', dev: undefined, prod: 'ruby 3.1', same: false },
    ]);
    assert.deepEqual(runtimeWarnings(r), []);
    assert.deepEqual(runtimeWarnings(compareRuntimes({ node: 'v18' }, { node: 'v20' })), ['node differs: dev has v18, production has v20']);
  });
});

describe('formatParityReport', () => {
  const text = formatParityReport(sampleReport(), 100);

  it('shows the base, both images, and the three layer groups with steps and sizes', () => {
    assert.match(text, /^base {8}debian:bookworm-slim \(stage base\)$/m);
    assert.match(text, /Shared layers \(2, 317 MB\):/);
    assert.match(text, /^ {4}2 {2}bb0000000000 {5}201 MB {2}RUN apt-get install nodejs$/m);
    assert.match(text, /Only in dev \(1, 50 MB\):/);
    assert.match(text, /Only in production \(2, 5\.6 kB\):/);
    assert.match(text, /COPY multi:1 in \.\//);
  });

  it('flags differing runtimes and prints drift with its fix', () => {
    assert.match(text, /node {6}v18\.19\.0 +v18\.20\.4 +DIFFERS/);
    assert.match(text, /^warning: node differs/m);
    assert.match(text, /fix: berth up --remove-existing-container/);
  });

  it('keeps lines within the width', () => {
    const long = sampleReport();
    long.shared.layers[1] = { ...long.shared.layers[1], instruction: 'RUN ' + 'x'.repeat(300) };
    for (const line of formatParityReport(long, 80).split('\n').filter((l) => l.includes('xxx'))) assert.ok(line.length <= 80, line);
  });
});
