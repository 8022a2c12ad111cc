// One journey's life: its temp folder, server, browser context and workspace, and the cleanup that
// always runs after it (server process group, the workspace's containers, the temp folder).
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeWorkspaceContainers } from './docker.mjs';
import { installVsix, isolatedEnv, startCodeServer, writeUserSettings } from './server.mjs';
import { Workbench, workbenchUrl } from './workbench.mjs';
import { makeWorkspace, REPO } from './workspace.mjs';

/**
 * What a journey's `run(ctx)` gets.
 * ctx.launch() is the usual first step: workspace copy + server + page, waiting for the workbench.
 */
export class JourneyContext {
  /**
   * @param {object} o
   * @param {string} o.name
   * @param {string} o.dir            the journey's temp folder (removed afterwards unless --keep)
   * @param {string} o.shotsDir       test/e2e/screenshots/<name>
   * @param {string} o.cacheDir
   * @param {import('playwright-core').Browser} o.browser
   * @param {string} [o.vsix]         the packaged extension, for journeys that install it
   * @param {(line: string) => void} o.print
   */
  constructor(o) {
    Object.assign(this, o);
    this.t0 = Date.now();
    this.cleanups = [];
    /** @type {string[]} failed ctx.check()s */
    this.softFailures = [];
    this.workspaces = [];
    this.servers = [];
    /** @type {Workbench | undefined} the page of the last launch, for screenshots on failure */
    this.wb = undefined;
    mkdirSync(this.shotsDir, { recursive: true });
    this.logFile = join(this.shotsDir, 'journey.log');
  }

  /** A line for the console and the journey's log file. */
  log(...parts) {
    this.write(parts, !/^screenshot /.test(String(parts[0] ?? '')));
  }

  /** A line for the journey's log file only (the console too with BERTH_E2E_VERBOSE=1). */
  trace(...parts) {
    this.write(parts, false);
  }

  write(parts, toConsole) {
    const line = `[${this.name} +${((Date.now() - this.t0) / 1000).toFixed(1)}s] ${parts.join(' ')}`;
    appendFileSync(this.logFile, line + '\n');
    if (toConsole || process.env.BERTH_E2E_VERBOSE) this.print(line);
  }

  /**
   * A check that does not stop the journey: the failure is logged and the journey fails at its end,
   * so one run reports every broken step instead of the first.
   */
  check(ok, message) {
    if (ok) return true;
    this.softFailures.push(message);
    this.log(`CHECK FAILED: ${message}`);
    return false;
  }

  /** A step: logs it, then screenshots after it (also when it throws). */
  async step(name, fn) {
    this.log(`step: ${name}`);
    try {
      return await fn();
    } finally {
      await this.wb?.screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, ''));
    }
  }

  /**
   * Copies a workspace, starts code-server on it and opens the workbench.
   * @param {object} o
   * @param {string} o.from                    workspace to copy (repo-relative)
   * @param {Record<string, unknown>} [o.settings] workspace settings (.vscode/settings.json)
   * @param {Record<string, unknown>} [o.userSettings] extra user settings
   * @param {Record<string, string>} [o.files] extra files in the copy
   * @param {boolean} [o.trust=false]          true: workspace trust is on (and this folder untrusted)
   * @param {'dev' | 'vsix'} [o.extension='dev'] load Berth from the repository or install berth.vsix
   * @param {string} [o.extensionTestsPath]    run these in-host tests (mocha) instead of a UI journey
   * @param {Record<string, string>} [o.hostEnv]  extra environment for the server and extension host
   * @param {(line: string) => void} [o.onHostLog]
   * @param {(code: number) => void} [o.onHostExit]
   */
  async launch(o) {
    const n = this.workspaces.length;
    const ws = makeWorkspace({ from: o.from, dir: join(this.dir, `ws${n || ''}`, o.from.split('/').pop()), settings: o.settings, files: o.files });
    this.workspaces.push(ws);
    const serverDir = join(this.dir, `server${n || ''}`);
    mkdirSync(serverDir, { recursive: true });
    const env = isolatedEnv(serverDir);
    const userDataDir = join(serverDir, 'user-data');
    writeUserSettings(userDataDir, {
      ...(o.trust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {}),
      ...(o.userSettings ?? {}),
    });
    const extension = o.extension ?? 'dev';
    const extensionsDir = join(serverDir, 'extensions');
    if (extension === 'vsix') {
      if (!this.vsix) throw new Error(`this journey needs the packaged berth.vsix, and ${this.vsixProblem ?? 'there is none'}`);
      mkdirSync(extensionsDir, { recursive: true });
      this.log(`installing ${this.vsix} with code-server --install-extension`);
      this.log(installVsix({ cacheDir: this.cacheDir, vsix: this.vsix, extensionsDir, userDataDir, env }).split('\n').pop());
    }
    const server = await startCodeServer({
      cacheDir: this.cacheDir, dir: serverDir, logFile: join(this.shotsDir, `server${n || ''}.log`), trust: o.trust ?? false,
      baseEnv: env, extensionsDir, env: { BERTH_E2E: '1', ...(o.hostEnv ?? {}) },
    });
    this.servers.push(server);
    this.log(`code-server listening on ${server.url} (folder ${ws})`);
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    this.cleanups.push(() => context.close());
    const url = workbenchUrl(server, {
      folder: ws,
      extensionDevelopmentPath: extension === 'dev' ? REPO : undefined,
      extensionTestsPath: o.extensionTestsPath,
    });
    this.wb = await Workbench.open(context, {
      url, shotsDir: this.shotsDir, log: (...a) => this.log(...a), onHostLog: o.onHostLog, onHostExit: o.onHostExit,
    });
    this.log('workbench rendered');
    return { wb: this.wb, ws, server };
  }

  /** Prints the end of Berth's own log (its output channel), which usually says why a journey failed. */
  printBerthLog(logsDir) {
    const files = readdirSync(logsDir, { recursive: true }).map(String).filter((f) => f.endsWith('Berth.log'));
    for (const f of files) {
      const lines = readFileSync(join(logsDir, f), 'utf8').trimEnd().split('\n');
      this.print(`  ── Berth log (last ${Math.min(40, lines.length)} of ${lines.length} lines, ${f}):`);
      for (const l of lines.slice(-40)) this.print(`  │ ${l.slice(0, 300)}`);
    }
  }

  /** Cleanup, whatever happened: browser context, servers, the workspaces' containers, temp folder. */
  dispose(opts = {}) {
    // Once: the overall timeout and the journey loop may both get here.
    this.disposing ??= this.doDispose(opts);
    return this.disposing;
  }

  async doDispose({ keep = false, failed = false }) {
    for (const c of this.cleanups.reverse()) await Promise.resolve().then(c).catch(() => {});
    for (const s of this.servers) {
      if (failed) {
        // The extension host's own logs (Berth's output channel included) help more than the server's.
        const logs = join(s.userDataDir, 'logs');
        if (existsSync(logs)) {
          cpSync(logs, join(this.shotsDir, 'vscode-logs'), { recursive: true });
          this.printBerthLog(logs);
        }
      }
      await s.stop().catch(() => s.kill());
    }
    for (const ws of this.workspaces) {
      const removed = await removeWorkspaceContainers(ws).catch((e) => [`cleanup failed: ${e.message}`]);
      if (removed.length) this.log(`removed ${removed.join(', ')}`);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
