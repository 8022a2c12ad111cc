/**
 * "Show Container Status": a read-only virtual Markdown document (scheme `berth-status`) shown in
 * the Markdown preview. Its content is whatever `render` last produced.
 */
import * as vscode from 'vscode';

export const statusScheme = 'berth-status';

export class StatusDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private content = '';
  private readonly registration: vscode.Disposable;
  readonly uri = vscode.Uri.from({ scheme: statusScheme, path: '/Berth Container Status.md' });

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(statusScheme, this);
  }

  provideTextDocumentContent(): string {
    return this.content;
  }

  /** Shows `markdown`, in the preview when the Markdown extension is there, else as text. */
  async show(markdown: string): Promise<void> {
    this.content = markdown;
    this.changed.fire(this.uri);
    const doc = await vscode.workspace.openTextDocument(this.uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    try {
      await vscode.commands.executeCommand('markdown.showPreview', this.uri);
    } catch {
      await vscode.window.showTextDocument(doc, { preview: true });
    }
  }

  /** The text last shown (e2e tests). */
  get text(): string {
    return this.content;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
