/**
 * The HTML of the "Dev/Prod Parity" webview: the dev and production layer stacks drawn side by side,
 * the shared bottom spanning both, themed with VS Code's colours, with the CLI's text table as a
 * fallback. Pure (no `vscode` import), so it is unit-tested as a string.
 */
import type { LayerInfo } from '../core/production/layers';
import { formatBytes } from '../core/production/format';
import { formatParityReport, type ParityReport } from '../core/production/report';

/** Commands the page's buttons may ask for; the panel runs nothing else. */
export const PARITY_VIEW_COMMANDS = ['berth.rebuild', 'berth.buildProduction', 'berth.showParity'] as const;
export type ParityViewCommand = (typeof PARITY_VIEW_COMMANDS)[number];

export interface ParityHtmlOptions {
  /** A fresh random value per render; every script and style carries it. */
  nonce: string;
  /** The webview's `cspSource` (allowed for styles; no remote resources are used). */
  cspSource: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Box height class, 1 (empty) to 6 (biggest): by the share of the largest layer, on a root scale so small layers stay visible. */
export function heightClass(size: number, largest: number): number {
  if (size <= 0 || largest <= 0) return 1;
  return 2 + Math.min(4, Math.floor(Math.sqrt(size / largest) * 4.999));
}

function shortDigest(d: string): string {
  return d.replace(/^sha256:/, '').slice(0, 12);
}

function box(l: LayerInfo, kind: 'shared' | 'dev' | 'prod', largest: number, span: boolean): string {
  const title = `${l.instruction}\n${formatBytes(l.size)} · layer ${l.index + 1} · ${l.digest}`;
  const cls = `layer ${kind} h${heightClass(l.size, largest)}${span ? ' span' : ''}`;
  return (
    `<div class="${cls}" title="${escapeHtml(title)}" data-digest="${escapeHtml(l.digest)}">` +
    `<span class="instr">${escapeHtml(l.instruction)}</span>` +
    `<span class="meta">${escapeHtml(formatBytes(l.size))} · ${escapeHtml(shortDigest(l.digest))}</span></div>`
  );
}

function stack(layers: LayerInfo[], kind: 'dev' | 'prod', largest: number): string {
  if (layers.length === 0) return `<div class="stack ${kind}"><div class="none">no layers of its own</div></div>`;
  // Newest on top, as images stack.
  return `<div class="stack ${kind}">${[...layers].reverse().map((l) => box(l, kind, largest, false)).join('')}</div>`;
}

function runtimeRows(r: ParityReport): string {
  return r.runtimes
    .map((rt) => {
      const state = rt.dev !== undefined && rt.prod !== undefined ? (rt.same ? 'same' : 'differs') : 'only one';
      return `<tr class="${state === 'differs' ? 'warn' : ''}"><td>${escapeHtml(rt.name)}</td><td>${escapeHtml(rt.dev ?? '—')}</td><td>${escapeHtml(rt.prod ?? '—')}</td><td>${state}</td></tr>`;
    })
    .join('');
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
h1 { font-size: 1.3em; font-weight: 600; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin-bottom: 16px; }
.summary dt { color: var(--vscode-descriptionForeground); }
.summary dd { margin: 0; }
.picture { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); column-gap: 12px; max-width: 900px; }
.head { font-weight: 600; padding: 4px 0; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-foreground)); margin-bottom: 6px; }
.stack { display: flex; flex-direction: column; justify-content: flex-end; gap: 3px; }
.shared-band { grid-column: 1 / span 2; display: flex; flex-direction: column; gap: 3px; margin-top: 3px; padding: 6px; border: 2px dashed var(--vscode-charts-green); border-radius: 4px; }
.shared-label { font-weight: 600; color: var(--vscode-charts-green); margin-bottom: 2px; }
.layer { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding: 2px 8px; border-radius: 3px; border: 1px solid var(--vscode-panel-border, transparent); overflow: hidden; color: var(--vscode-editor-foreground); }
.layer .instr { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-family: var(--vscode-editor-font-family); font-size: 0.92em; }
.layer .meta { white-space: nowrap; color: var(--vscode-descriptionForeground); font-size: 0.85em; }
.layer.shared { background: color-mix(in srgb, var(--vscode-charts-green) 28%, transparent); border-left: 4px solid var(--vscode-charts-green); }
.layer.dev { background: color-mix(in srgb, var(--vscode-charts-blue) 28%, transparent); border-left: 4px solid var(--vscode-charts-blue); }
.layer.prod { background: color-mix(in srgb, var(--vscode-charts-orange) 28%, transparent); border-left: 4px solid var(--vscode-charts-orange); }
.h1 { min-height: 18px; } .h2 { min-height: 24px; } .h3 { min-height: 34px; } .h4 { min-height: 46px; } .h5 { min-height: 60px; } .h6 { min-height: 78px; }
.none { color: var(--vscode-descriptionForeground); font-style: italic; padding: 4px 0; }
.legend { display: flex; gap: 16px; margin: 10px 0; font-size: 0.9em; }
.legend span::before { content: ''; display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; vertical-align: middle; }
.legend .l-shared::before { background: var(--vscode-charts-green); } .legend .l-dev::before { background: var(--vscode-charts-blue); } .legend .l-prod::before { background: var(--vscode-charts-orange); }
table { border-collapse: collapse; margin: 8px 0; }
td, th { text-align: left; padding: 2px 12px 2px 0; }
tr.warn td { color: var(--vscode-editorWarning-foreground); }
.notice { padding: 6px 10px; margin: 6px 0; border-left: 4px solid var(--vscode-editorWarning-foreground); background: var(--vscode-inputValidation-warningBackground, transparent); }
button { font-family: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; margin-left: 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
details pre { font-family: var(--vscode-editor-font-family); font-size: 0.9em; white-space: pre; overflow-x: auto; }
`;

/** The whole page. Text comes only from the report and is escaped; the one script only posts button clicks. */
export function renderParityHtml(r: ParityReport, options: ParityHtmlOptions): string {
  const n = escapeHtml(options.nonce);
  const largest = Math.max(1, ...r.dev.layers.map((l) => l.size), ...r.prod.layers.map((l) => l.size));
  const base = r.base.image
    ? `${escapeHtml(r.base.image)}${r.base.stage ? ` (stage <code>${escapeHtml(r.base.stage)}</code>)` : ''}`
    : `different bases: dev from ${escapeHtml(r.base.devFrom ?? '?')}, production from ${escapeHtml(r.base.prodFrom ?? '?')}`;
  const os = r.dev.os === r.prod.os ? escapeHtml(r.dev.os ?? 'unknown') : `dev ${escapeHtml(r.dev.os ?? 'unknown')}, production ${escapeHtml(r.prod.os ?? 'unknown')}`;
  const target = (t: string | undefined) => (t ? `target <code>${escapeHtml(t)}</code>` : 'last stage');
  const sharedBoxes = [...r.shared.layers].reverse().map((l) => box(l, 'shared', largest, true)).join('');
  const label = `Dev image: ${r.dev.layers.length} layers, production image: ${r.prod.layers.length} layers; they share the bottom ${r.shared.layers.length} layers (${formatBytes(r.shared.size)}).`;
  const drift = r.drift
    .map((d) => {
      const cmd: ParityViewCommand | undefined = d.kind === 'dev-container-older' ? 'berth.rebuild' : d.kind === 'prod-older' ? 'berth.buildProduction' : undefined;
      const button = cmd ? `<button data-command="${cmd}">${cmd === 'berth.rebuild' ? 'Rebuild Dev Container' : 'Build Production Image'}</button>` : '';
      return `<div class="notice drift">Drift: ${escapeHtml(d.message)}. Fix: <code>${escapeHtml(d.fix)}</code>${button}</div>`;
    })
    .join('');
  const warnings = r.warnings.map((w) => `<div class="notice">${escapeHtml(w)}</div>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${escapeHtml(options.cspSource)} data:; style-src ${escapeHtml(options.cspSource)} 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Dev/Prod Parity</title>
<style nonce="${n}">${STYLE}</style>
</head>
<body>
<h1>Dev/Prod parity <button data-command="berth.showParity">Refresh</button></h1>
<dl class="summary">
<dt>Base</dt><dd>${base}</dd>
<dt>Dev</dt><dd><code>${escapeHtml(r.dev.image)}</code>, ${target(r.dev.target)}, ${escapeHtml(formatBytes(r.dev.size))}</dd>
<dt>Production</dt><dd><code>${escapeHtml(r.prod.image)}</code>, ${target(r.prod.target)}, ${escapeHtml(formatBytes(r.prod.size))}</dd>
<dt>OS</dt><dd>${os}</dd>
</dl>
${drift}${warnings}
<div class="legend"><span class="l-shared">shared</span><span class="l-dev">only in dev</span><span class="l-prod">only in production</span></div>
<div class="picture" role="img" aria-label="${escapeHtml(label)}">
<div class="head">Dev (${r.dev.own.length} own, ${escapeHtml(formatBytes(r.dev.ownSize))})</div>
<div class="head">Production (${r.prod.own.length} own, ${escapeHtml(formatBytes(r.prod.ownSize))})</div>
${stack(r.dev.own, 'dev', largest)}
${stack(r.prod.own, 'prod', largest)}
<div class="shared-band"><div class="shared-label">Shared: ${r.shared.layers.length} layers, ${escapeHtml(formatBytes(r.shared.size))}</div>${sharedBoxes || '<div class="none">no shared layers</div>'}</div>
</div>
${r.runtimes.length > 0 ? `<h2>Runtimes</h2><table><tr><th>runtime</th><th>dev</th><th>production</th><th></th></tr>${runtimeRows(r)}</table>` : ''}
<details><summary>Text version</summary><pre>${escapeHtml(formatParityReport(r))}</pre></details>
<script nonce="${n}">
const vscode = acquireVsCodeApi();
for (const b of document.querySelectorAll('button[data-command]')) {
  b.addEventListener('click', () => vscode.postMessage({ command: b.getAttribute('data-command') }));
}
</script>
</body>
</html>`;
}
