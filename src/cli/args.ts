import { BerthError } from '../core/errors';
import type { CommandSpec, ParsedArgs } from './command';

/** Flags shared by every command. */
export const GLOBAL_FLAGS: CommandSpec['flags'] = {
  'log-format': { type: 'string', valueName: 'text|json', description: 'How progress is written to stderr.', default: 'text' },
  'log-level': { type: 'string', valueName: 'trace|debug|info|warn|error', description: 'How much is written to stderr.', default: 'info' },
  help: { type: 'boolean', description: 'Show help for this command.' },
};

/**
 * Parses `--flag value`, `--flag=value`, `--bool`, `--no-bool`, repeated `string[]` flags and
 * positionals. Once a positional is seen on a command that takes them, the rest is positional too
 * (so `berth exec ls -la` passes `-la` to `ls`).
 */
export function parseArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const all = { ...GLOBAL_FLAGS, ...spec.flags };
  for (const [name, f] of Object.entries(all)) if (f.default !== undefined) flags[name] = f.default;
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--') || positionals.length > 0) {
      if (!spec.positionals) throw usage(spec, `unexpected argument '${arg}'`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (!(name in all) && name.startsWith('no-') && all[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const f = all[name];
    if (!f) throw usage(spec, `unknown flag '--${name}'`);
    if (f.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw usage(spec, `--${name} takes true or false, not '${inline}'`);
      flags[name] = negated ? false : inline === undefined ? true : inline === 'true';
      continue;
    }
    if (inline === undefined) {
      if (i + 1 >= argv.length) throw usage(spec, `--${name} needs a value`);
      inline = argv[++i];
    }
    if (f.type === 'string[]') {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), inline];
    } else {
      flags[name] = inline;
    }
  }
  return { flags, positionals };
}

function usage(spec: CommandSpec, message: string): BerthError {
  return new BerthError('usage', `berth ${spec.name}: ${message}`, { hint: `run 'berth ${spec.name} --help'` });
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : [];
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`berth ${spec.name} ${spec.usage ?? '[options]'}`, '', spec.summary, '', 'Options:'];
  for (const [name, f] of Object.entries({ ...spec.flags, ...GLOBAL_FLAGS })) {
    const left = `  --${name}${f.type === 'boolean' ? '' : ` <${f.valueName ?? 'value'}>`}`;
    const def = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${f.default})` : '';
    lines.push(`${left.padEnd(34)} ${f.description}${f.type === 'string[]' ? ' Repeatable.' : ''}${def}`);
  }
  return lines.join('\n');
}
