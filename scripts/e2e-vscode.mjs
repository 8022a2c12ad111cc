#!/usr/bin/env node
// `npm run vscode [-- FOLDER] [--port N] [--trust]`: the e2e suite's code-server with Berth loaded from
// this repository (its development path), on examples/hello or FOLDER, for trying Berth by hand in a
// real VS Code. Prints the 127.0.0.1 URL to open and runs until Ctrl-C. Rebuild (npm run build or
// npm run watch) and reload the window to see changes.
//   --trust   keep Workspace Trust on (the folder opens restricted until you trust it)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isolatedEnv, killAllServers, startCodeServer, writeUserSettings } from '../test/e2e/harness/server.mjs';
import { workbenchUrl } from '../test/e2e/harness/workbench.mjs';
import { REPO } from '../test/e2e/harness/workspace.mjs';

const args = process.argv.slice(2);
let folder = join(REPO, 'examples', 'hello');
let port = 8080;
let trust = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i] === '--trust') trust = true;
  else if (args[i] === '--help' || args[i] === '-h') {
    console.log('usage: npm run vscode -- [FOLDER] [--port N] [--trust]');
    process.exit(0);
  } else folder = resolve(process.env.INIT_CWD ?? process.cwd(), args[i]);
}
if (!existsSync(folder)) {
  console.error(`vscode: no folder ${folder}`);
  process.exit(2);
}

const setup = spawnSync('bash', [join(REPO, 'scripts', 'e2e-setup.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (setup.status !== 0) process.exit(setup.status ?? 1);
const cacheDir = setup.stdout.trim().split('\n').pop();
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// Settings and state persist between runs here (gitignored), unlike the tests' throwaway folders.
const dir = join(REPO, '.berth-e2e', 'vscode');
mkdirSync(dir, { recursive: true });
const env = isolatedEnv(dir);
if (!existsSync(join(dir, 'user-data', 'User', 'settings.json'))) writeUserSettings(join(dir, 'user-data'), { 'terminal.integrated.gpuAcceleration': 'auto' });
const server = await startCodeServer({ cacheDir, dir, logFile: join(dir, 'server.log'), trust, port, baseEnv: env });
process.on('exit', killAllServers);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, async () => {
    console.log('\nvscode: stopping code-server');
    await server.stop();
    process.exit(0);
  });
}
console.log(`\nBerth in code-server ${folder}\n\n  ${workbenchUrl(server, { folder, extensionDevelopmentPath: REPO })}\n`);
console.log(`Open that URL (the extension loads from ${REPO}). Server log: ${join(dir, 'server.log')}. Ctrl-C to stop.`);
await new Promise(() => {}); // until a signal
