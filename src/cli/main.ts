import { describeError, isBerthError } from '../core/errors';
import type { LogLevel } from '../core/events';
import { formatHelp, parseArgs, stringFlag } from './args';
import type { CommandSpec } from './command';
import { commands } from './commands';
import { CliRedaction } from './redaction';
import { eventRenderer } from './render';

declare const BERTH_VERSION: string | undefined;

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'berth: dev containers from devcontainer.json',
    '',
    'Usage: berth <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'berth <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${typeof BERTH_VERSION === 'string' ? BERTH_VERSION : 'dev'}\n`);
    return 0;
  }
  const spec: CommandSpec | undefined = commands.find((c) => c.name === name);
  if (!spec) {
    process.stderr.write(`berth: unknown command '${name}'\n\n${mainHelp()}\n`);
    return 2;
  }
  let args;
  try {
    args = parseArgs(spec, rest);
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 2;
  }
  if (args.flags.help === true) {
    process.stdout.write(formatHelp(spec) + '\n');
    return 0;
  }
  const format = stringFlag(args, 'log-format') === 'json' ? 'json' : 'text';
  const level = (stringFlag(args, 'log-level') ?? 'info') as LogLevel;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Secrets never reach the terminal: logs, status and results are redacted. exec's output is the
  // program's, and read-configuration's is data for tools that must match the reference CLI's.
  const rawStdout = spec.name === 'exec' || spec.name === 'read-configuration';
  const redaction = new CliRedaction(process.env);
  const events = redaction.sink(eventRenderer(process.stderr, format, level));
  const passThrough = spec.name === 'exec';
  try {
    return await spec.run({
      args,
      events,
      cwd: process.cwd(),
      env: process.env,
      stdout: rawStdout ? process.stdout : redaction.wrap(process.stdout),
      stderr: passThrough ? process.stderr : redaction.wrap(process.stderr),
      signal: abort.signal,
      onSpecRead: (loaded) => redaction.learnSpec(loaded),
    });
  } catch (e) {
    process.stderr.write(`${redaction.redact(describeError(e))}\n`);
    if (!isBerthError(e) || e.code === 'internal') process.stderr.write(`${redaction.redact((e as Error)?.stack ?? '')}\n`);
    return isBerthError(e) && e.code === 'usage' ? 2 : 1;
  } finally {
    events.flush();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs the CLI and sets the process exit code; what dist/cli.js (src/cli/launcher.ts) calls. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.stderr.write(`berth: ${String(e)}\n`); process.exitCode = 1; },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
