/**
 * Every Berth command, each registered through one wrapper (`createCommand`) that logs, catches and
 * reports errors with "Show Log" / "Open Spec File" actions. Container operations go through
 * `runOperation`: a cancellable progress notification showing the core's current step, the busy
 * state for the status bar, and an AbortSignal the core honours.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { SpecReviewGate } from './specReview';
import type { SourceLocation } from '../core/errors';
import type { BerthEvent, EventSink } from '../core/events';
import type { BerthService, UseCaseContext, WorkspaceRef } from '../core/usecases/types';
import { addSpec } from './addSpec';
import type { ContainerWatch } from './containerWatch';
import { errorInfo, isCancellation, isEngineUnavailable } from './errorInfo';
import type { BerthLog } from './log';
import { type SpecEntry, type Specs, specLabel } from './specs';
import { describeMount, type HookResult, renderStatusReport } from './statusReport';
import { progressMessage, reduceActivity } from './statusModel';
import type { StatusDocument } from './statusDocument';
import type { TaskProvider } from './taskProvider';
import type { TerminalProvider } from './terminalProvider';
import type { WorkspaceState } from './workspaceState';

/** The commands in package.json, with the title the wrapper uses in messages. */
export const commandTitles = {
  'berth.start': 'Start Container',
  'berth.stop': 'Stop Container',
  'berth.restart': 'Restart Container',
  'berth.rebuild': 'Rebuild Container',
  'berth.rebuildNoCache': 'Rebuild Container Without Cache',
  'berth.remove': 'Remove Container',
  'berth.openTerminal': 'Open Terminal in Container',
  'berth.openServiceTerminal': 'Open Terminal in Service...',
  'berth.runTask': 'Run Task in Container',
  'berth.showLog': 'Show Log',
  'berth.showStatus': 'Show Container Status',
  'berth.openSpec': 'Open Spec File',
  'berth.selectSpec': 'Select Spec',
  'berth.addSpec': 'Add Dev Container Spec',
  // Internal: hidden from the palette.
  'berth.toggle': 'Start/Stop Container',
  'berth.dockerHelp': 'Docker Help',
} as const;
export type CommandId = keyof typeof commandTitles;

/** Arguments of `berth.remove` for keybindings and scripts: `{ "confirm": false }` skips the modal question. */
export interface RemoveOptions {
  confirm?: boolean;
  removeVolumes?: boolean;
}


export class CommandCenter implements vscode.Disposable {
  /** Whether this window brought the dev container up; only then does closing it apply shutdownAction. */
  startedHere = false;

  private readonly disposables: vscode.Disposable[] = [];
  /** The last error with a place in a spec file, for "Open Spec File". */
  private lastLocation: SourceLocation | undefined;
  private running: Promise<unknown> | undefined;
  /** Hook outcomes of the last operation, for "Show Container Status". */
  private hookResults: HookResult[] = [];

  constructor(
    private readonly service: BerthService,
    private readonly state: WorkspaceState,
    private readonly specs: Specs,
    private readonly log: BerthLog,
    private readonly watch: ContainerWatch,
    private readonly terminals: TerminalProvider,
    private readonly tasks: TaskProvider,
    private readonly statusDoc: StatusDocument,
    private readonly extensionUri: vscode.Uri,
    private readonly review: SpecReviewGate,
  ) {
    const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
      'berth.start': () => this.up('Start Container', 'Starting the dev container', {}),
      'berth.stop': () => this.stop(),
      'berth.restart': () => this.restart(),
      'berth.rebuild': () => this.up('Rebuild Container', 'Rebuilding the dev container', { removeExistingContainer: true }),
      'berth.rebuildNoCache': () =>
        this.up('Rebuild Container Without Cache', 'Rebuilding the dev container without cache', { removeExistingContainer: true, buildNoCache: true }),
      'berth.remove': (options) => this.remove(options as RemoveOptions | undefined),
      'berth.openTerminal': () => this.terminals.open(),
      'berth.openServiceTerminal': () => this.openServiceTerminal(),
      'berth.runTask': () => this.trusted('Run Task in Container') && this.tasks.runWorkspaceTask(),
      'berth.showLog': () => this.log.show(),
      'berth.showStatus': () => this.showStatus(),
      'berth.openSpec': (loc) => this.openSpec(loc as SourceLocation | undefined),
      'berth.selectSpec': () => this.selectSpec(),
      'berth.addSpec': (templateId, folder) =>
        this.addSpec(typeof templateId === 'string' ? templateId : undefined, folder instanceof vscode.Uri ? folder : undefined),
      'berth.toggle': () => this.toggle(),
      'berth.dockerHelp': () => this.dockerHelp(),
    };
    for (const [id, handler] of Object.entries(handlers) as [CommandId, (...args: unknown[]) => unknown][]) {
      this.disposables.push(this.createCommand(id, handler));
    }
  }

  /** The one wrapper: log the call, run it, report a failure with the actions that help. */
  private createCommand(id: CommandId, handler: (...args: unknown[]) => unknown): vscode.Disposable {
    const title = commandTitles[id];
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      this.log.write('debug', `[command] ${id}`);
      try {
        return await handler(...args);
      } catch (e) {
        if (isCancellation(e)) {
          this.log.write('info', `[command] ${title}: cancelled`);
          return undefined;
        }
        // Not awaited: the command ends now; the message waits for the user on its own.
        this.reportError(title, e).catch((inner) => this.log.error('[command] reporting an error', inner));
        return undefined;
      }
    });
  }

  private async reportError(title: string, e: unknown): Promise<void> {
    this.log.error(`[command] ${title} failed`, e);
    const actions: string[] = [];
    const info = errorInfo(e);
    const location = info.location;
    if (location) {
      this.lastLocation = location;
      actions.push('Open Spec File');
    }
    if (isEngineUnavailable(e)) actions.push('What to Do');
    actions.push('Show Log');
    const where = location && !info.message.includes(`:${location.line}:`) ? ` (${basename(location.file)}:${location.line}:${location.column})` : '';
    const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);
    const hint = info.hint ? ` ${sentence(info.hint.charAt(0).toUpperCase() + info.hint.slice(1))}` : '';
    const answer = await vscode.window.showErrorMessage(`Berth: ${title} failed: ${sentence(info.message + where)}${hint}`, ...actions);
    if (answer === 'Show Log') this.log.show();
    else if (answer === 'Open Spec File' && location) await this.openSpec(location);
    else if (answer === 'What to Do') await this.dockerHelp();
  }

  private requireRef(): WorkspaceRef {
    const ref = this.specs.ref();
    if (!ref) throw new Error('This workspace has no dev container spec. Run "Berth: Add Dev Container Spec" to create one.');
    return ref;
  }

  /** False (after saying why) in an untrusted workspace: Berth runs nothing from the repository there. */
  private trusted(what: string): boolean {
    if (this.state.state.trusted) return true;
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showWarningMessage(`Berth: "${what}" would run code from this repository (build, hooks), and the workspace is not trusted.`, manage)
      .then((a) => a === manage && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  /**
   * Runs one container operation: busy state, a cancellable progress notification with the
   * current step, events to the log. Refuses to start a second operation while one runs.
   */
  async runOperation<T>(title: string, op: (ctx: UseCaseContext) => Promise<T>): Promise<T | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage('Berth is busy with another operation; see the progress notification.');
      return undefined;
    }
    const controller = new AbortController();
    this.state.update({ activity: { kind: 'phase', label: 'starting' }, failure: undefined });
    const hooks: HookResult[] = [];
    const work = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Berth: ${title}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        const events: EventSink = (e: BerthEvent) => {
          this.log.sink(e);
          if (e.type === 'hook') {
            const key = (h: HookResult) => h.hook === e.hook && h.command === e.command;
            const { type: _type, ...result } = e;
            const at = hooks.findIndex(key);
            if (at >= 0) hooks[at] = result;
            else hooks.push(result);
            this.hookResults = hooks;
          }
          const activity = reduceActivity(this.state.state.activity, e);
          if (activity) this.state.update({ activity });
          const message = progressMessage(e);
          if (message) progress.report({ message });
        };
        return op({ events, signal: controller.signal, env: process.env });
      },
    ));
    this.running = work;
    try {
      const result = await work;
      this.state.update({ activity: undefined });
      return result;
    } catch (e) {
      const cancelled = controller.signal.aborted || isCancellation(e);
      this.state.update({ activity: undefined, failure: cancelled ? undefined : { message: errorInfo(e).message } });
      // Whatever the core threw after an abort, the wrapper should see a cancellation.
      if (cancelled && !isCancellation(e)) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      throw e;
    } finally {
      this.running = undefined;
      this.log.flush();
      void this.watch.refresh();
    }
  }

  private async up(command: string, title: string, options: { removeExistingContainer?: boolean; buildNoCache?: boolean }): Promise<void> {
    await this.specs.ready();
    if (!this.trusted(command)) return;
    const ref = this.requireRef();
    if (!(await this.review.allow(ref))) return;
    // Trusted (checked above): pin resolved Features in devcontainer-lock.json, as the CLI does.
    const result = await this.runOperation(title, (ctx) => this.service.up({ ...ref, writeLockfile: true, ...options }, ctx));
    if (result) this.startedHere = true;
    if (result) this.log.write('info', `[up] ${result.action} container ${result.containerId.slice(0, 12)} (user ${result.remoteUser}, folder ${result.remoteWorkspaceFolder})`);
  }

  /** Compose: a shell in any running service of the project, not only the dev container's. */
  private async openServiceTerminal(): Promise<void> {
    const ref = this.requireRef();
    const status = await this.service.status(ref, { events: this.log.sink, env: process.env });
    const running = (status.services ?? []).filter((s) => s.state === 'running');
    if (running.length === 0) {
      void vscode.window.showInformationMessage('Berth: no Compose service of this dev container is running.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      running.map((s) => ({ label: s.name, description: s.containerId?.slice(0, 12) })),
      { placeHolder: 'Open a terminal in which service?' },
    );
    if (pick) await this.terminals.open(pick.label);
  }

  private async stop(): Promise<void> {
    const ref = this.requireRef();
    await this.runOperation('Stopping the dev container', (ctx) => this.service.stop(ref, ctx));
  }

  private async restart(): Promise<void> {
    if (!this.trusted('Restart Container')) return;
    const ref = this.requireRef();
    if (!(await this.review.allow(ref))) return;
    await this.runOperation('Restarting the dev container', async (ctx) => {
      await this.service.stop(ref, ctx);
      return this.service.up(ref, ctx);
    });
  }

  private async remove(options?: RemoveOptions): Promise<void> {
    const ref = this.requireRef();
    const container = 'Remove Container';
    const withVolumes = 'Remove Container and Volumes';
    if (options?.confirm === false) {
      await this.runOperation('Removing the dev container', (ctx) => this.service.down({ ...ref, removeVolumes: options.removeVolumes === true }, ctx));
      return;
    }
    const answer = await vscode.window.showWarningMessage(
      `Remove the dev container of ${vscode.workspace.asRelativePath(ref.configFile ?? ref.workspaceFolder, true)}?`,
      {
        modal: true,
        detail: 'The container and what was installed in it are deleted; your workspace files are not touched. "Remove Container and Volumes" also deletes its anonymous volumes.',
      },
      container,
      withVolumes,
    );
    if (!answer) return;
    await this.runOperation('Removing the dev container', (ctx) => this.service.down({ ...ref, removeVolumes: answer === withVolumes }, ctx));
  }

  private async toggle(): Promise<void> {
    if (this.state.state.container?.state === 'running') await vscode.commands.executeCommand('berth.stop');
    else await vscode.commands.executeCommand('berth.start');
  }

  private async showStatus(): Promise<void> {
    const ref = this.requireRef();
    const status = await this.service.status(ref, { events: this.log.sink, env: process.env });
    await this.statusDoc.show(renderStatusReport(status, { failure: this.state.state.failure?.message, hookResults: this.hookResults, mounts: status.mounts.map(describeMount) }));
  }

  /** Opens the spec, at `location` when given, else at the last error's place when it is in that spec. */
  async openSpec(location?: SourceLocation): Promise<void> {
    const loc = location ?? this.lastLocation;
    const file = location?.file ?? this.specs.ref()?.configFile ?? loc?.file;
    if (!file) throw new Error('This workspace has no dev container spec.');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    let selection: vscode.Range | undefined;
    if (loc && loc.file === file) {
      const start = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1));
      selection = new vscode.Range(start, loc.length ? start.translate(0, loc.length) : start);
    }
    // The selection goes with the open, so the editor never shows the top of the file first.
    await vscode.window.showTextDocument(doc, { selection, preview: false });
  }

  private async selectSpec(): Promise<void> {
    await this.specs.ready();
    const current = this.specs.selected?.configFile;
    const picked = await vscode.window.showQuickPick(
      this.specs.list.map((e: SpecEntry) => ({ label: specLabel(e), description: e.configFile === current ? 'selected' : undefined, entry: e })),
      { placeHolder: 'Dev container spec to use in this window' },
    );
    if (picked) await this.specs.select(picked.entry.configFile);
  }

  private async addSpec(templateId?: string, target?: vscode.Uri): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = target
      ? { uri: target, name: target.path.split('/').pop() ?? target.fsPath, index: -1 }
      : folders.length <= 1
        ? folders[0]
        : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to add a dev container spec to' });
    if (!folder) {
      if (folders.length === 0) void vscode.window.showInformationMessage('Berth: open a folder first.');
      return;
    }
    const written = await addSpec(this.extensionUri, folder, templateId);
    if (written) await this.specs.refresh();
  }

  private async dockerHelp(): Promise<void> {
    const retry = 'Retry';
    const settings = 'Open Settings';
    const message = this.state.state.dockerMessage ? ` (${this.state.state.dockerMessage})` : '';
    const answer = await vscode.window.showWarningMessage(
      `Berth cannot reach a Docker engine${message}. Start Docker (Docker Desktop, or "sudo systemctl start docker" on Linux); ` +
        'make sure your user may use its socket (on Linux: the "docker" group); or point the berth.dockerHost setting (or DOCKER_HOST) at the engine.',
      retry,
      settings,
    );
    if (answer === retry) this.watch.start();
    else if (answer === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'berth.dockerHost');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
