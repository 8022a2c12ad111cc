import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerignoreMatcher, parseDockerignore } from '../../../../src/core/engine/dockerignore';

const m = (text: string) => DockerignoreMatcher.fromText(text);

describe('parseDockerignore', () => {
  it('skips comments and blank lines, trims, strips a leading slash and cleans paths', () => {
    const pats = parseDockerignore('# comment\n\n  /foo/bar/  \n!./baz//qux\r\n  # not a comment after spaces\n');
    assert.deepEqual(
      pats.map((p) => [p.pattern, p.exception]),
      [
        ['foo/bar', false],
        ['baz/qux', true],
        ['# not a comment after spaces', false],
      ],
    );
  });

  it('ignores a lone "!" and a byte order mark', () => {
    assert.deepEqual(parseDockerignore('\uFEFFa\n!\n').map((p) => p.pattern), ['a']);
  });

  it('records the literal prefix before the first wildcard', () => {
    assert.equal(parseDockerignore('!src/*/keep')[0].literalPrefix, 'src/');
    assert.equal(parseDockerignore('!**/keep')[0].literalPrefix, '');
  });
});

describe('DockerignoreMatcher.ignores', () => {
  it('matches exact names at the root only', () => {
    const d = m('secret.txt');
    assert.equal(d.ignores('secret.txt'), true);
    assert.equal(d.ignores('sub/secret.txt'), false);
  });

  it('a matched directory excludes everything below it', () => {
    const d = m('node_modules');
    assert.equal(d.ignores('node_modules'), true);
    assert.equal(d.ignores('node_modules/a/b.js'), true);
    assert.equal(d.ignores('src/node_modules/x'), false);
  });

  it('* stays within one segment, ? is one character', () => {
    const d = m('*.log\nbuild/?.o');
    assert.equal(d.ignores('a.log'), true);
    assert.equal(d.ignores('dir/a.log'), false);
    assert.equal(d.ignores('build/x.o'), true);
    assert.equal(d.ignores('build/xy.o'), false);
    assert.equal(d.ignores('build/sub/x.o'), false);
  });

  it('**/ matches any number of directories, including none', () => {
    const d = m('**/*.tmp');
    assert.equal(d.ignores('a.tmp'), true);
    assert.equal(d.ignores('x/y/z/a.tmp'), true);
    assert.equal(d.ignores('x/a.tmpl'), false);
  });

  it('** in the middle and at the end', () => {
    const d = m('docs/**/draft.md\ncache/**');
    assert.equal(d.ignores('docs/draft.md'), true);
    assert.equal(d.ignores('docs/a/b/draft.md'), true);
    assert.equal(d.ignores('docs/a/final.md'), false);
    assert.equal(d.ignores('cache/x/y'), true);
  });

  it('! re-includes, and the last matching line wins', () => {
    const d = m('*.md\n!README.md');
    assert.equal(d.ignores('NOTES.md'), true);
    assert.equal(d.ignores('README.md'), false);
    const e = m('!README.md\n*.md');
    assert.equal(e.ignores('README.md'), true);
  });

  it('an exception can re-include a file under an excluded directory', () => {
    const d = m('secrets\n!secrets/public.pem');
    assert.equal(d.ignores('secrets/private.pem'), true);
    assert.equal(d.ignores('secrets/public.pem'), false);
    assert.equal(d.mayReincludeUnder('secrets'), true);
    assert.equal(d.mayReincludeUnder('other'), false);
  });

  it('exception with ** may reach into any directory', () => {
    const d = m('vendor\n!**/LICENSE');
    assert.equal(d.mayReincludeUnder('vendor'), true);
    assert.equal(d.ignores('vendor/lib/LICENSE'), false);
    assert.equal(d.ignores('vendor/lib/code.c'), true);
  });

  it('a leading slash anchors at the root like any pattern', () => {
    const d = m('/tmp');
    assert.equal(d.ignores('tmp'), true);
    assert.equal(d.ignores('tmp/x'), true);
    assert.equal(d.ignores('a/tmp'), false);
  });

  it('character classes, negated classes and escapes', () => {
    const d = m('file[0-9].txt\nx[^a].txt\nliteral\\*star');
    assert.equal(d.ignores('file3.txt'), true);
    assert.equal(d.ignores('filea.txt'), false);
    assert.equal(d.ignores('xb.txt'), true);
    assert.equal(d.ignores('xa.txt'), false);
    assert.equal(d.ignores('literal*star'), true);
    assert.equal(d.ignores('literalXstar'), false);
  });

  it('dots and regex characters are literal', () => {
    const d = m('a.b\n(x)+');
    assert.equal(d.ignores('a.b'), true);
    assert.equal(d.ignores('axb'), false);
    assert.equal(d.ignores('(x)+'), true);
  });

  it('a pattern with .. is cleaned as a path', () => {
    assert.equal(m('a/../b').ignores('b'), true);
  });

  it('the context root itself is never excluded, and no patterns exclude nothing', () => {
    assert.equal(m('*').ignores('.'), false);
    assert.equal(m('').ignores('anything'), false);
  });

  it('"*" excludes everything at the root, exceptions bring files back', () => {
    const d = m('*\n!src\n!package.json');
    assert.equal(d.ignores('README.md'), true);
    assert.equal(d.ignores('src/index.ts'), false);
    assert.equal(d.ignores('package.json'), false);
  });
});
