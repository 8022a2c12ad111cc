/**
 * The production commands: build and run the production image, stop it, and the Dev/Prod Parity
 * webview. They run through the command center's `runOperation` (progress, cancel, busy state) and
 * report failures like the other Berth commands.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EventSink } from '../core/events';
import type { ParityReport, ProductionRunResult } from '../core/usecases';
import type { BerthService, UseCaseContext, WorkspaceRef } from '../core/usecases/types';
import { errorInfo, isCancellation } from './errorInfo';
import { PARITY_VIEW_COMMANDS, type ParityViewCommand, renderParityHtml } from './parityView';

/** What the production commands need from the rest of the extension. */
export interface ProductionCommandDeps {
  service: BerthService;
  /** The selected spec, or undefined when the workspace has none. */
  ref(): WorkspaceRef | undefined;
  /** Runs an operation with progress and cancellation (CommandCenter.runOperation). */
  runOperation<T>(title: string, op: (ctx: UseCaseContext) => Promise<T>): Promise<T | undefined>;
  /** Whether the workspace is trusted (builds run the repository's Dockerfile). */
  trusted(): boolean;
  log: { sink: EventSink; show(): void; write(level: 'info' | 'warn' | 'error', message: string): void };
}

/** The command ids this file registers (package.json contributes them under category "Berth"). */
export const productionCommandTitles = {
  'berth.buildProduction': 'Build Production Image',
  'berth.runProduction': 'Run Production Image',
  'berth.stopProduction': 'Stop Production Container',
  'berth.showParity': 'Show Dev/Prod Parity',
} as const;
type ProductionCommandId = keyof typeof productionCommandTitles;

/** Handles for tests: the last report and run result shown. */
export interface ProductionCommands extends vscode.Disposable {
  lastParity(): ParityReport | undefined;
  lastRun(): ProductionRunResult | undefined;
  /** The HTML the parity panel shows ('' before the first report). */
  parityHtml(): string;
}

export function registerProductionCommands(context: vscode.ExtensionContext, deps: ProductionCommandDeps): ProductionCommands {
  let panel: vscode.WebviewPanel | undefined;
  let report: ParityReport | undefined;
  let run: ProductionRunResult | undefined;
  const disposables: vscode.Disposable[] = [];

  const requireRef = (): WorkspaceRef => {
    const ref = deps.ref();
    if (!ref) throw new Error('This workspace has no dev container spec. Run "Berth: Add Dev Container Spec" to create one.');
    return ref;
  };
  const requireTrust = (what: string): boolean => {
    if (deps.trusted()) return true;
    void vscode.window.showWarningMessage(`Berth: "${what}" builds and runs this repository's Dockerfile, and the workspace is not trusted.`);
    return false;
  };

  const showPanel = (r: ParityReport) => {
    if (!panel) {
      panel = vscode.window.createWebviewPanel('berth.parity', 'Dev/Prod Parity', vscode.ViewColumn.Active, {
        enableScripts: true,
        // The page loads nothing: no local or remote resources.
        localResourceRoots: [],
      });
      panel.onDidDispose(() => (panel = undefined), undefined, disposables);
      panel.webview.onDidReceiveMessage(
        (m: unknown) => {
          const command = typeof m === 'object' && m !== null ? (m as { command?: unknown }).command : undefined;
          if (typeof command === 'string' && (PARITY_VIEW_COMMANDS as readonly string[]).includes(command)) {
            void vscode.commands.executeCommand(command as ParityViewCommand);
          }
        },
        undefined,
        disposables,
      );
    }
    panel.webview.html = renderParityHtml(r, { nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource });
    panel.reveal(undefined, true);
  };

  const handlers: Record<ProductionCommandId, () => Promise<void>> = {
    'berth.buildProduction': async () => {
      if (!requireTrust('Build Production Image')) return;
      const ref = requireRef();
      const result = await deps.runOperation('Building the production image', (ctx) => deps.service.buildProduction(ref, ctx));
      if (result) void vscode.window.showInformationMessage(`Berth: built the production image ${result.imageName}${result.target ? ` (stage ${result.target})` : ''}.`);
    },
    'berth.runProduction': async () => {
      if (!requireTrust('Run Production Image')) return;
      const ref = requireRef();
      const result = await deps.runOperation('Running the production image', (ctx) => deps.service.runProduction(ref, ctx));
      if (!result) return;
      run = result;
      const where = result.url ?? result.ports.map((p) => `${p.hostIp}:${p.hostPort}`).join(', ');
      if (result.health === 'unhealthy') {
        deps.log.write('warn', `[production] unhealthy: ${result.detail}\n${result.logTail}`);
        const answer = await vscode.window.showWarningMessage(`Berth: the production container is unhealthy: ${result.detail}.`, 'Show Log', 'Stop It');
        if (answer === 'Show Log') deps.log.show();
        else if (answer === 'Stop It') await vscode.commands.executeCommand('berth.stopProduction');
        return;
      }
      const open = 'Open in Browser';
      const actions = result.url ? [open, 'Stop It'] : ['Stop It'];
      const answer = await vscode.window.showInformationMessage(
        `Berth: the production container is ${result.health === 'healthy' ? 'healthy' : 'running'}${where ? ` on ${where}` : ''}.`,
        ...actions,
      );
      if (answer === open && result.url) await vscode.env.openExternal(vscode.Uri.parse(result.url.replace(/\/[^/]*$/, '/')));
      else if (answer === 'Stop It') await vscode.commands.executeCommand('berth.stopProduction');
    },
    'berth.stopProduction': async () => {
      const ref = requireRef();
      const result = await deps.runOperation('Stopping the production container', (ctx) => deps.service.stopProduction(ref, ctx));
      if (result) void vscode.window.showInformationMessage(result.removed.length > 0 ? 'Berth: the production container was removed.' : 'Berth: no production container was running.');
    },
    'berth.showParity': async () => {
      if (!requireTrust('Show Dev/Prod Parity')) return;
      const ref = requireRef();
      const result = await deps.runOperation('Comparing the dev and production images', (ctx) => deps.service.parity(ref, ctx));
      if (!result) return;
      report = result;
      showPanel(result);
      const drift = result.drift[0];
      if (drift?.kind === 'dev-container-older') {
        const answer = await vscode.window.showWarningMessage(`Berth: ${drift.message}.`, 'Rebuild Container');
        if (answer) await vscode.commands.executeCommand('berth.rebuild');
      }
    },
  };

  for (const [id, handler] of Object.entries(handlers) as [ProductionCommandId, () => Promise<void>][]) {
    disposables.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await handler();
        } catch (e) {
          if (isCancellation(e)) return;
          const info = errorInfo(e);
          deps.log.write('error', `[command] ${productionCommandTitles[id]} failed: ${info.message}`);
          const answer = await vscode.window.showErrorMessage(
            `Berth: ${productionCommandTitles[id]} failed: ${info.message}${info.hint ? ` ${info.hint}` : ''}`,
            'Show Log',
          );
          if (answer === 'Show Log') deps.log.show();
        }
      }),
    );
  }

  const handle: ProductionCommands = {
    lastParity: () => report,
    lastRun: () => run,
    parityHtml: () => (panel ? panel.webview.html : ''),
    dispose: () => {
      panel?.dispose();
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
