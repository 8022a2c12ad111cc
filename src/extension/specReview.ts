import * as vscode from 'vscode';
import type { BerthService, WorkspaceRef } from '../core/usecases/types';
import type { BerthLog } from './log';
import { acceptedKey, riskPrompt } from './riskPrompt';

/**
 * Before Berth runs a spec in a trusted workspace, the parts that reach beyond the container
 * (initializeCommand on the host, host or Docker-socket mounts, privileges) are shown once per
 * version of the spec, and the answer is remembered by the spec's hash. Also hands the spec's
 * secrets to the log, so they are hidden from the first line of the operation on.
 */
export class SpecReviewGate {
  constructor(
    private readonly service: BerthService,
    private readonly memento: vscode.Memento,
    private readonly log: BerthLog,
  ) {}

  /** False when the user declined. A spec that cannot be read passes: `up` reports its errors. */
  async allow(ref: WorkspaceRef): Promise<boolean> {
    let review;
    try {
      review = await this.service.review(ref, { events: this.log.sink, env: process.env });
    } catch {
      return true;
    }
    this.log.setRedactor(review.redactor);
    if (review.risks.length === 0 || this.memento.get<boolean>(acceptedKey(review.specHash))) return true;
    const prompt = riskPrompt(vscode.workspace.asRelativePath(review.configFile), review.risks);
    const start = 'Start Anyway';
    const answer = await vscode.window.showWarningMessage(prompt.message, { modal: true, detail: prompt.detail }, start);
    if (answer !== start) {
      this.log.write('info', '[trust] start declined after reviewing the spec');
      return false;
    }
    await this.memento.update(acceptedKey(review.specHash), true);
    this.log.write('info', `[trust] accepted ${review.risks.length} item(s) of spec version ${review.specHash.slice(0, 12)}`);
    return true;
  }
}
