/**
 * Activation only wires the features together; nothing here talks to Docker. The first engine call
 * (the container watch) is scheduled after activate() returns, and the core with dockerode is
 * loaded then, by LazyService.
 */
import * as vscode from 'vscode';
import { registerProductionCommands } from './productionCommands';
import { SpecReviewGate } from './specReview';
import type { BerthService } from '../core/usecases/types';
import { AutoStart } from './autoStart';
import type { AutoStartDecision } from './autoStartPolicy';
import { CommandCenter } from './commandCenter';
import { ContainerWatch } from './containerWatch';
import { LazyCore, type ServiceOptions, forwardingService } from './coreService';
import { BerthLog } from './log';
import { Specs } from './specs';
import { StatusBar } from './statusBar';
import { StatusDocument } from './statusDocument';
import type { StatusBarModel, ViewState } from './statusModel';
import type { BerthTaskDefinition } from './pathMapping';
import { type TaskRun, TaskProvider } from './taskProvider';
import { type TerminalTranscript, TerminalProvider } from './terminalProvider';
import { WorkspaceState } from './workspaceState';

/** What `activate()` returns: the extension's state, observable by tests and other extensions. */
export interface BerthExtensionApi {
  /** The one state object the UI is derived from. */
  state(): ViewState;
  onDidChangeState: vscode.Event<ViewState>;
  /** The status bar item's text ('' while hidden). */
  statusText(): string;
  statusBar(): StatusBarModel;
  /** Resolves when the workspace's specs have been found. */
  ready(): Promise<void>;
  /** What Berth terminals showed, oldest first. */
  terminals(): readonly TerminalTranscript[];
  /** Berth task runs, oldest first. */
  taskRuns(): readonly TaskRun[];
  /** Auto-start decisions taken in this window. */
  autoStartDecisions(): readonly AutoStartDecision[];
  /** Runs the auto-start decision again (after a settings change in a test). */
  decideAutoStart(): Promise<AutoStartDecision>;
  /** Forgets the "Always" / "Never" answer of the auto-start prompt. */
  forgetAutoStartAnswer(): Promise<void>;
  /** A task that runs `definition` in the dev container, as a `berth` task in tasks.json would. */
  createTask(definition: BerthTaskDefinition, name: string, problemMatchers?: string[]): vscode.Task;
  /** Text of the last "Show Container Status" document. */
  statusReport(): string;
  /** The open Dev/Prod parity view as HTML, empty when none is open (for screenshots and tests). */
  parityHtml(): string;
  /**
   * Test hook, only in extension test mode: replaces the core with `service` (a fake; undefined
   * restores the real core) and restarts the container watch.
   */
  useService?(service: BerthService | undefined): void;
  /** Test hook, only in extension test mode: behave as in an (un)trusted workspace. */
  simulateTrust?(trusted: boolean): void;
}

function serviceOptions(): ServiceOptions {
  const config = vscode.workspace.getConfiguration('berth');
  const dockerHost = config.get<string>('dockerHost')?.trim();
  const composePath = config.get<string>('dockerComposePath')?.trim();
  return { platform: process.platform, env: process.env, dockerHost: dockerHost || undefined, dockerComposePath: composePath || undefined };
}

export function activate(context: vscode.ExtensionContext): BerthExtensionApi {
  let fake: BerthService | undefined;
  const core = new LazyCore(serviceOptions);
  // Every feature holds this forwarder, so a test's fake (useService) reaches all of them.
  const service = forwardingService(() => fake ?? core.service);

  const log = new BerthLog(() => vscode.workspace.getConfiguration('berth').get<string>('logLevel'));
  const state = new WorkspaceState({ trusted: vscode.workspace.isTrusted });
  const specs = new Specs(state, context.workspaceState);
  const statusBar = new StatusBar(state);
  const watch = new ContainerWatch(service, state, specs, log);
  const terminals = new TerminalProvider(service, state, specs, log);
  const tasks = new TaskProvider(service, state, specs, log, () => watch.status?.remoteWorkspaceFolder);
  const statusDoc = new StatusDocument();
  const review = new SpecReviewGate(service, context.workspaceState, log);
  const commands = new CommandCenter(service, state, specs, log, watch, terminals, tasks, statusDoc, context.extensionUri, review);
  const autoStart = new AutoStart(state, watch, context.workspaceState, log, () => vscode.commands.executeCommand('berth.start'));
  context.subscriptions.push(log, state, specs, statusBar, watch, terminals, tasks, statusDoc, commands, autoStart);
  onDeactivate = async () => {
    const ref = specs.ref();
    if (!commands.startedHere || !ref || !state.state.trusted) return;
    try {
      if (await service.shutdown(ref, { events: log.sink, env: process.env })) log.write('info', '[shutdown] stopped the dev container (shutdownAction)');
    } catch (e) {
      log.error('[shutdown] applying shutdownAction', e);
    }
  };
  const production = registerProductionCommands(context, {
    service,
    ref: () => specs.ref(),
    runOperation: (title, op) => commands.runOperation(title, op),
    trusted: () => state.state.trusted,
    log,
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('berth.dockerHost') || e.affectsConfiguration('berth.dockerComposePath')) {
        core.reset();
        watch.start();
      }
      if (e.affectsConfiguration('berth.defaultTerminalInContainer') && vscode.workspace.getConfiguration('berth').get('defaultTerminalInContainer')) {
        void offerDefaultProfile();
      }
    }),
  );

  // After activation: find the specs (files only); selecting one starts the container watch
  // (Specs.onDidChange). An untrusted workspace hears once why nothing starts.
  const ready = specs.refresh().then(() => {
    if (state.state.specs.length > 0 && !state.state.trusted) void autoStart.decide();
  });
  ready.catch((e) => log.error('[activate] finding specs', e));

  const api: BerthExtensionApi = {
    state: () => state.state,
    onDidChangeState: state.onDidChange,
    statusText: () => (statusBar.current.visible ? statusBar.current.text : ''),
    statusBar: () => statusBar.current,
    ready: () => ready.then(() => specs.ready()),
    terminals: () => terminals.transcripts,
    taskRuns: () => tasks.runs,
    autoStartDecisions: () => autoStart.decisions,
    decideAutoStart: () => autoStart.decide(),
    forgetAutoStartAnswer: () => autoStart.forget(),
    statusReport: () => statusDoc.text,
    parityHtml: () => production.parityHtml(),
    createTask: (definition, name, matchers) => tasks.makeTask(definition, vscode.TaskScope.Workspace, name, matchers),
  };
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    api.useService = (s) => {
      fake = s;
      state.update({ docker: 'unknown', container: undefined, failure: undefined });
      watch.start();
    };
    api.simulateTrust = (trusted) => state.update({ trusted });
  }
  log.write('info', `Berth ${context.extension.packageJSON.version as string} activated`);
  return api;
}

async function offerDefaultProfile(): Promise<void> {
  const choose = 'Select Default Profile';
  const answer = await vscode.window.showInformationMessage(
    'To open new terminals in the dev container while it runs, make "Berth: container shell" your default terminal profile. While the container is stopped it opens your host shell.',
    choose,
  );
  if (answer === choose) await vscode.commands.executeCommand('workbench.action.terminal.selectDefaultShell');
}

let onDeactivate: (() => Promise<void>) | undefined;

/**
 * The window is closing: apply the spec's shutdownAction to a container this window started (as the
 * Dev Containers extension does). Disposables in context.subscriptions end the watch and sessions.
 */
export function deactivate(): Promise<void> | undefined {
  return onDeactivate?.();
}
