/**
 * The one Berth status bar item. Everything it shows comes from `statusBarModel(state)`.
 */
import * as vscode from 'vscode';
import { type StatusBarModel, statusBarModel } from './statusModel';
import type { WorkspaceState } from './workspaceState';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private model: StatusBarModel = { visible: false, text: '', tooltip: '' };

  constructor(state: WorkspaceState) {
    this.item = vscode.window.createStatusBarItem('berth.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Berth';
    this.disposables.push(this.item, state.onDidChange(() => this.render(state)));
    this.render(state);
  }

  /** What the item shows now (for the e2e tests' API). */
  get current(): StatusBarModel {
    return this.model;
  }

  private render(state: WorkspaceState): void {
    const m = statusBarModel(state.state);
    this.model = m;
    if (!m.visible) {
      this.item.hide();
      return;
    }
    this.item.text = m.text;
    const tip = new vscode.MarkdownString(m.tooltip, true);
    // Only our own commands may run from the tooltip's links.
    tip.isTrusted = { enabledCommands: ['berth.toggle', 'berth.showLog', 'berth.dockerHelp', 'berth.showStatus', 'workbench.trust.manage'] };
    this.item.tooltip = tip;
    this.item.command = m.command;
    this.item.backgroundColor =
      m.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : m.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
