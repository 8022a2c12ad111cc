/**
 * Which files of the build context a Dockerfile reads: the sources of its COPY and ADD
 * instructions, so drift detection hashes those and nothing else (editing a README that is never
 * copied does not call for a rebuild).
 */

/** The context sources a Dockerfile copies, as written after ARG substitution. */
export interface CopySources {
  /** Context-relative patterns (`src/`, `package*.json`, `.`), in Dockerfile order, without repeats. */
  sources: string[];
  /**
   * True when a source uses a variable with no known value: the caller should then treat the whole
   * context as read, since it cannot tell which files are.
   */
  unresolved: boolean;
  /** An ADD reads a URL or a git repository: something outside the context and the Dockerfile. */
  remote: boolean;
  /** A RUN has `--mount` (BuildKit): it can read context files that no COPY names. */
  runMounts: boolean;
  /** `COPY --from=` values as written after ARG substitution: stage names, indexes or images. */
  copyFrom: string[];
}

/** Joins continuation lines and drops comments, honouring a `# escape=` parser directive. */
function instructions(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape') escape = directive[2];
  }
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const trimmedStart = raw.trimStart();
    if (trimmedStart.startsWith('#')) continue;
    const line = raw.trimEnd();
    if (line.endsWith(escape)) {
      current += line.slice(0, -escape.length) + ' ';
      continue;
    }
    current += line;
    if (current.trim() !== '') out.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** Splits shell-form arguments on whitespace, honouring simple single and double quotes. */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`; returns undefined when a variable has no value. */
function expand(text: string, vars: Map<string, string>): string | undefined {
  let unknown = false;
  const result = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const value = vars.get(name);
      if (op === '-') return value !== undefined && value !== '' ? value : (word ?? '');
      if (op === '+') return value !== undefined && value !== '' ? (word ?? '') : '';
      if (value === undefined) unknown = true;
      return value ?? '';
    });
  return unknown ? undefined : result;
}

/** Finds the context sources of COPY/ADD; `buildArgs` are the values `build.args` passes. */
export function copySources(dockerfileText: string, buildArgs: Record<string, string> = {}): CopySources {
  const vars = new Map<string, string>();
  const seen = new Set<string>();
  const sources: string[] = [];
  const copyFrom: string[] = [];
  let unresolved = false;
  let remote = false;
  let runMounts = false;
  for (const instruction of instructions(dockerfileText)) {
    const m = /^(\S+)\s*(.*)$/s.exec(instruction);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const rest = m[2];
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const w of words(rest)) {
        const eq = w.indexOf('=');
        const name = eq < 0 ? w : w.slice(0, eq);
        if (keyword === 'ARG' && buildArgs[name] !== undefined) vars.set(name, buildArgs[name]);
        else if (eq >= 0) vars.set(name, expand(w.slice(eq + 1), vars) ?? '');
      }
      continue;
    }
    if (keyword === 'RUN' && /(^|\s)--mount[=\s]/.test(rest)) runMounts = true;
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    // Flags (`--chown=…`, `--link`) come first, then the shell or JSON form of the paths.
    const flagPart = /^((?:--\S+\s+)*)(.*)$/s.exec(rest) as RegExpExecArray;
    const flags = words(flagPart[1]);
    // COPY --from reads another stage or image, not the context.
    const from = flags.find((f) => f.startsWith('--from='));
    if (from) copyFrom.push(expand(from.slice('--from='.length), vars) ?? from.slice('--from='.length));
    if (from) continue;
    let positional: string[] = words(flagPart[2]);
    if (flagPart[2].startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(flagPart[2]);
        if (Array.isArray(parsed)) positional = parsed.map(String);
      } catch {
        // not valid JSON: Docker reads it as the shell form too
      }
    }
    for (const source of positional.slice(0, -1)) {
      if (source.startsWith('<<')) continue; // heredoc: the content is in the Dockerfile itself
      if (keyword === 'ADD' && /^(https?:\/\/|git@|git:\/\/)/.test(source)) {
        remote = true;
        continue;
      }
      const expanded = expand(source, vars);
      if (expanded === undefined) {
        unresolved = true;
        continue;
      }
      const clean = expanded.replace(/^(\.\/)+/, '').replace(/^\/+/, '') || '.';
      if (!seen.has(clean)) {
        seen.add(clean);
        sources.push(clean);
      }
    }
  }
  return { sources, unresolved, remote, runMounts, copyFrom };
}
