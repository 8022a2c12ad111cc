// Berth's CLI against the reference CLI (@devcontainers/cli), side by side in one run. Whole processes
// are timed, spawn to exit, the way a user or a script sees them; the two tools alternate (ABAB...),
// each on its own copy of the same workspace, so drift in machine load hits both alike.
//   npm run bench -- [--n 7] [--warmup 1] [--only a,b,c,d,dbig,base,mem] [--context-mib 64] [--gap-ms 500] [--help]
// Needs `npm run build` first (it times dist/cli.js as it is) and a Docker engine with debian:bookworm-slim.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
let BERTH = join(ROOT, 'dist', 'cli.js');
const REFERENCE = join(ROOT, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');
const IMAGE = 'debian:bookworm-slim';
const RUN_ID = `${Date.now().toString(36)}`;
const BENCH_LABEL = `dev.berth.bench=${RUN_ID}`;

/**
 * Untimed pause after each timed run. A tool may leave work running after it exits: the reference CLI
 * returns from `up` while its login-shell env probe (`docker exec ... bash -lic`) still runs (66 ms on
 * after its exit, here), and without a pause that work, and the engine's cleanup after it, lands on the
 * next run, the other tool's (measured: Berth's (b) 102 ms right after the reference's `up`, 86 ms after
 * 0.5 s, 84 ms after 2 s). `--gap-ms` sets it; the same pause follows every run of either tool.
 */
let gapMs = 500;

interface Options {
  n: number;
  warmup: number;
  only: Set<string>;
  memoryMiB: number;
  memoryTimeoutS: number;
  contextMiB: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { n: 7, warmup: 1, only: new Set(['a', 'b', 'c', 'd', 'dbig', 'base', 'mem']), memoryMiB: 1024, memoryTimeoutS: 240, contextMiB: 64 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--n') o.n = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--only') o.only = new Set(next().split(','));
    else if (a === '--memory-mib') o.memoryMiB = Number(next());
    else if (a === '--memory-timeout') o.memoryTimeoutS = Number(next());
    else if (a === '--context-mib') o.contextMiB = Number(next());
    else if (a === '--gap-ms') gapMs = Number(next());
    // Another build of Berth's CLI, for before/after comparisons.
    else if (a === '--berth') BERTH = resolve(next());
    else if (a === '--skip-memory') o.only.delete('mem');
    else if (a === '--help' || a === '-h') {
      console.log('npm run bench -- [--n 7] [--warmup 1] [--only a,b,c,d,dbig,base,mem] [--context-mib 64] [--gap-ms 500] [--memory-mib 1024] [--memory-timeout 240] [--skip-memory] [--berth dist/cli.js]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.n) || o.n < 1) throw new Error('--n takes a positive integer');
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new Error('--warmup takes a whole number');
  if (!Number.isFinite(gapMs) || gapMs < 0) throw new Error('--gap-ms takes a number of milliseconds');
  return o;
}

// ---- processes ----

interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn to exit, in milliseconds. Output is collected (and checked), never shown. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let ms = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The clock stops at exit, as a shell's wait sees it; 'close' (all output drained) comes after.
    child.on('exit', () => (ms = Number(process.hrtime.bigint() - start) / 1e6));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ms, code, stdout, stderr }));
  });
}

async function ok(cmd: string, args: string[], what: string, check?: (r: Run) => string | undefined, env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await timed(cmd, args, env);
  const problem = r.code !== 0 ? `exit ${r.code}` : check?.(r);
  if (problem) throw new Error(`${what}: ${problem}\n$ ${cmd} ${args.join(' ')}\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return r;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout.trim();
}

// ---- statistics ----

interface Stats {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { samples: samples.map((x) => Math.round(x * 10) / 10), median, min: s[0], max: s[s.length - 1] };
}

// ---- workspaces ----

interface Tool {
  name: 'berth' | 'reference';
  script: string;
  /** The image-based workspace (a, b, c). */
  app: string;
  /** The Dockerfile workspace (d). */
  df: string;
  /** The Dockerfile workspace with a big build context (dbig; berth's copy only). */
  dfbig: string;
}

function makeWorkspaces(base: string, contextMiB: number): { berth: Tool; reference: Tool } {
  const template = join(base, 'template');
  mkdirSync(join(template, 'app', '.devcontainer'), { recursive: true });
  writeFileSync(
    join(template, 'app', '.devcontainer', 'devcontainer.json'),
    JSON.stringify({ name: 'bench-app', image: IMAGE, postCreateCommand: 'echo created > /tmp/bench-created' }, null, 2),
  );
  writeFileSync(join(template, 'app', 'README.md'), 'A workspace for bench/run.ts.\n');
  mkdirSync(join(template, 'df', '.devcontainer'), { recursive: true });
  writeFileSync(join(template, 'df', '.devcontainer', 'devcontainer.json'), JSON.stringify({ name: 'bench-df', build: { dockerfile: 'Dockerfile' } }, null, 2));
  writeFileSync(
    join(template, 'df', '.devcontainer', 'Dockerfile'),
    `FROM ${IMAGE}\nRUN echo bench > /etc/bench-marker && mkdir -p /opt/bench\nCOPY hello.txt /opt/bench/hello.txt\nENV BENCH=1\n`,
  );
  writeFileSync(join(template, 'df', '.devcontainer', 'hello.txt'), 'hello from the bench build context\n');
  const tool = (name: Tool['name'], script: string): Tool => {
    // Same folder names under each tool's root, so both get /workspaces/app and identical specs.
    cpSync(template, join(base, name), { recursive: true });
    return { name, script, app: join(base, name, 'app'), df: join(base, name, 'df'), dfbig: join(base, name, 'dfbig') };
  };
  const tools = { berth: tool('berth', BERTH), reference: tool('reference', REFERENCE) };
  // The big context: the df workspace plus files the Dockerfile never copies, which every build still
  // uploads (a repository's data or node_modules without a .dockerignore).
  cpSync(tools.berth.df, tools.berth.dfbig, { recursive: true });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < contextMiB; i++) {
    for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((i * 7919 + j * 31) >>> 0, j);
    writeFileSync(join(tools.berth.dfbig, '.devcontainer', `data-${i}.bin`), chunk);
  }
  return tools;
}

function containersOf(folder: string): string[] {
  const out = sh('docker', ['ps', '-aq', '--filter', `label=devcontainer.local_folder=${folder}`]);
  return out ? out.split('\n') : [];
}

/** Berth's per-container session files (src/core/usecases/sessionCache.ts), which `docker rm` leaves behind. */
const SESSION_DIR = join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'berth', 'containers');

function removeContainersOf(folder: string): void {
  const ids = sh('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=devcontainer.local_folder=${folder}`]).split('\n').filter(Boolean);
  if (ids.length === 0) return;
  sh('docker', ['rm', '-f', '-v', ...ids]);
  for (const id of ids) rmSync(join(SESSION_DIR, `${id}.json`), { force: true });
}

// ---- scenarios ----

interface Pair {
  id: string;
  title: string;
  /** Berth/other median must be at most this; undefined: for information. */
  target?: number;
  a: Measured;
  b: Measured;
  /** Of the wall-clock medians: what the targets are about. */
  ratio: number;
  /** Of the CPU medians, for information. */
  cpuRatio?: number;
  pass?: boolean;
}

interface Single {
  id: string;
  title: string;
  stats: Stats;
  cpu?: Stats;
}

/** Wall-clock ms of one timed step. */
type Step = () => Promise<number>;

/** A step's samples: wall clock, and the CPU its processes used (user + system; undefined off Linux). */
interface Series {
  wall: number[];
  cpu?: number[];
}

/**
 * CPU ms used by this process's exited (waited-for) children and their own children, from
 * /proc/self/stat (cutime + cstime, in 10 ms clock ticks). Load on a shared machine stretches wall
 * time but barely moves CPU time, so it is the steadier comparison there.
 */
function childCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime); `fields` starts at field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function measured(step: Step, into: Series): Promise<() => void> {
  const c0 = childCpuMs();
  const wall = await step();
  const c1 = childCpuMs();
  return () => {
    into.wall.push(wall);
    if (c0 !== undefined && c1 !== undefined) (into.cpu ??= []).push(c1 - c0);
  };
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `a` and `b` alternately (ABAB...), `warmup` untimed rounds first, `between` untimed after each. */
async function alternate(n: number, warmup: number, a: Step, b: Step, between?: () => void): Promise<[Series, Series]> {
  const as: Series = { wall: [] };
  const bs: Series = { wall: [] };
  for (let i = 0; i < warmup + n; i++) {
    const keepA = await measured(a, as);
    between?.();
    await pause(gapMs);
    const keepB = await measured(b, bs);
    between?.();
    await pause(gapMs);
    if (i >= warmup) {
      keepA();
      keepB();
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return [as, bs];
}

async function repeat(n: number, warmup: number, step: Step, between?: () => void): Promise<Series> {
  const out: Series = { wall: [] };
  for (let i = 0; i < warmup + n; i++) {
    const keep = await measured(step, out);
    between?.();
    await pause(gapMs);
    if (i >= warmup) keep();
  }
  return out;
}

interface Measured {
  label: string;
  stats: Stats;
  cpu?: Stats;
}

function summarize(label: string, s: Series): Measured {
  return { label, stats: stats(s.wall), ...(s.cpu ? { cpu: stats(s.cpu) } : {}) };
}

function pair(id: string, title: string, target: number | undefined, a: [string, Series], b: [string, Series]): Pair {
  const ma = summarize(...a);
  const mb = summarize(...b);
  const ratio = ma.stats.median / mb.stats.median;
  const cpuRatio = ma.cpu && mb.cpu ? ma.cpu.median / mb.cpu.median : undefined;
  return { id, title, target, a: ma, b: mb, ratio, cpuRatio, pass: target === undefined ? undefined : ratio <= target };
}

/** Image names the tools reported building, removed at the end. */
const madeImages = new Set<string>();

const outcome = (action?: string) => (r: Run): string | undefined => {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let result: { outcome?: string; action?: string; imageName?: string | string[] };
  try {
    result = JSON.parse(line) as typeof result;
  } catch {
    return `no JSON result on stdout: ${line.slice(0, 200)}`;
  }
  if (result.outcome !== 'success') return `outcome ${result.outcome}`;
  for (const name of [result.imageName ?? []].flat()) madeImages.add(name);
  if (action && result.action !== undefined && result.action !== action) return `action ${result.action}, expected ${action}`;
  return undefined;
};

async function main(): Promise<void> {
  const opt = parseOptions(process.argv.slice(2));
  if (!existsSync(BERTH)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  if (!existsSync(REFERENCE)) throw new Error('the reference CLI is missing: run `npm install`');
  sh('docker', ['image', 'inspect', IMAGE]);

  const loadStart = loadavg();
  const machine = {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadStart: loadStart.map((x) => Math.round(x * 100) / 100),
    gapMs,
    node: process.version,
    docker: sh('docker', ['version', '--format', '{{.Client.Version}} (engine {{.Server.Version}}, API {{.Server.APIVersion}})']),
    // dist/cli.js alone, or with the bundle it loads (dist/cli-main.js) when the build splits them.
    berthCli: BERTH,
    berthCliBytes: [BERTH, join(dirname(BERTH), 'cli-main.js')].filter((f) => existsSync(f)).reduce((n, f) => n + statSync(f).size, 0),
  };
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, docker ${machine.docker}`);
  console.log(`berth CLI: ${BERTH} (${(machine.berthCliBytes / 1024).toFixed(0)} KiB of code)`);
  console.log(`load average at start: ${machine.loadStart.join(' ')} (1, 5, 15 min); N=${opt.n}, warmup ${opt.warmup}, ${gapMs} ms pause after each run`);
  if (loadStart[0] > 1) console.log(`WARNING: load ${loadStart[0].toFixed(2)} > 1: other work on this machine skews these figures.`);

  const base = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const { berth, reference } = makeWorkspaces(base, opt.only.has('dbig') ? opt.contextMiB : 0);
  const cli = (t: Tool, env?: NodeJS.ProcessEnv) => (args: string[], check?: (r: Run) => string | undefined) => async () =>
    (await ok('node', [t.script, ...args], `${t.name} ${args[0]}`, check, env)).ms;
  // Berth reuses an image whose inputs did not change without asking the engine to build (build
  // avoidance); with it off, the engine builds from its layer cache, as `docker build` does.
  const engineBuild = { ...process.env, BERTH_REUSE_UNCHANGED_IMAGE: '0' };
  const pairs: Pair[] = [];
  const singles: Single[] = [];
  const plainTag = `berth-bench/plain:${RUN_ID}`;
  const baselineIds: string[] = [];
  const cleanup = () => {
    for (const t of [berth, reference]) {
      removeContainersOf(t.app);
      removeContainersOf(t.df);
    }
    const mine = sh('docker', ['ps', '-aq', '--filter', `label=${BENCH_LABEL}`]);
    if (mine) sh('docker', ['rm', '-f', '-v', ...mine.split('\n')]);
    // Only tags this run made: the plain build's and what either tool reported for the df workspaces.
    const ours = [plainTag, ...[...madeImages].filter((t) => /^vsc-df(big)?-/.test(t))];
    spawnSync('docker', ['rmi', ...ours], { stdio: 'ignore' });
    rmSync(base, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    const up = (t: Tool, action?: string) => cli(t)(['up', '--workspace-folder', t.app], outcome(action));
    if (opt.only.has('a')) {
      console.error('(a) up: create from a present image + postCreateCommand');
      const clear = () => {
        removeContainersOf(berth.app);
        removeContainersOf(reference.app);
      };
      clear();
      const [as, bs] = await alternate(opt.n, opt.warmup, up(berth, 'created'), up(reference), clear);
      pairs.push(pair('a', 'up: create + postCreateCommand', 0.5, ['berth', as], ['reference', bs]));
    }
    // (b) and (c) need each tool's container running; the last (a) round removed them.
    if (['b', 'c', 'base'].some((s) => opt.only.has(s))) {
      await up(berth)();
      await up(reference)();
      for (const t of [berth, reference]) {
        const id = containersOf(t.app)[0];
        if (!id || sh('docker', ['exec', id, 'cat', '/tmp/bench-created']) !== 'created') throw new Error(`${t.name}: postCreateCommand did not run`);
      }
    }
    if (opt.only.has('b')) {
      console.error('(b) up: container already running');
      const [as, bs] = await alternate(opt.n, opt.warmup, up(berth, 'reused'), up(reference));
      pairs.push(pair('b', 'up: container already running', 0.25, ['berth', as], ['reference', bs]));
    }
    if (opt.only.has('c')) {
      console.error('(c) exec -- true');
      const exec = (t: Tool) => cli(t)(['exec', '--workspace-folder', t.app, '--', 'true']);
      const [as, bs] = await alternate(opt.n, opt.warmup, exec(berth), exec(reference));
      pairs.push(pair('c', 'exec -- true', 0.3, ['berth', as], ['reference', bs]));
    }
    if (opt.only.has('d')) {
      console.error('(d) rebuild, every layer cached');
      const ctxDir = join(berth.df, '.devcontainer');
      const plain = async () => (await ok('docker', ['build', '-q', '-t', plainTag, ctxDir], 'docker build')).ms;
      const berthBuild = cli(berth)(['build', '--workspace-folder', berth.df], outcome());
      const refBuild = cli(reference)(['build', '--workspace-folder', reference.df], outcome());
      // The first round fills the cache (untimed): at least one warmup here whatever --warmup says.
      const [as, bs] = await alternate(opt.n, Math.max(1, opt.warmup), berthBuild, plain);
      pairs.push(pair('d', 'build, all layers cached (vs docker build -q)', 1.1, ['berth', as], ['docker build', bs]));
      const [as2, rs] = await alternate(opt.n, Math.max(1, opt.warmup), berthBuild, refBuild);
      pairs.push(pair('d-ref', 'build, all layers cached (vs devcontainer build; info)', undefined, ['berth', as2], ['reference', rs]));
      const berthEngine = cli(berth, engineBuild)(['build', '--workspace-folder', berth.df], outcome());
      const [as3, bs3] = await alternate(opt.n, Math.max(1, opt.warmup), berthEngine, plain);
      pairs.push(pair('d-engine', 'build, all layers cached, avoidance off (info)', undefined, ['berth', as3], ['docker build', bs3]));
    }
    if (opt.only.has('dbig') && opt.contextMiB > 0) {
      console.error(`(dbig) rebuild, every layer cached, ${opt.contextMiB} MiB context`);
      const plain = async () => (await ok('docker', ['build', '-q', '-t', plainTag, join(berth.dfbig, '.devcontainer')], 'docker build')).ms;
      const berthBuild = cli(berth)(['build', '--workspace-folder', berth.dfbig], outcome());
      const [as, bs] = await alternate(opt.n, Math.max(1, opt.warmup), berthBuild, plain);
      pairs.push(pair('dbig', `build, all layers cached, ${opt.contextMiB} MiB context (vs docker build -q)`, 1.1, ['berth', as], ['docker build', bs]));
      const berthEngine = cli(berth, engineBuild)(['build', '--workspace-folder', berth.dfbig], outcome());
      const [as3, bs3] = await alternate(opt.n, Math.max(1, opt.warmup), berthEngine, plain);
      pairs.push(pair('dbig-engine', `build, ${opt.contextMiB} MiB context, avoidance off (info)`, undefined, ['berth', as3], ['docker build', bs3]));
    }
    if (opt.only.has('base')) {
      console.error('baselines');
      const id = containersOf(berth.app)[0];
      const runExec = async () => {
        const r1 = await ok('docker', ['run', '-d', '--label', BENCH_LABEL, IMAGE, 'sleep', 'infinity'], 'docker run');
        const cid = r1.stdout.trim();
        baselineIds.push(cid);
        const r2 = await ok('docker', ['exec', cid, 'sh', '-c', 'echo created > /tmp/bench-created'], 'docker exec');
        return r1.ms + r2.ms;
      };
      const rmBaseline = () => {
        if (baselineIds.length) sh('docker', ['rm', '-f', '-v', ...baselineIds.splice(0)]);
      };
      const simple = (cmd: string, args: string[]) => async () => (await ok(cmd, args, `${cmd} ${args[0]}`)).ms;
      const base1: [string, string, Step, (() => void)?][] = [
        ['docker-run-exec', 'docker run -d + docker exec (floor for a)', runExec, rmBaseline],
        ['docker-ps', 'docker ps --filter label=... (a lookup)', simple('docker', ['ps', '-q', '--filter', `label=devcontainer.local_folder=${berth.app}`])],
        ['docker-exec', 'docker exec ID true (floor for c)', simple('docker', ['exec', id, 'true'])],
        ['node', 'node -e 0 (Node startup)', simple('node', ['-e', '0'])],
        ['berth-version', 'berth --version (Node + loading dist/cli.js)', simple('node', [BERTH, '--version'])],
        [
          'berth-exec-cold',
          'berth exec true without the code cache (a first run)',
          async () => (await ok('node', [BERTH, 'exec', '--workspace-folder', berth.app, '--', 'true'], 'berth exec', undefined, { ...process.env, BERTH_COMPILE_CACHE: '0' })).ms,
        ],
      ];
      for (const [sid, title, step, between] of base1) {
        const m = summarize(title, await repeat(opt.n, opt.warmup, step, between));
        singles.push({ id: sid, title, stats: m.stats, ...(m.cpu ? { cpu: m.cpu } : {}) });
      }
    }
  } finally {
    cleanup();
  }

  let memory: { ok: boolean; output: string; seconds: number } | undefined;
  const memoryScript = join(ROOT, 'bench', 'build-context-memory.ts');
  if (opt.only.has('mem') && existsSync(memoryScript)) {
    console.error(`build-context memory check (${opt.memoryMiB} MiB, timeout ${opt.memoryTimeoutS} s)`);
    const started = Date.now();
    const r = spawnSync('node', ['--import', 'tsx', memoryScript, String(opt.memoryMiB)], { cwd: ROOT, encoding: 'utf8', timeout: opt.memoryTimeoutS * 1000 });
    const timedOut = r.error !== undefined || r.signal !== null;
    memory = { ok: r.status === 0, output: timedOut ? `did not finish in ${opt.memoryTimeoutS} s` : `${r.stdout}${r.stderr}`.trim(), seconds: (Date.now() - started) / 1000 };
  }

  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  report(pairs, singles, memory, { ...machine, loadEnd }, opt);
}

function report(pairs: Pair[], singles: Single[], memory: { ok: boolean; output: string; seconds: number } | undefined, machine: Record<string, unknown> & { loadEnd: number[] }, opt: Options): void {
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const cell = (s: Stats) => `${f(s.median)} (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
  const cpu = (m: Measured) => (m.cpu ? `${m.cpu.median.toFixed(0)}` : '?');
  const rows: string[][] = [['', 'scenario', 'berth median (min-max)', 'other median (min-max)', 'ratio', 'target', 'result', 'CPU ms berth/other (ratio)']];
  for (const p of pairs) {
    rows.push([
      p.id,
      p.title,
      cell(p.a.stats),
      `${p.b.label}: ${cell(p.b.stats)}`,
      `${p.ratio.toFixed(2)}x`,
      p.target === undefined ? '-' : `<= ${p.target}x`,
      p.pass === undefined ? 'info' : p.pass ? 'PASS' : 'MISS',
      `${cpu(p.a)}/${cpu(p.b)}${p.cpuRatio === undefined ? '' : ` (${p.cpuRatio.toFixed(2)}x)`}`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  if (pairs.length) {
    console.log('');
    console.log(line(rows[0]));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1)) console.log(line(r));
  }
  if (singles.length) {
    console.log('\nbaselines (median, min-max):');
    const w = Math.max(...singles.map((s) => s.title.length));
    for (const s of singles) console.log(`  ${s.title.padEnd(w)}  ${cell(s.stats).padEnd(22)}${s.cpu ? `  CPU ${s.cpu.median.toFixed(0)} ms` : ''}`);
  }
  if (memory) console.log(`\nbuild context memory (${memory.seconds.toFixed(0)} s${memory.ok ? '' : ', FAILED'}):\n  ${memory.output.split('\n').join('\n  ')}`);
  console.log(`\nload average at end: ${machine.loadEnd.join(' ')}`);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${String(machine.date).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine, options: { ...opt, only: [...opt.only] }, pairs, baselines: singles, memory }, null, 2) + '\n');
  console.log(`samples: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
