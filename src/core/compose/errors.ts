/**
 * Compose's own error text turned into BerthErrors that name the file and line, and the error for a
 * `service` / `runServices` name the compose files do not define.
 */
import { isAbsolute, resolve } from 'node:path';
import { BerthError, type SourceLocation } from '../errors';

/** The last `in "<file>", line N, column M` (YAML parser errors) or `<file>: line N` in Compose's text. */
export function composeErrorLocation(text: string, cwd: string, fallbackFile: string): SourceLocation {
  const yaml = [...text.matchAll(/in "([^"]+)", line (\d+), column (\d+)/g)].pop();
  if (yaml) {
    const file = isAbsolute(yaml[1]) ? yaml[1] : resolve(cwd, yaml[1]);
    return { file, line: Number(yaml[2]), column: Number(yaml[3]) };
  }
  // Compose v2: `yaml: line 5: did not find expected key` after a file name.
  const v2 = /([^\s:"']+\.ya?ml)["']?:? (?:yaml: )?line (\d+)(?::| column (\d+))?/.exec(text);
  if (v2) {
    const file = isAbsolute(v2[1]) ? v2[1] : resolve(cwd, v2[1]);
    return { file, line: Number(v2[2]), column: v2[3] ? Number(v2[3]) : 1 };
  }
  const bare = /line (\d+)(?:, column (\d+))?/.exec(text);
  if (bare) return { file: fallbackFile, line: Number(bare[1]), column: bare[2] ? Number(bare[2]) : 1 };
  return { file: fallbackFile, line: 1, column: 1 };
}

/** The meaningful lines of Compose's error output (Python tracebacks and blank lines dropped). */
export function composeErrorLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^(Traceback|\s+File ")/.test(l))
    .slice(-12);
}

/** A compose file Compose could not read (`config` failed). */
export function composeConfigError(stderr: string, files: string[], cwd: string): BerthError {
  const location = composeErrorLocation(stderr, cwd, files[0] ?? cwd);
  const lines = composeErrorLines(stderr);
  // A YAML error ends with the problem, then `in "<file>", line N`: that problem is the message.
  const lastIn = lines.map((l) => /^\s*in "/.test(l)).lastIndexOf(true);
  const problem = lastIn > 0 && !/^\s*in "/.test(lines[lastIn - 1]) ? lines[lastIn - 1].trim() : undefined;
  const first = problem ?? lines.find((l) => /error|invalid|expected|mapping|found/i.test(l)) ?? lines[0] ?? 'Compose could not read it';
  return new BerthError('config-invalid', `Compose could not read the compose file ${location.file} (line ${location.line}): ${first.replace(/^ERROR:\s*/, '')}`, {
    location,
    output: lines,
    hint: 'Fix the compose file (dockerComposeFile in devcontainer.json names it), then run up again.',
  });
}

/** `service` (or a runServices entry) that no compose file defines. */
export function unknownServiceError(name: string, property: 'service' | 'runServices', found: string[], configFile: string, files: string[]): BerthError {
  const list = found.length > 0 ? found.join(', ') : 'none';
  return new BerthError('config-invalid', `The service '${name}' (${property} in devcontainer.json) is not defined in ${files.join(', ')}; services found: ${list}`, {
    location: { file: configFile, line: 1, column: 1, path: property },
    hint: `Set ${property} to one of: ${list}.`,
  });
}
