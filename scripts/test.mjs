// The test command: type-check, lint, then the unit and integration suites on node's test runner.
//   node scripts/test.mjs all|unit|integration|static [files...]
// Integration tests need a Docker engine. Locally they skip (with the reason) when none answers;
// with CI=true or BERTH_REQUIRE_DOCKER=1 a missing engine fails them instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [what = 'all', ...files] = process.argv.slice(2);

function findTests(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(label, cmd, args, env = {}) {
  console.log(`\n== ${label}: ${cmd} ${args.length > 6 ? args.slice(0, 6).join(' ') + ' …' : args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const nodeTest = (suite, list, extra = []) => {
  if (list.length === 0) { console.log(`\n== ${suite}: no test files`); return; }
  run(suite, process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...list]);
};

if (files.length > 0) {
  nodeTest(what, files, ['--test-concurrency=1']);
  process.exit(0);
}
if (what === 'all' || what === 'static') {
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('typecheck core (no vscode types)', 'npx', ['tsc', '-p', 'tsconfig.core.json', '--noEmit']);
  run('lint', 'npx', ['eslint', '.']);
}
if (what === 'all' || what === 'unit') nodeTest('unit', findTests('test/unit'));
/**
 * The integration tests build on two local images (no registry is needed). When an engine answers and
 * they are missing, make them first, so `npm test` passes on a fresh machine; where that cannot be
 * done here (not Debian, not root) the tests that need them say what is missing.
 */
function ensureTestImages() {
  const have = (ref) => spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
  if (spawnSync('docker', ['version'], { stdio: 'ignore' }).status !== 0) return;
  if (have('berth-test/busybox:latest') && have('debian:bookworm-slim')) return;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    console.log('\n== test images missing: run scripts/make-test-images.sh (as root on Debian) to make them');
    return;
  }
  run('test images', 'bash', ['scripts/make-test-images.sh']);
}

if (what === 'all' || what === 'integration') {
  ensureTestImages();
  // Integration tests share one Docker engine: run files one at a time.
  nodeTest('integration', findTests('test/integration'), ['--test-concurrency=1']);
}
console.log(`\n${what}: all suites passed`);
