// `npm start`: Berth's main job, end to end, on the bundled example. Builds Berth, makes sure a Docker
// engine answers (and, on Debian as root, starts one and makes the base image without a registry),
// brings up examples/hello with the CLI, runs a command in the container and prints what it shows.
//   npm start [-- <workspace folder>]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const workspace = resolve(process.argv[2] ?? 'examples/hello');

function step(title, cmd, args, { allowFail = false, quiet = false } = {}) {
  console.log(`\n\x1b[1m▶ ${title}\x1b[0m  (${[cmd, ...args].join(' ')})`);
  const r = spawnSync(cmd, args, { stdio: quiet ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
  if (r.status !== 0 && !allowFail) {
    console.error(`\n✗ ${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  return r;
}

if (!existsSync('dist/cli.js') || process.env.BERTH_REBUILD !== '0') step('Build Berth', 'npm', ['run', '--silent', 'build']);

const onDebianAsRoot = process.getuid?.() === 0 && existsSync('/etc/debian_version');
if (onDebianAsRoot) {
  step('Make sure a Docker engine runs', 'bash', ['scripts/ensure-docker.sh']);
  step('Make the base image when no registry has it', 'bash', ['scripts/make-test-images.sh']);
}

const cli = ['dist/cli.js'];
step(`berth up ${workspace}`, process.execPath, [...cli, 'up', '--workspace-folder', workspace]);
step('berth exec: run a command in the container', process.execPath, [...cli, 'exec', '--workspace-folder', workspace, '--', 'sh', '-c',
  'command -v hello >/dev/null && hello; echo; echo "workspace: $(pwd)"; ls; echo; cat /tmp/hello-created.txt 2>/dev/null']);
step('berth status', process.execPath, [...cli, 'status', '--workspace-folder', workspace]);
console.log(`\n✓ The dev container for ${workspace} is running.`);
console.log(`  Shell in it:  node dist/cli.js exec --workspace-folder ${workspace} -- bash`);
console.log(`  Stop it:      node dist/cli.js stop --workspace-folder ${workspace}`);
console.log(`  Remove it:    node dist/cli.js down --workspace-folder ${workspace}`);
