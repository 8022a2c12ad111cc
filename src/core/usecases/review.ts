import { readConfig } from '../config';
import { redactorForSpec } from '../redact';
import { assessSpecRisk, specHash } from '../trust';
import type { CoreDeps } from './deps';
import type { SpecReview, UseCaseContext, WorkspaceRef } from './types';

/**
 * What a front end checks before running a spec: what it asks of the host beyond an ordinary
 * container (a command on the host, host mounts, privileges) with a hash to remember the user's
 * answer by, and the secrets to hide in logs. Reads the spec only; runs nothing.
 */
export async function review(deps: Pick<CoreDeps, 'platform'>, ref: WorkspaceRef, ctx: UseCaseContext): Promise<SpecReview> {
  const loaded = await readConfig({ workspaceFolder: ref.workspaceFolder, configFile: ref.configFile, env: ctx.env, platform: deps.platform });
  const risks = assessSpecRisk(loaded);
  return { configFile: loaded.configFile, specHash: specHash(loaded, risks), risks, redactor: redactorForSpec(loaded, ctx.env) };
}
