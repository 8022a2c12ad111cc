import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignLayers, instructionOf, mapHistoryToLayers, rebuiltSteps, sharedPrefixLength, type HistoryEntry, type LayerInfo } from '../../../../src/core/production/layers';

const h = (createdBy: string, size: number, created = 1, comment = ''): HistoryEntry => ({ createdBy, size, created, comment });

describe('instructionOf', () => {
  it('turns recorded command lines into Dockerfile instructions', () => {
    assert.equal(instructionOf(h('/bin/sh -c #(nop)  ENV A=b', 0)), 'ENV A=b');
    assert.equal(instructionOf(h('/bin/sh -c #(nop) COPY file:abc in /app ', 1)), 'COPY file:abc in /app');
    assert.equal(instructionOf(h('/bin/sh -c apt-get update', 1)), 'RUN apt-get update');
    assert.equal(instructionOf(h('|2 A=1 B=two /bin/sh -c make', 1)), 'RUN make');
    assert.equal(instructionOf(h('RUN /bin/sh -c npm ci # buildkit', 1)), 'RUN /bin/sh -c npm ci');
    assert.equal(instructionOf(h('', 5, 1, 'Imported from -')), 'Imported from -');
  });
});

describe('mapHistoryToLayers', () => {
  // The history of examples/node-app's prod stage as the classic builder records it, oldest first.
  const history = [
    h('', 116_666_717, 1, 'Imported from -'),
    h('/bin/sh -c apt-get update && apt-get install -y nodejs', 201_156_600, 2),
    h('/bin/sh -c #(nop) WORKDIR /app', 0, 3),
    h('/bin/sh -c #(nop)  ENV NODE_ENV=production', 0, 4),
    h('/bin/sh -c #(nop) COPY multi:6fb5 in ./ ', 1_357, 5),
    h('/bin/sh -c useradd --system app', 4_292, 6),
    h('/bin/sh -c #(nop)  USER app', 0, 7),
    h('/bin/sh -c #(nop)  CMD ["node" "server.js"]', 0, 8),
  ];
  const digests = ['sha256:a', 'sha256:b', 'sha256:c', 'sha256:d', 'sha256:e'];

  it('gives each layer digest the step that made it, counting a zero-size WORKDIR as a layer', () => {
    const { layers, exact } = mapHistoryToLayers(history, digests);
    assert.equal(exact, true);
    assert.deepEqual(
      layers.map((l) => [l.digest, l.instruction, l.size]),
      [
        ['sha256:a', 'Imported from -', 116_666_717],
        ['sha256:b', 'RUN apt-get update && apt-get install -y nodejs', 201_156_600],
        ['sha256:c', 'WORKDIR /app', 0],
        ['sha256:d', 'COPY multi:6fb5 in ./', 1_357],
        ['sha256:e', 'RUN useradd --system app', 4_292],
      ],
    );
  });

  it('prefers an empty RUN over a WORKDIR when only one zero-size step made a layer', () => {
    const { layers, exact } = mapHistoryToLayers([h('', 5, 1, 'Imported from -'), h('/bin/sh -c #(nop) WORKDIR /x', 0), h('/bin/sh -c true', 0)], ['sha256:1', 'sha256:2']);
    assert.equal(exact, true);
    assert.deepEqual(layers.map((l) => l.instruction), ['Imported from -', 'RUN true']);
  });

  it('says when the history cannot account for every layer, and still lists them all', () => {
    const { layers, exact } = mapHistoryToLayers([h('/bin/sh -c #(nop)  ENV A=b', 0)], ['sha256:1', 'sha256:2']);
    assert.equal(exact, false);
    assert.equal(layers.length, 2);
    assert.equal(layers[1].instruction, '(unknown step)');
  });
});

const layer = (digest: string, instruction: string, created = 1): LayerInfo => ({ digest, index: 0, instruction, size: 1, created });

describe('sharedPrefixLength / alignLayers', () => {
  it('counts only the common bottom, in order', () => {
    assert.equal(sharedPrefixLength(['a', 'b', 'c'], ['a', 'b', 'd', 'c']), 2);
    assert.equal(sharedPrefixLength(['x'], ['a']), 0);
    assert.equal(sharedPrefixLength([], ['a']), 0);
    assert.equal(sharedPrefixLength(['a', 'b'], ['a', 'b']), 2);
  });

  it('does not count a layer shared at a different height', () => {
    const a = [layer('1', 'x'), layer('2', 'y'), layer('3', 'z')];
    const b = [layer('1', 'x'), layer('3', 'z')];
    const r = alignLayers(a, b);
    assert.deepEqual(r.shared.map((l) => l.digest), ['1']);
    assert.deepEqual(r.onlyA.map((l) => l.digest), ['2', '3']);
    assert.deepEqual(r.onlyB.map((l) => l.digest), ['3']);
  });
});

describe('rebuiltSteps', () => {
  it('finds the same step built twice and names the older side', () => {
    const dev = [layer('1', 'FROM'), layer('2', 'RUN apt-get install nodejs', 100), layer('3', 'RUN dev tools')];
    const prod = [layer('1', 'FROM'), layer('9', 'RUN apt-get install nodejs', 200), layer('8', 'COPY app')];
    assert.deepEqual(rebuiltSteps(dev, prod), { count: 1, older: 'a', instructions: ['RUN apt-get install nodejs'] });
    assert.equal(rebuiltSteps(prod, dev).older, 'b');
  });

  it('finds nothing when the stacks part ways at different steps', () => {
    const dev = [layer('1', 'FROM'), layer('2', 'RUN dev tools')];
    const prod = [layer('1', 'FROM'), layer('3', 'COPY app')];
    assert.deepEqual(rebuiltSteps(dev, prod), { count: 0, older: undefined, instructions: [] });
  });
});
