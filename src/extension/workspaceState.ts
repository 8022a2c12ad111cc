/**
 * Holds the one ViewState of the window and tells listeners when it changes. The `setContext` keys
 * that `when` clauses use are derived from it here, so they can never disagree with the status bar.
 */
import * as vscode from 'vscode';
import { type ViewState, contextKeys, initialViewState } from './statusModel';

export class WorkspaceState implements vscode.Disposable {
  private current: ViewState;
  private readonly changed = new vscode.EventEmitter<ViewState>();
  private lastKeys: Record<string, boolean | string> = {};
  /** Fires after every change, with the new state. */
  readonly onDidChange = this.changed.event;

  constructor(initial: Partial<ViewState> = {}) {
    this.current = { ...initialViewState, ...initial };
    this.publishContext();
  }

  get state(): ViewState {
    return this.current;
  }

  update(patch: Partial<ViewState> | ((s: ViewState) => Partial<ViewState>)): void {
    const p = typeof patch === 'function' ? patch(this.current) : patch;
    this.current = { ...this.current, ...p };
    this.publishContext();
    this.changed.fire(this.current);
  }

  private publishContext(): void {
    const keys = contextKeys(this.current);
    for (const [k, v] of Object.entries(keys)) {
      if (this.lastKeys[k] !== v) void vscode.commands.executeCommand('setContext', k, v);
    }
    this.lastKeys = keys;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
