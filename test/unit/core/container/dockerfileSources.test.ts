import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copySources } from '../../../../src/core/container/dockerfileSources';
import { externalImages } from '../../../../src/core/container/drift';

describe('copySources', () => {
  it('finds COPY and ADD sources in shell and JSON form, skipping flags and the destination', () => {
    const text = [
      'FROM debian:bookworm-slim AS base',
      'COPY package.json package-lock.json /app/',
      'COPY --chown=dev:dev ["src/", "/app/src/"]',
      'ADD ./vendor/lib.tar.gz /opt/',
      'COPY --link --chmod=755 ./scripts/*.sh /usr/local/bin/',
    ].join('\n');
    assert.deepEqual(copySources(text), {
      sources: ['package.json', 'package-lock.json', 'src/', 'vendor/lib.tar.gz', 'scripts/*.sh'],
      unresolved: false,
      remote: false,
      runMounts: false,
      copyFrom: [],
    });
  });

  it('skips other stages, URLs and heredocs', () => {
    const text = 'FROM a AS b\nCOPY --from=b /x /y\nADD https://example.invalid/f.tgz /f\nCOPY <<EOF /etc/conf\nhello\nEOF\nCOPY . /app';
    assert.deepEqual(copySources(text).sources, ['.']);
  });

  it('joins continuation lines, drops comments, honours the escape directive', () => {
    assert.deepEqual(copySources('FROM x\nCOPY a \\\n  # a comment\n  b /dst/\n').sources, ['a', 'b']);
    assert.deepEqual(copySources('# escape=`\nFROM x\nCOPY c `\n d C:\\dst\n').sources, ['c', 'd']);
  });

  it('substitutes ARG defaults and build args; an unknown variable makes it unresolved', () => {
    const text = 'ARG DIR=app\nARG OTHER\nARG DIR2\nFROM x\nCOPY ${DIR}/ $DIR2 /dst/\nCOPY ${OTHER:-fallback} /d2';
    assert.deepEqual(copySources(text).sources, ['app/', 'fallback']);
    assert.equal(copySources(text).unresolved, true);
    assert.deepEqual(copySources(text, { DIR: 'web', DIR2: 'two', OTHER: 'o' }).sources, ['web/', 'two', 'o']);
    assert.equal(copySources(text, { DIR: 'web', DIR2: 'two', OTHER: 'o' }).unresolved, false);
    // A build arg the Dockerfile never declares is not visible to it.
    assert.equal(copySources('FROM x\nCOPY $UNDECLARED /d', { UNDECLARED: 'u' }).unresolved, true);
  });
});

describe('what a build reads besides the context (for build avoidance)', () => {
  it('flags ADD from a URL or git and RUN --mount', () => {
    assert.equal(copySources('FROM x\nADD https://example.invalid/f /f').remote, true);
    assert.equal(copySources('FROM x\nADD git@github.com:a/b.git /b').remote, true);
    assert.equal(copySources('FROM x\nADD local.tgz /f').remote, false);
    assert.equal(copySources('FROM x\nRUN --mount=type=cache,target=/root/.cache make').runMounts, true);
    assert.equal(copySources('FROM x\nRUN echo --mountain').runMounts, false);
  });

  it('lists external images: FROMs that are not stages or scratch, and COPY --from images', () => {
    const text = [
      'ARG BASE=debian:bookworm-slim',
      'FROM $BASE AS build',
      'FROM build AS test',
      'FROM scratch AS empty',
      'FROM node:20',
      'COPY --from=build /a /a',
      'COPY --from=0 /b /b',
      'COPY --from=busybox:latest /bin/busybox /bin/',
    ].join('\n');
    const { copyFrom } = copySources(text);
    assert.deepEqual(copyFrom, ['build', '0', 'busybox:latest']);
    assert.deepEqual(externalImages(text, {}, copyFrom), ['busybox:latest', 'debian:bookworm-slim', 'node:20']);
    assert.deepEqual(externalImages(text, { BASE: 'alpine:3' }, copyFrom), ['alpine:3', 'busybox:latest', 'node:20']);
  });

  it('is undefined when a FROM cannot be worked out', () => {
    assert.equal(externalImages('FROM $UNKNOWN\n', {}, []), undefined);
  });
});
