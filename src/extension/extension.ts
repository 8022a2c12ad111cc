import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Wired by the extension layer; see src/extension/.
}

export function deactivate(): void {}
