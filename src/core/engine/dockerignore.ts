/**
 * `.dockerignore` as Docker reads it: one pattern per line, `#` comments, `!` exceptions, a leading
 * `/` meaning the context root, `*` and `?` within one path segment, `**` across segments, the last
 * matching line wins, and a pattern that matches a directory also matches everything below it.
 */

/** One parsed line of a `.dockerignore`. */
export interface IgnorePattern {
  /** The cleaned pattern, relative to the context root, `/`-separated. */
  pattern: string;
  /** A `!` line: re-includes what earlier lines excluded. */
  exception: boolean;
  regex: RegExp;
  /** The pattern up to its first wildcard, to tell which directories an exception can reach into. */
  literalPrefix: string;
}

/** Cleans a path the way Go's `path.Clean` does (`a//b/./c/..` → `a/b`), without a leading `./`. */
function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** A character matched literally. */
function escapeRegexChar(ch: string): string {
  return /[.+^${}()|\\*?[\]]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates one cleaned pattern to an anchored regular expression over `/`-separated paths. */
export function patternToRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++; // `**/` is `**`: zero or more whole segments
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      re += escapeRegexChar(pattern[i]);
    } else if (ch === '[') {
      // A character class as Go's filepath.Match takes it; `^` (or `!`) negates. Never matches `/`.
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('^') || body.startsWith('!')) {
        negate = true;
        body = body.slice(1);
      }
      body = body.replace(/\\/g, '\\\\').replace(/]/g, '\\]');
      re += negate ? `[^/${body}]` : `[${body}]`;
      i = end;
    } else {
      re += escapeRegexChar(ch);
    }
  }
  return new RegExp(`${re}$`, 's');
}

const WILDCARD = /[*?[\\]/;

/** Parses the text of a `.dockerignore` into patterns, in file order. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const raw of lines) {
    if (raw.startsWith('#')) continue;
    let line = raw.trim();
    if (line === '') continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    if (line === '') continue;
    let pattern = cleanPath(line);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    const wild = pattern.search(WILDCARD);
    patterns.push({
      pattern,
      exception,
      regex: patternToRegex(pattern),
      literalPrefix: wild < 0 ? pattern : pattern.slice(0, wild),
    });
  }
  return patterns;
}

/** Answers "is this path left out of the build context?" for one `.dockerignore`. */
export class DockerignoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  private readonly exceptions: readonly IgnorePattern[];

  constructor(patterns: IgnorePattern[]) {
    this.patterns = patterns;
    this.exceptions = patterns.filter((p) => p.exception);
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text));
  }

  /** Whether `relPath` (relative to the context root, `/`-separated) is excluded. */
  ignores(relPath: string): boolean {
    const path = cleanPath(relPath);
    if (path === '.' || this.patterns.length === 0) return false;
    const parents: string[] = [];
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) parents.push(path.slice(0, i));
    let excluded = false;
    for (const p of this.patterns) {
      // An exclusion can only change an included path, an exception only an excluded one.
      if (p.exception !== excluded) continue;
      const hit = p.regex.test(path) || parents.some((dir) => p.regex.test(dir));
      if (hit) excluded = !p.exception;
    }
    return excluded;
  }

  /**
   * Whether an excluded directory must still be walked because an exception may re-include
   * something inside it. Errs towards walking: each file found is still checked with `ignores`.
   */
  mayReincludeUnder(relDir: string): boolean {
    const dir = `${cleanPath(relDir)}/`;
    return this.exceptions.some((p) => {
      const prefix = p.literalPrefix;
      return prefix.startsWith(dir) || dir.startsWith(prefix) || (p.pattern + '/').startsWith(dir);
    });
  }
}
