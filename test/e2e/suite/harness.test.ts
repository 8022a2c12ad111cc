// Proves the e2e plumbing inside the real extension host: Berth is loaded from its development path,
// activates by itself on a workspace holding a spec, and registers what its manifest contributes.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'berth-dev.berth';

interface ManifestContributes {
  commands?: { command: string; title: string }[];
  jsonValidation?: { fileMatch: string | string[]; url: string }[];
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function berth(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
  return ext;
}

suite('e2e harness', () => {
  test('the workspace is the spec fixture and is trusted', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder open');
    assert.ok(existsSync(join(folder.uri.fsPath, '.devcontainer', 'devcontainer.json')), `no spec in ${folder.uri.fsPath}`);
    assert.equal(vscode.workspace.isTrusted, true);
  });

  test('Berth is loaded from its development path', () => {
    const ext = berth();
    assert.ok(existsSync(join(ext.extensionPath, 'dist', 'extension.js')), `no dist/extension.js in ${ext.extensionPath}`);
  });

  test('Berth activates by itself on a workspace with a spec', async () => {
    // No activate() call: the workspaceContains activation event has to do it.
    const ext = berth();
    await until('Berth to activate', () => (ext.isActive ? true : undefined));
  });

  test('every command the manifest contributes is registered', async () => {
    const contributes = (berth().packageJSON as { contributes?: ManifestContributes }).contributes ?? {};
    const declared = (contributes.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the JSON schema the manifest points at ships with the extension', () => {
    const ext = berth();
    const contributes = (ext.packageJSON as { contributes?: ManifestContributes }).contributes ?? {};
    const urls = (contributes.jsonValidation ?? []).map((v) => v.url);
    assert.ok(urls.length > 0, 'no jsonValidation contribution');
    for (const url of urls) assert.ok(existsSync(join(ext.extensionPath, url)), `missing ${url}`);
  });
});
