/** Shared helpers for the config reader's tests: fixture paths and temporary workspaces. */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'config');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A temporary workspace holding `files` (path → content); `cleanup` removes it. */
export function tempWorkspace(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text of every devcontainer.json in the fixtures (each of the spec's places), in a stable order: fuzz seeds. */
export function fixtureSpecTexts(): string[] {
  const out: string[] = [];
  for (const name of readdirSync(FIXTURES).sort()) {
    for (const rel of ['.devcontainer/devcontainer.json', '.devcontainer.json', '.devcontainer/python/devcontainer.json']) {
      try {
        out.push(readFileSync(join(FIXTURES, name, rel), 'utf8'));
      } catch {
        // not every fixture has every place
      }
    }
  }
  return out;
}
