#!/usr/bin/env node
// `npm run test:e2e`: Berth in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by headless
// Chromium. Runs the in-host mocha suites (test/e2e/suite/) and the UI journeys (test/e2e/journeys/),
// one after the other, each on its own server, workspace copy and temp folder.
//
//   npm run test:e2e [-- --only suite,hello] [--keep] [--list] [--no-build] [--grep TEXT] [--timeout MIN]
//                    [--vsix FILE]   (test this .vsix instead of packaging one with npm run package)
//
// Prints each journey's steps, mocha's output, a summary, and last a line `e2e: N passed, N failed`.
// Screenshots and logs: test/e2e/screenshots/<journey>/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerProblem } from '../test/e2e/harness/docker.mjs';
import { JourneyContext } from '../test/e2e/harness/run.mjs';
import { killAllServers } from '../test/e2e/harness/server.mjs';
import { REPO } from '../test/e2e/harness/workspace.mjs';

const PLAYWRIGHT_VERSION = '1.65.1'; // keep in step with scripts/e2e-setup.sh
const SHOTS = join(REPO, 'test', 'e2e', 'screenshots');
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const print = (line) => console.log(line);

function parseArgs(argv) {
  const o = { only: undefined, keep: false, list: false, build: true, grep: undefined, timeoutMin: Number(process.env.BERTH_E2E_TIMEOUT_MIN ?? 40) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') o.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--only=')) o.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--keep') o.keep = true;
    else if (a === '--list') o.list = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--grep') o.grep = value();
    else if (a === '--timeout') o.timeoutMin = Number(value());
    else if (a === '--vsix') o.vsix = resolve(value());
    else if (a === '--help' || a === '-h') {
      print('usage: npm run test:e2e -- [--only NAME[,NAME]] [--keep] [--list] [--no-build] [--grep TEXT] [--timeout MIN] [--vsix FILE]');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  return o;
}

function run(label, cmd, args, opts = {}) {
  print(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO, ...opts });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
  return r;
}

async function loadJourneys() {
  const dir = join(REPO, 'test', 'e2e', 'journeys');
  const list = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    list.push(mod.default);
  }
  return list.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}

/**
 * Bundles the in-host runner (mocha inside) and each suite file for the extension host, into this
 * run's own folder (two runs in one working tree do not clobber each other's bundle).
 */
async function bundleSuites(outdir) {
  const esbuild = await import('esbuild');
  const suiteDir = join(REPO, 'test', 'e2e', 'suite');
  const tests = readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')).sort();
  const entryPoints = Object.fromEntries([['index', join(suiteDir, 'index.ts')],
    ...tests.map((f) => [f.replace(/\.ts$/, ''), join(suiteDir, f)])]);
  await esbuild.build({
    entryPoints, outdir, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline',
    external: ['vscode', 'cpu-features', '*.node'], logLevel: 'error',
  });
  print(`esbuild: ${outdir}/ index.js + ${tests.length} suite file(s): ${tests.join(', ')}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let journeys = await loadJourneys();
  if (opts.list) {
    for (const j of journeys) print(`${j.name.padEnd(16)} ${j.title}`);
    return 0;
  }
  if (opts.only) {
    const unknown = opts.only.filter((n) => !journeys.some((j) => j.name === n));
    if (unknown.length) throw new Error(`unknown journey ${unknown.join(', ')}; known: ${journeys.map((j) => j.name).join(', ')}`);
    journeys = journeys.filter((j) => opts.only.includes(j.name));
  }

  // 1. What the run needs, installed or found in the cache.
  const setup = spawnSync('bash', [join(REPO, 'scripts', 'e2e-setup.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`scripts/e2e-setup.sh failed (exit ${setup.status ?? setup.signal})`);
  const cacheDir = setup.stdout.trim().split('\n').pop();
  const require = createRequire(import.meta.url);
  const { chromium } = require(join(cacheDir, `playwright-core-${PLAYWRIGHT_VERSION}`, 'node_modules', 'playwright-core'));

  // 2. The extension: the .vsix first (its production build overwrites dist/), then the dev build.
  // A packaging failure fails the journeys that need the .vsix, not the whole run.
  let vsix = opts.vsix;
  let vsixProblem;
  if (!vsix && journeys.some((j) => j.needs?.includes('vsix'))) {
    try {
      if (opts.build || !existsSync(join(REPO, 'berth.vsix'))) run('package', 'npm', ['run', '--silent', 'package']);
      vsix = join(REPO, 'berth.vsix');
    } catch (e) {
      vsixProblem = `${e.message}: see its output above`;
      print(`e2e: ${vsixProblem}`);
    }
  }
  if (opts.build) run('build', 'npm', ['run', '--silent', 'build']);
  const runDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const suiteBundle = join(runDir, 'suite-bundle');
  await bundleSuites(suiteBundle);
  process.on('exit', () => { if (!opts.keep) rmSync(runDir, { recursive: true, force: true }); });

  const problem = await dockerProblem();
  if (problem) throw new Error(problem);

  // 3. The journeys, one at a time (each has its own server; machines here have 2 cores).
  const browser = await chromium.launch({
    executablePath: process.env.BERTH_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-features=Translate,MediaRouter'],
  });
  const results = [];
  let current;
  const overall = setTimeout(async () => {
    print(`\ne2e: overall timeout (${opts.timeoutMin} min) reached during ${current?.name ?? 'setup'}`);
    await current?.wb?.screenshot('overall-timeout');
    await current?.dispose({ keep: opts.keep, failed: true });
    print(`e2e: ${results.reduce((n, r) => n + r.passed, 0)} passed, ${results.reduce((n, r) => n + r.failed, 0) + 1} failed`);
    process.exit(1);
  }, opts.timeoutMin * 60_000);
  onSignals(async () => { await current?.dispose({ keep: opts.keep, failed: true }); });

  for (const j of journeys) {
    const shotsDir = join(SHOTS, j.name);
    rmSync(shotsDir, { recursive: true, force: true });
    const dir = join(runDir, j.name);
    mkdirSync(dir);
    const ctx = current = new JourneyContext({ name: j.name, dir, shotsDir, cacheDir, browser, vsix, vsixProblem, print, grep: opts.grep, suiteBundle });
    print(`\n== journey ${j.name}: ${j.title}`);
    const started = Date.now();
    let outcome;
    let timer;
    try {
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`journey timed out after ${(j.timeoutMs ?? 300_000) / 1000} s`)), j.timeoutMs ?? 300_000);
      });
      const running = j.run(ctx);
      running.catch(() => {}); // after a timeout it fails on its own when the page closes: not unhandled
      const r = await Promise.race([running, timeout]);
      outcome = r && typeof r.passed === 'number' ? r : { passed: 1, failed: 0 };
      if (ctx.softFailures.length) outcome = { passed: 0, failed: 1, error: `failed checks:\n    - ${ctx.softFailures.join('\n    - ')}` };
    } catch (e) {
      const soft = ctx.softFailures.length ? `\n  earlier failed checks:\n    - ${ctx.softFailures.join('\n    - ')}` : '';
      outcome = { passed: 0, failed: 1, error: (e?.stack ?? String(e)) + soft };
      await ctx.wb?.screenshot(/timed out/.test(String(e?.message)) ? 'timeout' : 'failure');
    } finally {
      clearTimeout(timer);
    }
    await ctx.dispose({ keep: opts.keep, failed: outcome.failed > 0 });
    if (opts.keep) print(`  kept ${dir}`);
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    results.push({ name: j.name, secs, ...outcome });
    if (outcome.error) print(`  ✗ ${j.name}: ${outcome.error}`);
    print(`  ${outcome.failed ? 'FAIL' : 'ok'} ${j.name} (${secs} s, ${outcome.passed} passed, ${outcome.failed} failed) — ${relative(REPO, shotsDir)}/`);
  }
  clearTimeout(overall);
  current = undefined;
  await browser.close().catch(() => {});

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  print(`\n== e2e summary (${elapsed()})`);
  for (const r of results) print(`  ${r.failed ? 'FAIL' : 'ok  '} ${r.name.padEnd(16)} ${String(r.secs).padStart(4)} s  ${r.passed} passed, ${r.failed} failed`);
  print(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

function onSignals(cleanup) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, async () => {
      print(`\ne2e: ${sig}, cleaning up`);
      await cleanup().catch(() => {});
      process.exit(130);
    });
  }
}

// Whatever way the process ends, no server keeps running.
process.on('exit', killAllServers);
// A stray rejection (a page callback after its journey ended) is reported, not fatal: the journey
// loop still cleans up and counts.
process.on('unhandledRejection', (e) => print(`e2e: unhandled rejection: ${e?.stack ?? e}`));
mkdirSync(SHOTS, { recursive: true });
main().then((code) => process.exit(code), (e) => {
  console.error(`\ne2e: ${e?.stack ?? e}`);
  print('e2e: 0 passed, 1 failed');
  process.exit(1);
});
