// Page helpers for the VS Code 1.100 workbench served by code-server, driven by playwright-core.
// Every wait is on a real condition in the page (a status bar text, a row, a notification), with a
// generous timeout and a message that says what was awaited and what was there instead.
// The functions passed to waitForFunction / evaluate run in the page, hence its globals:
/* global document, window, MutationObserver, getComputedStyle */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** How the extension host talks back to the driver (see test/e2e/suite/index.ts). */
export const MARKER = '__BERTH_E2E__';

const SECOND = 1000;

/** Builds the workbench URL: the folder, and the extension-development / extension-tests payload. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ shotsDir: string, log: (...a: unknown[]) => void }} o
   */
  constructor(page, { shotsDir, log }) {
    this.page = page;
    this.shotsDir = shotsDir;
    this.log = log;
    this.shotNo = 0;
    mkdirSync(shotsDir, { recursive: true });
  }

  /**
   * Opens a page on the server with the automation hooks the extension-tests mode calls, then waits
   * for the workbench to render.
   * @param {import('playwright-core').BrowserContext} context
   * @param {object} o
   * @param {string} o.url
   * @param {string} o.shotsDir
   * @param {(...a: unknown[]) => void} o.log
   * @param {(line: string) => void} [o.onHostLog]  every line the extension host logs (tests mode)
   * @param {(code: number) => void} [o.onHostExit] the extension tests' exit code
   */
  static async open(context, { url, shotsDir, log, onHostLog, onHostExit }) {
    const page = await context.newPage();
    const wb = new Workbench(page, { shotsDir, log });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('request', (r) => {
      const u = r.url();
      // Webview resources (*.vscode-resource.vscode-cdn.net) are answered by the webview's service worker.
      if (!/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) && !/^(data|blob|vscode-[a-z-]+|about):/.test(u)
        && !/^https:\/\/[^/]+\.vscode-resource\.vscode-cdn\.net\//.test(u)) log(`NON-LOOPBACK REQUEST ${u}`);
    });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      const shot = new RegExp(`${MARKER} screenshot (\\S+)`).exec(line);
      if (shot) { wb.screenshot(shot[1]).catch(() => {}); return; }
      onHostLog?.(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => onHostExit?.(Number(code)));
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60 * SECOND });
    return wb;
  }

  /** Saves a numbered screenshot of the whole page. Never throws. */
  async screenshot(name) {
    const file = join(this.shotsDir, `${String(++this.shotNo).padStart(2, '0')}-${name}.png`);
    try {
      await this.page.screenshot({ path: file });
      this.log(`screenshot ${file}`);
    } catch (e) {
      this.log(`screenshot ${name} failed: ${e.message}`);
    }
    return file;
  }

  /** Waits until `fn(arg)`, evaluated in the page, returns something truthy, and returns it. */
  async until(what, fn, arg, timeout = 60 * SECOND) {
    try {
      const handle = await this.page.waitForFunction(fn, arg, { timeout, polling: 250 });
      return await handle.jsonValue();
    } catch (e) {
      throw new Error(`timed out after ${timeout / SECOND} s waiting for ${what}${await this.describe()}`, { cause: e });
    }
  }

  /** What the page shows now, for failure messages: status bar and notifications. */
  async describe() {
    try {
      const bar = await this.statusBarTexts();
      const notes = await this.notificationTexts();
      return `\n  status bar: ${JSON.stringify(bar)}\n  notifications: ${JSON.stringify(notes)}`;
    } catch { return ''; }
  }

  // ---- status bar -------------------------------------------------------------------------------

  statusBarTexts() {
    return this.page.$$eval('#workbench\\.parts\\.statusbar .statusbar-item', (els) =>
      els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean));
  }

  /**
   * Waits for a status bar item whose text matches `re`; returns that text. With `failOn`, gives up as
   * soon as an item matches that instead (e.g. "failed" while waiting for "running").
   */
  async waitForStatusBarText(re, timeout = 60 * SECOND, { failOn } = {}) {
    const found = await this.until(`a status bar item matching ${re}`, ([src, flags, failSrc, failFlags]) => {
      const r = new RegExp(src, flags);
      const f = failSrc ? new RegExp(failSrc, failFlags) : undefined;
      for (const e of document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item')) {
        const t = (e.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (r.test(t)) return { ok: t };
        if (f?.test(t)) return { bad: t };
      }
      return null;
    }, [re.source, re.flags, failOn?.source, failOn?.flags], timeout);
    if (found.bad) throw new Error(`status bar shows "${found.bad}" while waiting for ${re}${await this.describe()}`);
    return found.ok;
  }

  /**
   * Starts recording every text the status bar items containing `needle` show, so a journey can
   * check the states it went through (building → running) even when one lasted only a moment.
   */
  recordStatusBar(needle) {
    return this.page.evaluate((n) => {
      const w = /** @type {any} */ (window);
      if (w.__e2eStatus) return;
      w.__e2eStatus = [];
      const bar = document.getElementById('workbench.parts.statusbar') ?? document.body;
      const snap = () => {
        for (const e of bar.querySelectorAll('.statusbar-item')) {
          const t = (e.textContent ?? '').replace(/\s+/g, ' ').trim();
          if (t.includes(n) && w.__e2eStatus[w.__e2eStatus.length - 1] !== t) w.__e2eStatus.push(t);
        }
      };
      new MutationObserver(snap).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
      snap();
    }, needle);
  }

  /** The texts recorded since recordStatusBar(), in order, without repeats. */
  statusHistory() {
    return this.page.evaluate(() => /** @type {any} */ (window).__e2eStatus ?? []);
  }

  /** Waits until a recorded status text (see recordStatusBar) matches `re`; returns it. */
  waitForStatusHistory(re, timeout = 60 * SECOND) {
    return this.until(`the status bar to have shown ${re}`, ([src, flags]) => {
      const r = new RegExp(src, flags);
      return (/** @type {any} */ (window).__e2eStatus ?? []).find((t) => r.test(t)) ?? null;
    }, [re.source, re.flags], timeout);
  }

  /** Clicks the status bar item whose text matches `re` (a real mouse click on it). */
  async clickStatusBarItem(re) {
    await this.waitForStatusBarText(re);
    // Mark the item the same matching found (whitespace-normalised text), then click that mark.
    await this.page.evaluate(([src, flags]) => {
      const r = new RegExp(src, flags);
      for (const e of document.querySelectorAll('[data-e2e-target]')) e.removeAttribute('data-e2e-target');
      const item = [...document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item')]
        .find((e) => r.test((e.textContent ?? '').replace(/\s+/g, ' ').trim()));
      item?.setAttribute('data-e2e-target', '1');
    }, [re.source, re.flags]);
    await this.page.locator('[data-e2e-target="1"]').click({ timeout: 10 * SECOND });
  }

  /** Waits for the editor's cursor position item (`Ln 7, Col 3`) and returns { line, column }. */
  async cursorPosition(timeout = 30 * SECOND) {
    const t = await this.waitForStatusBarText(/^Ln \d+, Col \d+/, timeout);
    const m = /^Ln (\d+), Col (\d+)/.exec(t);
    return { line: Number(m[1]), column: Number(m[2]) };
  }

  // ---- commands and quick input -----------------------------------------------------------------

  /** Gives the workbench keyboard focus without clicking anything that acts. */
  async focusWorkbench() {
    await this.page.locator('#workbench\\.parts\\.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => {});
  }

  /**
   * Runs a command from the palette (F1) by its full title as the palette shows it
   * (`Berth: Open Terminal in Container`).
   */
  async runCommand(title, timeout = 30 * SECOND) {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    const deadline = Date.now() + timeout;
    // The palette lists what is registered when it opens: a command contributed a moment later (the
    // terminal's, early in a window's life) needs the palette opened again, so each try is short.
    for (let attempt = 0; ; attempt++) {
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 10 * SECOND });
        await input.fill(`>${title}`);
        await row.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(8 * SECOND, deadline - Date.now())) });
        break;
      } catch (e) {
        if (Date.now() < deadline && attempt < 5) {
          await this.page.keyboard.press('Escape').catch(() => {});
          await this.page.waitForTimeout(500);
          continue;
        }
        const rows = await this.page.locator('.quick-input-list .monaco-list-row').allTextContents().catch(() => []);
        throw new Error(`no command "${title}" in the palette after ${attempt + 1} tries; it shows: ${JSON.stringify(rows.slice(0, 10))}`, { cause: e });
      }
    }
    await row.click();
    // Done when the palette closed or turned into the command's own picker (Go to File, Go to Line).
    await this.until(`the palette to run "${title}"`, () => {
      const box = document.querySelector('.quick-input-widget');
      const field = /** @type {HTMLInputElement | null} */ (document.querySelector('.quick-input-widget .quick-input-box input'));
      return !box || getComputedStyle(box).display === 'none' || !field?.value.startsWith('>') ? true : null;
    }, undefined, 10 * SECOND).catch(() => {});
  }

  /** Waits for a quick pick row matching `re` and picks it. */
  async pickQuickItem(re, timeout = 30 * SECOND) {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: re }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /** Opens a workspace file by relative path through Quick Open. */
  async openFile(relPath) {
    await this.runCommand('Go to File...');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(relPath);
    const name = relPath.split('/').pop();
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 30 * SECOND });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab[data-resource-name="${name}"], .tabs-container .tab:has-text("${name}")`).first()
      .waitFor({ state: 'visible', timeout: 30 * SECOND });
  }

  // ---- notifications ----------------------------------------------------------------------------

  notificationTexts() {
    return this.page.$$eval('.notifications-toasts .notification-toast .notification-list-item-message', (els) =>
      els.map((e) => (e.textContent ?? '').trim()));
  }

  /** Waits for a notification toast whose message matches `re`; returns its locator. */
  async waitForNotification(re, timeout = 60 * SECOND) {
    await this.notificationMessage(re, timeout);
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: re }).first();
  }

  /** Waits for a notification toast whose message matches `re`; returns the message text. */
  notificationMessage(re, timeout = 60 * SECOND) {
    return this.until(`a notification matching ${re}`, ([src, flags]) => {
      const r = new RegExp(src, flags);
      return [...document.querySelectorAll('.notifications-toasts .notification-toast .notification-list-item-message')]
        .map((e) => e.textContent ?? '').find((t) => r.test(t)) ?? null;
    }, [re.source, re.flags], timeout);
  }

  /** Clicks a button (by its label) on the notification whose message matches `re`. */
  async clickNotificationButton(re, label, timeout = 60 * SECOND) {
    const toast = await this.waitForNotification(re, timeout);
    const button = toast.locator('.notification-list-item-buttons-container .monaco-button').filter({ hasText: label }).first();
    await button.waitFor({ state: 'visible', timeout: 10 * SECOND });
    await button.click();
  }

  // ---- terminal ---------------------------------------------------------------------------------

  /** Waits for a terminal tab or single-terminal title matching `re` in the panel. */
  async waitForTerminal(re, timeout = 60 * SECOND) {
    await this.until(`a terminal named like ${re}`, ([src, flags]) => {
      const r = new RegExp(src, flags);
      const names = [...document.querySelectorAll('.terminal-tabs-entry, .single-terminal-tab, .panel .action-label, .terminal-tab')]
        .map((e) => (e.textContent ?? '') + ' ' + (e.getAttribute('aria-label') ?? ''));
      return names.find((n) => r.test(n)) ?? null;
    }, [re.source, re.flags], timeout);
    // With several terminals open the hidden ones come first in the DOM: wait for the shown one.
    await this.page.locator('.terminal-wrapper .xterm:visible').first().waitFor({ state: 'visible', timeout });
  }

  /**
   * Types a line into the active terminal and presses Enter, once the terminal shows a prompt (a last
   * line ending in `$`, `#` or `>`): keys typed before the shell reads them can be lost.
   */
  async typeInTerminal(text, { prompt = /[$#>] ?$/ } = {}) {
    if (prompt) await this.waitForTerminalText(prompt, 60 * SECOND);
    const term = this.page.locator('.terminal-wrapper.active .xterm-screen').first();
    await term.click();
    await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * The active terminal's visible rows (the DOM renderer draws each row as text: the user settings set
   * `terminal.integrated.gpuAcceleration: off`). Trailing blanks trimmed.
   */
  readTerminalText() {
    return this.page.$$eval('.terminal-wrapper.active .xterm-rows > div', (rows) =>
      rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd());
  }

  /** Waits until the active terminal shows text matching `re`; returns the whole visible text. */
  async waitForTerminalText(re, timeout = 60 * SECOND) {
    try {
      await this.until(`terminal text matching ${re}`, ([src, flags]) => {
        const r = new RegExp(src, flags);
        const text = [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div')]
          .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n').trimEnd();
        return r.test(text) ? true : null;
      }, [re.source, re.flags], timeout);
    } catch (e) {
      throw new Error(`${e.message}\n  terminal shows:\n${await this.readTerminalText().catch(() => '?')}`, { cause: e.cause });
    }
    return this.readTerminalText();
  }

  // ---- editor -----------------------------------------------------------------------------------

  /** Text of the visible lines of the active editor (Monaco renders only the viewport); waits for some. */
  editorText(timeout = 30 * SECOND) {
    return this.until('the active editor to show text', () => {
      const group = document.querySelector('.part.editor .editor-group-container.active') ?? document.querySelector('.part.editor');
      const lines = [...(group?.querySelectorAll('.monaco-editor .view-lines .view-line') ?? [])];
      const text = lines.map((l) => ({ top: parseFloat(l.style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top).map((l) => l.text).join('\n');
      return text.trim() ? text : null;
    }, undefined, timeout);
  }

  /** Waits until the Output panel (its visible lines) shows text matching `re`; returns that text. */
  async waitForOutputText(re, timeout = 60 * SECOND) {
    try {
      return await this.until(`output text matching ${re}`, ([src, flags]) => {
        const lines = [...document.querySelectorAll('.part.panel .monaco-editor .view-lines .view-line')];
        const text = lines.map((l) => ({ top: parseFloat(l.style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top).map((l) => l.text).join('\n');
        return new RegExp(src, flags).test(text) ? text : null;
      }, [re.source, re.flags], timeout);
    } catch (e) {
      const shown = await this.page.$$eval('.part.panel .monaco-editor .view-lines .view-line', (ls) => ls.map((l) => l.textContent).join('\n')).catch(() => '?');
      throw new Error(`${e.message}\n  output panel shows:\n${shown}`, { cause: e.cause });
    }
  }

  /** Moves the cursor of the active editor to line:column (1-based) with "Go to Line/Column". */
  async goToPosition(line, column = 1) {
    await this.runCommand('Go to Line/Column...');
    await this.page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.until(`cursor at ${line}:${column}`, ([l, c]) => {
      const t = [...document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item')]
        .map((e) => e.textContent ?? '').find((x) => /^\s*Ln \d+, Col \d+/.test(x));
      return t && new RegExp(`Ln ${l}, Col ${c}\\b`).test(t) ? true : null;
    }, [line, column], 15 * SECOND);
  }

  /** Shows the hover at the cursor and returns its text once it has some matching `re`. */
  async hoverAtCursor(re, timeout = 30 * SECOND) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.runCommand('Show or Focus Hover');
      try {
        return await this.until(`a hover matching ${re}`, ([src, flags]) => {
          const t = [...document.querySelectorAll('.monaco-hover .hover-contents, .monaco-hover .rendered-markdown')]
            .map((e) => e.textContent ?? '').join('\n');
          return new RegExp(src, flags).test(t) ? t : null;
        }, [re.source, re.flags], 5 * SECOND);
      } catch (e) {
        // The JSON language server may still be loading the schema: ask again.
        if (Date.now() > deadline) throw e;
        this.log(`no hover matching ${re} yet, asking again`);
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Triggers suggestions at the cursor and returns the labels once one matches `re`. */
  async suggestionsAtCursor(re, timeout = 30 * SECOND) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.runCommand('Trigger Suggest');
      try {
        return await this.until(`a suggestion matching ${re}`, ([src, flags]) => {
          const labels = [...document.querySelectorAll('.suggest-widget .monaco-list-row')]
            .map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim());
          return labels.some((l) => new RegExp(src, flags).test(l)) ? labels : null;
        }, [re.source, re.flags], 5 * SECOND);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        this.log(`no suggestion matching ${re} yet, asking again`);
        await this.page.keyboard.press('Escape');
      }
    }
  }
}
