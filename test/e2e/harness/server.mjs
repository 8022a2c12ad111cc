// Starts and stops code-server (a real VS Code 1.100 server; its extension host runs on this Node) for
// one journey: bound to 127.0.0.1 on a free port, no auth, no gallery, HOME/XDG/TMPDIR inside the
// journey's own folder, its process group killed on stop.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** Every server this process started and has not stopped yet, so an exit path can kill them all. */
const live = new Set();

/** Kills every server still running (synchronous: safe inside process.on('exit')). */
export function killAllServers() {
  for (const s of live) s.kill();
}

/** The code-server entry point inside the e2e cache (see scripts/e2e-setup.sh). */
export function codeServerEntry(cacheDir) {
  return join(cacheDir, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The environment of a server: its own HOME, XDG folders and TMPDIR under `dir`, so nothing leaks into
 * the user's profile and every socket VS Code makes disappears with the folder.
 */
export function isolatedEnv(dir) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k.startsWith('npm_')) delete env[k];
  const paths = {
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    XDG_DATA_HOME: join(dir, 'home', '.local', 'share'),
    XDG_CACHE_HOME: join(dir, 'home', '.cache'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    TMPDIR: join(dir, 'tmp'),
  };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true, mode: 0o700 });
  return { ...env, ...paths, EXTENSIONS_GALLERY: '{}', SHELL: '/bin/bash' };
}

/**
 * Writes user settings that keep the workbench quiet and deterministic: no welcome page, tips, update
 * checks or telemetry; the terminal uses the DOM renderer so its rows can be read from the page.
 */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'git.enabled': false,
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.shellIntegration.enabled': false,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'editor.hover.delay': 150,
    ...extra,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Installs a .vsix into an extensions folder with code-server's own CLI, exactly as a user would.
 * Throws with the CLI's output when it fails.
 */
export function installVsix({ cacheDir, vsix, extensionsDir, userDataDir, env }) {
  const r = spawnSync(process.execPath, [codeServerEntry(cacheDir), '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], { env, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
  return out.trim();
}

/**
 * Starts code-server. Resolves once it listens.
 * @param {object} o
 * @param {string} o.cacheDir      the e2e cache (scripts/e2e-setup.sh prints it)
 * @param {string} o.dir           the journey's own folder (user data, extensions, HOME, TMPDIR go inside)
 * @param {string} o.logFile       where the server's output goes
 * @param {boolean} [o.trust=false] false passes --disable-workspace-trust (every folder trusted)
 * @param {number} [o.port]        fixed port (default: a free one)
 * @param {Record<string,string>} [o.env] extra environment for the server and so the extension host
 * @returns {Promise<{ url: string, port: number, userDataDir: string, extensionsDir: string, env: NodeJS.ProcessEnv, stop: () => Promise<void>, kill: () => void }>}
 */
export async function startCodeServer(o) {
  const userDataDir = join(o.dir, 'user-data');
  const extensionsDir = o.extensionsDir ?? join(o.dir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const env = { ...(o.baseEnv ?? isolatedEnv(o.dir)), ...(o.env ?? {}) };
  const configFile = join(o.dir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n'); // stops code-server writing a default config (with a password)
  const port = o.port ?? await freePort();
  const args = [codeServerEntry(o.cacheDir),
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    '--disable-file-downloads', '--disable-proxy', '--ignore-last-opened',
    ...(o.trust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--log', 'info',
  ];
  const child = spawn(process.execPath, args, { env, cwd: o.dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = createWriteStream(o.logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);

  let exited = false;
  const exitedPromise = new Promise((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const kill = (signal = 'SIGTERM') => {
    if (exited) return;
    // The whole group: the server, its extension host and the terminals' helpers.
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  };
  const handle = {
    url: `http://127.0.0.1:${port}`,
    port,
    userDataDir,
    extensionsDir,
    env,
    kill: () => { kill('SIGKILL'); live.delete(handle); },
    stop: async () => {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
      kill('SIGKILL'); // stragglers left in the group after the leader exited
      live.delete(handle);
    },
  };
  live.add(handle);

  await new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d) => {
      seen += d;
      if (/HTTP server listening on/.test(seen)) { cleanup(); resolve(); }
    };
    const onExit = (code) => { cleanup(); reject(new Error(`code-server exited (${code}) before listening:\n${seen}`)); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`code-server did not listen within 60 s:\n${seen}`)); }, 60_000);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  }).catch(async (e) => { await handle.stop(); throw e; });
  return handle;
}
