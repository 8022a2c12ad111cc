import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, heightClass, renderParityHtml } from '../../../src/extension/parityView';
import { sampleReport } from '../../support/parityReport';

const OPTIONS = { nonce: 'TESTNONCE123', cspSource: 'vscode-webview://abc' };

describe('renderParityHtml', () => {
  const html = renderParityHtml(sampleReport(), OPTIONS);

  it('draws both stacks with the shared layers in one band spanning them', () => {
    assert.equal((html.match(/class="layer shared /g) ?? []).length, 2);
    assert.equal((html.match(/class="layer dev /g) ?? []).length, 1);
    assert.equal((html.match(/class="layer prod /g) ?? []).length, 2);
    const band = html.slice(html.indexOf('<div class="shared-band">'));
    assert.match(band, /^<div class="shared-band"><div class="shared-label">Shared: 2 layers, 317 MB<\/div>/);
    // Newest on top: the nodejs layer comes before the imported base in the band.
    assert.ok(band.indexOf('RUN apt-get install nodejs') < band.indexOf('Imported from -'));
    assert.match(html, /role="img" aria-label="Dev image: 3 layers, production image: 4 layers; they share the bottom 2 layers \(317 MB\)\."/);
  });

  it('uses only VS Code theme colours, and a CSP with the nonce and no remote sources', () => {
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src vscode-webview:\/\/abc data:; style-src vscode-webview:\/\/abc 'nonce-TESTNONCE123'; script-src 'nonce-TESTNONCE123';"/);
    assert.match(html, /<style nonce="TESTNONCE123">/);
    assert.match(html, /<script nonce="TESTNONCE123">/);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, / style="/, 'inline style attributes would be blocked by the CSP');
    assert.doesNotMatch(html, /#[0-9a-fA-F]{3,6}\b/, 'no hard-coded colours');
    assert.match(html, /var\(--vscode-charts-green\)/);
  });

  it('has the text fallback, the runtime warning and a rebuild button for drift', () => {
    assert.match(html, /<details><summary>Text version<\/summary><pre>base {8}debian:bookworm-slim/);
    assert.match(html, /<tr class="warn"><td>node<\/td><td>v18\.19\.0<\/td><td>v18\.20\.4<\/td><td>differs<\/td><\/tr>/);
    assert.match(html, /<button data-command="berth.rebuild">Rebuild Dev Container<\/button>/);
  });

  it('escapes text from the images', () => {
    const r = sampleReport();
    r.prod.own[0] = { ...r.prod.own[0], instruction: 'RUN echo "<script>alert(1)</script>"' };
    const out = renderParityHtml(r, OPTIONS);
    assert.doesNotMatch(out, /<script>alert/);
    assert.match(out, /RUN echo &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/);
  });

  it('says so when nothing is shared', () => {
    const r = sampleReport();
    r.shared = { layers: [], size: 0 };
    assert.match(renderParityHtml(r, OPTIONS), /no shared layers/);
  });
});

describe('heightClass / escapeHtml', () => {
  it('grows with size and keeps empty layers visible', () => {
    assert.equal(heightClass(0, 100), 1);
    assert.equal(heightClass(1, 1_000_000), 2);
    assert.equal(heightClass(100, 100), 6);
    assert.ok(heightClass(25, 100) < heightClass(81, 100));
  });

  it('escapes the five HTML specials', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
