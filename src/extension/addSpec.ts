/**
 * "Add Dev Container Spec": copies a bundled template from `templates/<id>/` into the workspace's
 * `.devcontainer/`. Never overwrites: the plan refuses when a spec or a target file exists, and each
 * write uses the exclusive flag in case one appeared meanwhile.
 */
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { orderTemplates, parseTemplateIndex, planTemplateWrite, suggestTemplate } from './templates';

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** Asks which template, writes it, opens the new devcontainer.json. Returns its path, or undefined. */
export async function addSpec(extensionUri: vscode.Uri, folder: Pick<vscode.WorkspaceFolder, 'uri' | 'name'>, templateId?: string): Promise<string | undefined> {
  const root = join(extensionUri.fsPath, 'templates');
  const templates = parseTemplateIndex(await readFile(join(root, 'index.json'), 'utf8'));
  const ws = folder.uri.fsPath;
  let rootNames: string[] = [];
  try {
    rootNames = await readdir(ws);
  } catch {
    // An unreadable folder gets the plain suggestion.
  }
  const suggested = suggestTemplate(rootNames);
  let template = templates.find((t) => t.id === templateId);
  if (!template) {
    const picked = await vscode.window.showQuickPick(
      orderTemplates(templates, suggested).map((t) => ({
        label: t.label,
        description: t.id === suggested ? 'suggested for this folder' : undefined,
        detail: t.description,
        template: t,
      })),
      { placeHolder: `Starter dev container spec for ${folder.name}` },
    );
    if (!picked) return undefined;
    template = picked.template;
  }
  const existing = new Set<string>();
  for (const rel of ['.devcontainer/devcontainer.json', '.devcontainer.json', ...template.files.map((f) => `.devcontainer/${f}`)]) {
    if (await exists(join(ws, rel))) existing.add(rel);
  }
  const plan = planTemplateWrite(template, existing);
  if (!plan.ok) {
    const what = plan.reason === 'spec-exists' ? 'already has a dev container spec' : 'already has files the template would write';
    const open = 'Open Existing';
    void vscode.window
      .showWarningMessage(`Berth: ${folder.name} ${what} (${plan.existing.join(', ')}); nothing was written.`, open)
      .then((answer) => {
        if (answer === open) void vscode.window.showTextDocument(vscode.Uri.file(join(ws, plan.existing[0])));
      });
    return undefined;
  }
  await mkdir(join(ws, '.devcontainer'), { recursive: true });
  for (const f of plan.files) {
    await writeFile(join(ws, f.target), await readFile(join(root, template.id, f.name)), { flag: 'wx' });
  }
  const spec = join(ws, '.devcontainer', 'devcontainer.json');
  await vscode.window.showTextDocument(vscode.Uri.file(spec));
  return spec;
}
