import { fstatSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { BerthError } from '../../core/errors';
import { listFlag, stringFlag } from '../args';
import type { CliContext, CommandSpec } from '../command';
import { WORKSPACE_FLAGS, workspaceRef } from './common';
import { ENGINE_FLAGS, serviceFor, useCaseContext } from './service';

function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new BerthError('usage', `--remote-env takes NAME=value, not '${p}'`);
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return env;
}

/**
 * Whether there is no input to pass on: stdin is /dev/null (`< /dev/null`, a service manager) or
 * closed. The exec then attaches no stdin, and the process in the container reads /dev/null, as under
 * `docker exec` without -i; Berth skips opening and piping its own stdin.
 */
export function stdinIsEmpty(fd = 0): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && st.rdev === statSync('/dev/null').rdev;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EBADF';
  }
}

/** A TTY session when both stdin and stdout are terminals, as `docker exec -it` would do. */
async function runInteractive(ctx: CliContext, cmd: string[], env: Record<string, string>, cwd?: string): Promise<number> {
  const stdin = process.stdin;
  const session = await serviceFor(ctx).openSession(
    workspaceRef(ctx),
    { cmd, cols: ctx.stdout.columns ?? 80, rows: ctx.stdout.rows ?? 24, env, cwd },
    useCaseContext(ctx),
  );
  return new Promise<number>((resolve) => {
    const onResize = () => void session.resize(ctx.stdout.columns ?? 80, ctx.stdout.rows ?? 24);
    const onInput = (d: Buffer) => session.write(d);
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onInput);
    ctx.stdout.on('resize', onResize);
    session.onData((d) => ctx.stdout.write(d));
    session.onExit((code) => {
      stdin.off('data', onInput);
      stdin.setRawMode?.(false);
      stdin.pause();
      ctx.stdout.off('resize', onResize);
      resolve(code ?? 1);
    });
  });
}

export const exec: CommandSpec = {
  name: 'exec',
  summary: 'Run a command in the running dev container as remoteUser, in the workspace folder, with remoteEnv. Exits with its exit code.',
  usage: '[options] [--] <cmd> [args...]',
  positionals: true,
  flags: {
    ...WORKSPACE_FLAGS,
    ...ENGINE_FLAGS,
    // stderr is the program's: Berth adds only its warnings and errors unless asked (as the reference CLI).
    'log-level': { type: 'string', valueName: 'trace|debug|info|warn|error', description: 'How much Berth writes to stderr besides the command.', default: 'warn' },
    'remote-env': { type: 'string[]', valueName: 'name=value', description: 'Extra environment for the command.' },
    cwd: { type: 'string', valueName: 'dir', description: 'Working folder in the container (default: the workspace folder).' },
  },
  async run(ctx) {
    const cmd = ctx.args.positionals;
    if (cmd.length === 0) throw new BerthError('usage', 'berth exec: no command given', { hint: 'berth exec --workspace-folder . -- ls -la' });
    const env = parseEnvPairs(listFlag(ctx.args, 'remote-env'));
    const cwd = stringFlag(ctx.args, 'cwd');
    const stdinTty = isatty(0);
    if (stdinTty && ctx.stdout.isTTY) return runInteractive(ctx, cmd, env, cwd);
    // No TTY: pipe stdin only when something is piped in, so `berth exec true` never waits for input.
    const stdin = stdinTty || stdinIsEmpty() ? undefined : process.stdin;
    const result = await serviceFor(ctx).exec(
      workspaceRef(ctx),
      { cmd, remoteEnv: env, cwd, stdin, onStdout: (d) => ctx.stdout.write(d), onStderr: (d) => ctx.stderr.write(d), signal: ctx.signal },
      useCaseContext(ctx),
    );
    return result.exitCode;
  },
};
