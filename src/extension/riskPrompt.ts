/**
 * The words of the trust review shown before a spec's first start (pure: no vscode import, so it is
 * unit-tested). The gate that shows it lives in specReview.ts.
 */
import type { RiskItem } from '../core/trust';

export interface RiskPrompt {
  message: string;
  detail: string;
}

export function riskPrompt(specName: string, risks: readonly RiskItem[]): RiskPrompt {
  const high = risks.filter((r) => r.severity === 'high').length;
  const lines = [...risks]
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'high' ? -1 : 1))
    .map((r) => `${r.severity === 'high' ? '•' : '◦'} ${r.message}\n    ${r.path}: ${r.detail}`);
  return {
    message: `The dev container spec ${specName} asks for more than an ordinary container${high > 0 ? ` (${high} with access to this machine)` : ''}. Start it?`,
    detail: `${lines.join('\n')}\n\nBerth asks once for each version of the spec; a change to these settings asks again.`,
  };
}

/** The workspaceState key that remembers "Start Anyway" for one reviewed version of a spec. */
export function acceptedKey(specHash: string): string {
  return `berth.acceptedSpec.${specHash}`;
}
