/**
 * The starter specs bundled under `templates/` and the decisions around them: which one to suggest
 * for a workspace, and which files may be written (never over an existing one). Pure.
 */

/** One entry of `templates/index.json`. */
export interface TemplateInfo {
  id: string;
  label: string;
  description: string;
  /** File names inside `templates/<id>/`, written to `.devcontainer/`. */
  files: string[];
}

export function parseTemplateIndex(json: string): TemplateInfo[] {
  const data = JSON.parse(json) as { templates?: unknown };
  if (!Array.isArray(data.templates)) throw new Error('templates/index.json has no "templates" array');
  return data.templates.map((t: Partial<TemplateInfo>, i: number) => {
    if (typeof t.id !== 'string' || typeof t.label !== 'string' || !Array.isArray(t.files)) {
      throw new Error(`templates/index.json: entry ${i} needs id, label and files`);
    }
    return { id: t.id, label: t.label, description: t.description ?? '', files: t.files };
  });
}

/**
 * The template that fits a workspace best, from the names of the files at its root:
 * Compose files → compose, package.json → node, Python project files → python, else debian.
 */
export function suggestTemplate(rootFileNames: readonly string[]): string {
  const names = new Set(rootFileNames.map((n) => n.toLowerCase()));
  const has = (...candidates: string[]) => candidates.some((c) => names.has(c));
  if (has('docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml')) return 'compose';
  if (has('package.json')) return 'node';
  if (has('requirements.txt', 'pyproject.toml', 'setup.py', 'pipfile')) return 'python';
  return 'debian';
}

/** Templates in pick order: the suggested one first, the rest as listed. */
export function orderTemplates(templates: readonly TemplateInfo[], suggested: string): TemplateInfo[] {
  return [...templates.filter((t) => t.id === suggested), ...templates.filter((t) => t.id !== suggested)];
}

export type WritePlan =
  | { ok: true; files: { name: string; target: string }[] }
  | { ok: false; reason: 'spec-exists' | 'file-exists'; existing: string[] };

/**
 * What adding a template would write, given the paths that already exist (relative to the
 * workspace, `/`-separated). Refuses when any spec exists or any target file would be overwritten.
 */
export function planTemplateWrite(template: TemplateInfo, existing: ReadonlySet<string>): WritePlan {
  const specs = ['.devcontainer/devcontainer.json', '.devcontainer.json'].filter((p) => existing.has(p));
  if (specs.length > 0) return { ok: false, reason: 'spec-exists', existing: specs };
  const files = template.files.map((name) => ({ name, target: `.devcontainer/${name}` }));
  const clash = files.filter((f) => existing.has(f.target)).map((f) => f.target);
  if (clash.length > 0) return { ok: false, reason: 'file-exists', existing: clash };
  return { ok: true, files };
}
