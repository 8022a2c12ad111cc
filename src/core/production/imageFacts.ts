/**
 * What an image holds that layers do not show: its OS release and the language runtimes on its PATH.
 * One shell script gathers them in a short-lived container; parsing its output is pure.
 */

/** Runtimes Berth looks for, with the command that prints each one's version. */
export const RUNTIME_PROBES: readonly { name: string; command: string }[] = [
  { name: 'node', command: 'node --version' },
  { name: 'python3', command: 'python3 --version' },
  { name: 'python', command: 'python --version' },
  { name: 'ruby', command: 'ruby --version' },
  { name: 'go', command: 'go version' },
  { name: 'java', command: 'java -version' },
  { name: 'rustc', command: 'rustc --version' },
  { name: 'deno', command: 'deno --version' },
  { name: 'bun', command: 'bun --version' },
  { name: 'php', command: 'php --version' },
  { name: 'dotnet', command: 'dotnet --version' },
];

const MARK = '@@berth';

/** The script (for `/bin/sh -c`); each fact comes out as one marked line. */
export function imageFactsScript(): string {
  const lines = [
    `if [ -r /etc/os-release ]; then . /etc/os-release; echo "${MARK} os $PRETTY_NAME"; fi`,
    ...RUNTIME_PROBES.map(
      (p) => `if command -v ${p.name} >/dev/null 2>&1; then echo "${MARK} runtime ${p.name} $(${p.command} 2>&1 | head -n 1)"; fi`,
    ),
  ];
  return lines.join('\n');
}

export interface ImageFacts {
  /** `PRETTY_NAME` of /etc/os-release. */
  os?: string;
  /** Runtime name → its first line of version output (`v18.19.0`, `Python 3.11.2`). */
  runtimes: Record<string, string>;
  /** Why facts are missing (no /bin/sh in the image, the probe failed). */
  error?: string;
}

export function parseImageFacts(output: string): ImageFacts {
  const facts: ImageFacts = { runtimes: {} };
  for (const line of output.split(/\r?\n/)) {
    if (!line.startsWith(MARK + ' ')) continue;
    const rest = line.slice(MARK.length + 1);
    if (rest.startsWith('os ')) facts.os = rest.slice(3).trim() || undefined;
    else if (rest.startsWith('runtime ')) {
      const m = /^runtime (\S+) ?(.*)$/.exec(rest);
      if (m) facts.runtimes[m[1]] = m[2].trim();
    }
  }
  return facts;
}

/** A version number in a runtime's output (`v18.19.0` → `18.19.0`), to compare across images. */
export function versionNumber(text: string): string {
  return /\d+(?:\.\d+)+(?:[-+.\w]*)?/.exec(text)?.[0] ?? text.trim();
}
