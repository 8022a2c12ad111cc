/**
 * Follows the selected spec's container through `BerthService.watch` (engine events, no polling)
 * and keeps `ViewState.container` / `docker` current. Started after activation, never during it.
 */
import * as vscode from 'vscode';
import type { BerthService, StatusResult } from '../core/usecases/types';
import { errorInfo, isEngineUnavailable } from './errorInfo';
import type { BerthLog } from './log';
import type { Specs } from './specs';
import type { WorkspaceState } from './workspaceState';

export class ContainerWatch implements vscode.Disposable {
  private controller: AbortController | undefined;
  private last: StatusResult | undefined;
  private readonly firstStatus = new vscode.EventEmitter<StatusResult>();
  private sawFirst = false;
  private lastError: string | undefined;
  /** Fires once per watch start, with the first status (auto-start waits for it). */
  readonly onDidReceiveFirstStatus = this.firstStatus.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly service: BerthService,
    private readonly state: WorkspaceState,
    private readonly specs: Specs,
    private readonly log: BerthLog,
  ) {
    this.disposables.push(this.firstStatus, specs.onDidChange(() => this.start()));
  }

  /** The latest status of the container, if one arrived. */
  get status(): StatusResult | undefined {
    return this.last;
  }

  /** (Re)starts watching the selected spec; stops when there is none. */
  start(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.last = undefined;
    this.sawFirst = false;
    const ref = this.specs.ref();
    if (!ref) {
      this.state.update({ container: undefined });
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    try {
      this.service.watch(ref, (s) => !controller.signal.aborted && this.apply(s), (e) => !controller.signal.aborted && this.failed(e), controller.signal);
    } catch (e) {
      this.failed(e);
    }
  }

  /** Asks for a fresh status now (after an operation, in case the engine's events lag). */
  async refresh(): Promise<void> {
    const ref = this.specs.ref();
    if (!ref) return;
    try {
      this.apply(await this.service.status(ref, { events: this.log.sink, env: process.env }));
    } catch (e) {
      this.failed(e);
    }
  }

  private apply(s: StatusResult): void {
    this.last = s;
    this.lastError = undefined;
    const name = this.specs.selected?.name ?? s.containerName;
    this.state.update({ docker: 'available', dockerMessage: undefined, container: { state: s.state, name, ports: s.ports.length, services: s.services?.filter((v) => v.state === 'running').map((v) => v.name) } });
    if (!this.sawFirst) {
      this.sawFirst = true;
      this.firstStatus.fire(s);
    }
  }

  private failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (isEngineUnavailable(e)) {
      const hint = errorInfo(e).hint ? ` (${errorInfo(e).hint})` : '';
      if (this.state.state.docker !== 'unavailable') this.log.write('warn', `[docker] ${message}${hint}`);
      this.state.update({ docker: 'unavailable', dockerMessage: message, container: undefined });
    } else if (message !== this.lastError) {
      // The watch retries on every engine event: say each distinct problem once.
      this.log.error('[watch] status', e);
    }
    this.lastError = message;
  }

  dispose(): void {
    this.controller?.abort();
    for (const d of this.disposables) d.dispose();
  }
}
