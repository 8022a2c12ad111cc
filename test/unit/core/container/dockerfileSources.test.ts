import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copySources } from '../../../../src/core/container/dockerfileSources';

describe('copySources', () => {
  it('finds COPY and ADD sources in shell and JSON form, skipping flags and the destination', () => {
    const text = [
      'FROM debian:bookworm-slim AS base',
      'COPY package.json package-lock.json /app/',
      'COPY --chown=dev:dev ["src/", "/app/src/"]',
      'ADD ./vendor/lib.tar.gz /opt/',
      'COPY --link --chmod=755 ./scripts/*.sh /usr/local/bin/',
    ].join('\n');
    assert.deepEqual(copySources(text), { sources: ['package.json', 'package-lock.json', 'src/', 'vendor/lib.tar.gz', 'scripts/*.sh'], unresolved: false });
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
    assert.deepEqual(copySources(text), { sources: ['app/', 'fallback'], unresolved: true });
    assert.deepEqual(copySources(text, { DIR: 'web', DIR2: 'two', OTHER: 'o' }), { sources: ['web/', 'two', 'o'], unresolved: false });
    // A build arg the Dockerfile never declares is not visible to it.
    assert.equal(copySources('FROM x\nCOPY $UNDECLARED /d', { UNDECLARED: 'u' }).unresolved, true);
  });
});
