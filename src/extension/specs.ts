/**
 * The dev container specs of the open workspace folders, which one is selected (remembered per
 * workspace), and a watcher that notices specs being added or removed. Reads files only.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as jsonc from 'jsonc-parser';
import * as vscode from 'vscode';
import { findConfigs } from '../core/config/find';
import type { WorkspaceRef } from '../core/usecases/types';
import type { WorkspaceState } from './workspaceState';

const selectedKey = 'berth.selectedSpec';

export interface SpecEntry {
  configFile: string;
  workspaceFolder: string;
  /** The spec's `name`, when it has one. */
  name?: string;
}

export class Specs implements vscode.Disposable {
  private entries: SpecEntry[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the selected spec (or the list) changes. */
  readonly onDidChange = this.changed.event;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: WorkspaceState,
    private readonly memento: vscode.Memento,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{.devcontainer.json,.devcontainer/devcontainer.json,.devcontainer/*/devcontainer.json}');
    const again = () => void this.refresh();
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidCreate(again),
      watcher.onDidDelete(again),
      watcher.onDidChange(again),
      vscode.workspace.onDidChangeWorkspaceFolders(again),
    );
  }

  get list(): readonly SpecEntry[] {
    return this.entries;
  }

  get selected(): SpecEntry | undefined {
    const file = this.state.state.selectedSpec;
    return this.entries.find((e) => e.configFile === file);
  }

  /** The workspace and spec the core works on, or undefined when there is no spec. */
  ref(): WorkspaceRef | undefined {
    const s = this.selected;
    return s ? { workspaceFolder: s.workspaceFolder, configFile: s.configFile } : undefined;
  }

  /** Waits for a refresh in flight (tests, and commands run right after activation). */
  ready(): Promise<void> {
    return this.refreshing;
  }

  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.scan()).catch(() => undefined);
    return this.refreshing;
  }

  async select(configFile: string): Promise<void> {
    await this.memento.update(selectedKey, configFile);
    await this.refresh();
  }

  private async scan(): Promise<void> {
    const found: SpecEntry[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      for (const configFile of await findConfigs(folder.uri.fsPath)) {
        found.push({ configFile, workspaceFolder: folder.uri.fsPath, name: await specName(configFile) });
      }
    }
    const before = this.selected?.configFile;
    this.entries = found;
    const remembered = this.memento.get<string>(selectedKey);
    const pick = found.find((e) => e.configFile === remembered) ?? found[0];
    this.state.update({ specs: found.map((e) => e.configFile), selectedSpec: pick?.configFile, workspaceFolder: pick?.workspaceFolder });
    if (before !== pick?.configFile) this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

async function specName(configFile: string): Promise<string | undefined> {
  try {
    const data = jsonc.parse(await readFile(configFile, 'utf8')) as { name?: unknown } | undefined;
    return typeof data?.name === 'string' && data.name.trim() !== '' ? data.name : undefined;
  } catch {
    return undefined;
  }
}

/** Label for a spec in pickers: its folder relative to the workspace. */
export function specLabel(e: SpecEntry): string {
  const rel = vscode.workspace.asRelativePath(e.configFile, true);
  return e.name ? `${e.name} (${rel})` : rel || dirname(e.configFile);
}
