import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStages, sharedAncestry, stageChain, stageFor } from '../../../../src/core/production/dockerfileStages';

const DOCKERFILE = `# syntax comment
ARG BASE=debian:bookworm-slim
FROM \${BASE} AS base
RUN apt-get update \\
 && apt-get install -y nodejs
FROM base AS Dev
RUN echo dev
FROM --platform=linux/amd64 base as prod
COPY . .
FROM busybox AS other
`;

describe('parseStages', () => {
  it('reads FROM lines with args, continuations, flags and lowercased names', () => {
    const stages = parseStages(DOCKERFILE);
    assert.deepEqual(
      stages.map((s) => [s.name, s.from, s.line]),
      [
        ['base', 'debian:bookworm-slim', 3],
        ['dev', 'base', 6],
        ['prod', 'base', 8],
        ['other', 'busybox', 10],
      ],
    );
  });

  it('lets build args override ARG defaults before the first FROM', () => {
    assert.equal(parseStages(DOCKERFILE, { BASE: 'ubuntu:24.04' })[0].from, 'ubuntu:24.04');
  });
});

describe('stage ancestry', () => {
  const stages = parseStages(DOCKERFILE);

  it('finds a target by name (any case), by index, or the last stage', () => {
    assert.equal(stageFor(stages, 'DEV')?.name, 'dev');
    assert.equal(stageFor(stages, '2')?.name, 'prod');
    assert.equal(stageFor(stages, undefined)?.name, 'other');
    assert.equal(stageFor(stages, 'nope'), undefined);
  });

  it('walks a chain to the image it starts from', () => {
    assert.deepEqual(stageChain(stages, 'prod').map((s) => s.name), ['prod', 'base']);
  });

  it('names the shared stage and base image of dev and prod', () => {
    const a = sharedAncestry(stages, 'dev', 'prod');
    assert.equal(a.stage?.name, 'base');
    assert.equal(a.baseImage, 'debian:bookworm-slim');
  });

  it('reports no common base when the targets start from different images', () => {
    const a = sharedAncestry(stages, 'dev', undefined);
    assert.equal(a.stage, undefined);
    assert.equal(a.baseImage, undefined);
    assert.equal(a.devRoot, 'debian:bookworm-slim');
    assert.equal(a.prodRoot, 'busybox');
  });
});
