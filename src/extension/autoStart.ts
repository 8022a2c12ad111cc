/**
 * Starts the dev container when a window opens, per `berth.autoStart` and the per-workspace answer
 * to the prompt. Decides with `autoStartDecision` once the first container status is known, and
 * again when the workspace becomes trusted.
 */
import * as vscode from 'vscode';
import { type AutoStartDecision, type Remembered, autoStartDecision, parseAutoStartMode } from './autoStartPolicy';
import type { ContainerWatch } from './containerWatch';
import type { BerthLog } from './log';
import type { WorkspaceState } from './workspaceState';

const rememberKey = 'berth.autoStart.remembered';
const untrustedToldKey = 'berth.untrustedExplained';

export class AutoStart implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Every decision taken in this window, in order (the e2e tests read them through the API). */
  readonly decisions: AutoStartDecision[] = [];
  private decided = false;

  constructor(
    private readonly state: WorkspaceState,
    watch: ContainerWatch,
    private readonly memento: vscode.Memento,
    private readonly log: BerthLog,
    private readonly start: () => Thenable<unknown>,
  ) {
    this.disposables.push(
      watch.onDidReceiveFirstStatus(() => {
        if (!this.decided) void this.decide();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.state.update({ trusted: true });
        void this.decide();
      }),
    );
  }

  get remembered(): Remembered {
    return this.memento.get<Remembered>(rememberKey);
  }

  /** Forgets the "Always" / "Never" answer (tests, and users through the setting's docs). */
  async forget(): Promise<void> {
    await this.memento.update(rememberKey, undefined);
  }

  async decide(): Promise<AutoStartDecision> {
    this.decided = true;
    const s = this.state.state;
    const decision = autoStartDecision({
      mode: parseAutoStartMode(vscode.workspace.getConfiguration('berth').get('autoStart')),
      remembered: this.remembered,
      hasSpec: s.specs.length > 0,
      trusted: s.trusted,
      running: s.container?.state === 'running',
      busy: s.activity !== undefined,
    });
    this.decisions.push(decision);
    this.log.write('debug', `[auto-start] ${JSON.stringify(decision)}`);
    switch (decision.action) {
      case 'start':
        await this.start();
        break;
      case 'prompt':
        void this.prompt();
        break;
      case 'explain-untrusted':
        void this.explainUntrusted();
        break;
      case 'none':
        break;
    }
    return decision;
  }

  private async prompt(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.name ?? 'this workspace';
    const answer = await vscode.window.showInformationMessage(`Start the dev container for ${folder}?`, 'Start', 'Always', 'Never for This Workspace');
    if (answer === 'Always') await this.memento.update(rememberKey, 'always');
    if (answer === 'Never for This Workspace') await this.memento.update(rememberKey, 'never');
    if (answer === 'Start' || answer === 'Always') await this.start();
  }

  private async explainUntrusted(): Promise<void> {
    if (this.memento.get<boolean>(untrustedToldKey)) return;
    await this.memento.update(untrustedToldKey, true);
    const manage = 'Manage Workspace Trust';
    const answer = await vscode.window.showInformationMessage(
      'Berth does not start the dev container of an untrusted workspace: building it and its hooks would run code from the repository. Trust the workspace to use Berth here.',
      manage,
    );
    if (answer === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
