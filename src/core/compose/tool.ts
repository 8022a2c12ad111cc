/**
 * The Compose tool on the host: `docker compose` (the v2 plugin) when present, else `docker-compose`
 * (the v1 standalone), else an explicit path from `berth.dockerComposePath` / `--docker-compose-path`.
 * Compose runs as a child process; its output is streamed to the caller line by line.
 */
import { nodeChildProcess } from '../lazyNode';
import { BerthError } from '../errors';

/** A Compose tool that answered `version`. */
export interface ComposeTool {
  /** argv prefix: `['docker', 'compose']`, `['docker-compose']` or `[path]` / `[path, 'compose']`. */
  command: string[];
  /** `2.24.1`, `1.29.2`; empty when the tool printed none we could read. */
  version: string;
  /** Major version 1 (the Python standalone) or 2+ (the Go plugin or standalone). */
  major: number;
}

/** The result of one Compose run. */
export interface ComposeRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options for one Compose run. */
export interface ComposeRunOptions {
  /** The whole environment of the child (host env plus DOCKER_HOST when set). */
  env: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Every line of output (stdout and stderr) as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Runs a program and collects its output; a missing program resolves with exitCode 127. */
export function runProcess(argv: string[], options: ComposeRunOptions): Promise<ComposeRunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new BerthError('cancelled', `Cancelled before ${argv.join(' ')} ran`));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    const child = nodeChildProcess().spawn(argv[0], argv.slice(1), { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const splitter = (stream: 'stdout' | 'stderr') => {
      let rest = '';
      return (chunk: Buffer) => {
        (stream === 'stdout' ? out : err).push(chunk);
        if (!options.onLine) return;
        rest += chunk.toString('utf8');
        const lines = rest.split(/\r?\n|\r/);
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') options.onLine(line, stream);
      };
    };
    child.stdout.on('data', splitter('stdout'));
    child.stderr.on('data', splitter('stderr'));
    const onAbort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(new BerthError('cancelled', `Cancelled while running ${argv.join(' ')}`));
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (spawnError) return resolve({ exitCode: spawnError.code === 'ENOENT' ? 127 : 126, stdout, stderr: stderr || spawnError.message });
      resolve({ exitCode: code ?? 1, stdout, stderr });
    });
  });
}

/** `2.24.1` from `v2.24.1`, `docker-compose version 1.29.2, build unknown`, `Docker Compose version v2.3.3`. */
export function parseComposeVersion(text: string): string {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? m[0] : '';
}

/** The argv prefix for an explicit path: a `docker` binary means its compose plugin. */
export function commandForPath(path: string): string[] {
  // Split on both separators: the path may be a Windows one whatever this process runs on.
  const name = (path.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  return name === 'docker' ? [path, 'compose'] : [path];
}

/** Runs a program; tests give a fake. */
export type ProcessRunner = (argv: string[], options: ComposeRunOptions) => Promise<ComposeRunResult>;

/**
 * Finds the Compose tool: the explicit path when given (an error when it does not answer), else
 * `docker compose`, else `docker-compose`. Throws BerthError('docker-unavailable') with a hint when none works.
 */
export async function detectComposeTool(
  options: { explicitPath?: string; env: Record<string, string | undefined>; signal?: AbortSignal },
  run: ProcessRunner = runProcess,
): Promise<ComposeTool> {
  const candidates = options.explicitPath ? [commandForPath(options.explicitPath)] : [['docker', 'compose'], ['docker-compose']];
  const tried: string[] = [];
  for (const command of candidates) {
    const r = await run([...command, 'version'], { env: options.env, signal: options.signal });
    if (r.exitCode === 0) {
      const version = parseComposeVersion(r.stdout);
      return { command, version, major: Number.parseInt(version.split('.')[0] ?? '', 10) || 0 };
    }
    tried.push(`${command.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.exitCode}`}`);
  }
  throw new BerthError('docker-unavailable', 'No Docker Compose tool found to run this Compose dev container', {
    output: tried,
    hint: options.explicitPath
      ? `Check the path in berth.dockerComposePath (or --docker-compose-path): ${options.explicitPath}`
      : "Install the Compose plugin ('docker compose') or 'docker-compose', or set berth.dockerComposePath (--docker-compose-path).",
  });
}

const detected = new Map<string, Promise<ComposeTool>>();

/** detectComposeTool, remembered per path for the life of the process (the tool does not change under us). */
export function composeToolFor(options: { explicitPath?: string; env: Record<string, string | undefined>; signal?: AbortSignal }): Promise<ComposeTool> {
  const key = `${options.explicitPath ?? ''}|${options.env.PATH ?? ''}`;
  let found = detected.get(key);
  if (!found) {
    found = detectComposeTool(options);
    detected.set(key, found);
    found.catch(() => detected.delete(key));
  }
  return found;
}
