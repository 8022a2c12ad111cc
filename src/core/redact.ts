/**
 * Keeping secrets out of what Berth shows people: values of environment variables whose names look
 * secret, and every value a spec took from the host with `${localEnv:…}` / `${env:…}`, are replaced by
 * `***` in logs and status output. Pure: the front ends build a Redactor from the loaded spec and the
 * host environment and run their text (or their event sink) through it.
 */
import type { BerthEvent, EventSink } from './events';

/** What a redacted value is shown as. */
export const MASK = '***';

/**
 * Values shorter than this are not redacted: they cannot hold a useful secret, and replacing every
 * `1` or `on` in a log would garble it.
 */
export const MIN_SECRET_LENGTH = 4;

/** Words that make a name secret when a word of the name ends with them (`GH_TOKEN`, `CLIENTSECRET`). */
const SECRET_SUFFIXES = ['TOKEN', 'TOKENS', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'AUTH'];
/** Words that make a name secret only as a whole word: `API_KEY` but not `KEYBOARD`, `DB_PASS` but not `PASSTHROUGH`. */
const SECRET_WORDS = new Set(['KEY', 'KEYS', 'PASS', 'PAT', 'AUTHORIZATION', 'COOKIE', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'SIGNINGKEY', 'SSHKEY']);

/**
 * Whether an environment variable's name marks its value as secret. The name is split into words at
 * `_`, `-`, `.` and camelCase humps; it is secret when a word ends with TOKEN, SECRET, PASSWORD,
 * PASSWD, PASSPHRASE, CREDENTIAL(S), CREDS or AUTH, or is KEY(S), PASS, PAT, AUTHORIZATION, COOKIE
 * or a `…KEY` compound like APIKEY. So `AWS_SECRET_ACCESS_KEY`, `npm_config__auth`, `apiToken` and
 * `GITHUBTOKEN` are secret; `KEYBOARD`, `MONKEY`, `AUTHOR`, `PASSTHROUGH` and `PWD` are not.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  return words.some((w) => SECRET_WORDS.has(w) || SECRET_SUFFIXES.some((s) => w.endsWith(s)));
}

/**
 * Host variables a spec commonly takes with `${localEnv:…}` that name places and settings, not
 * secrets: masking `${localEnv:HOME}` would mask the start of every host path in the log.
 */
const PUBLIC_HOST_VARIABLES = /^(HOME|USER|USERNAME|LOGNAME|USERPROFILE|HOMEDRIVE|HOMEPATH|PATH|PWD|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TERM|TZ|TMPDIR|TEMP|TMP|DISPLAY|HOSTNAME|EDITOR|VISUAL|XDG_[A-Z_]+)$/i;

/** What the redactor reads from a loaded spec (a ReadConfigResult fits). */
export interface SpecSecretsInput {
  /** The spec as written (variables not substituted): where `${localEnv:…}` references are found. */
  written: unknown;
  /** The substituted spec: its containerEnv, remoteEnv, build.args, runArgs and build.options. */
  raw: unknown;
  substitution: { env: Record<string, string | undefined>; platform: NodeJS.Platform };
  /** The merged config's env, when there is one (image metadata may add secret-named entries). */
  config?: { containerEnv?: Record<string, string>; remoteEnv?: Record<string, string | null> };
}

function lookupEnv(env: Record<string, string | undefined>, platform: NodeJS.Platform, name: string): string | undefined {
  if (platform !== 'win32') return Object.hasOwn(env, name) ? env[name] : undefined;
  const upper = name.toUpperCase();
  for (const [k, v] of Object.entries(env)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

function eachString(value: unknown, visit: (s: string) => void, depth = 0): void {
  // The reader caps nesting; the guard keeps a hand-built value from recursing without end.
  if (depth > 300) return;
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) eachString(v, visit, depth + 1);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) eachString(v, visit, depth + 1);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `NAME=value` pairs in a flag list (`-e`, `--env`, `--build-arg`) whose NAME looks secret. */
function secretAssignments(args: unknown, flags: readonly string[], out: string[]): void {
  if (!Array.isArray(args)) return;
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (typeof token !== 'string') continue;
    let assignment: unknown;
    const flag = flags.find((f) => token === f || token.startsWith(`${f}=`) || (f.length === 2 && token.startsWith(f) && token.length > 2));
    if (!flag) continue;
    if (token === flag) assignment = args[++i];
    else assignment = token.slice(token.startsWith(`${flag}=`) ? flag.length + 1 : flag.length);
    if (typeof assignment !== 'string') continue;
    const eq = assignment.indexOf('=');
    if (eq > 0 && isSecretName(assignment.slice(0, eq))) out.push(assignment.slice(eq + 1));
  }
}

/**
 * Every value of a loaded spec that must not be shown: each `${localEnv:NAME}` / `${env:NAME}`
 * value from the host (but HOME, USER, PATH, LANG and the like, which are not secrets), and the values of secret-named containerEnv, remoteEnv, build.args, runArgs
 * `-e`/`--env` and build.options `--build-arg` entries. With `hostEnv`, the host's own secret-named
 * variables too (a hook or a `-e NAME` runArg may pass them on).
 */
export function specSecrets(loaded: SpecSecretsInput, hostEnv?: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  const { env, platform } = loaded.substitution;
  eachString(loaded.written, (s) => {
    for (const m of s.matchAll(/\$\{(?:localEnv|env):([^:}\r\n]+)/g)) {
      if (PUBLIC_HOST_VARIABLES.test(m[1])) continue;
      const value = lookupEnv(env, platform, m[1]);
      if (value !== undefined) out.push(value);
    }
  });
  const raw = record(loaded.raw);
  const named = (obj: unknown) => {
    for (const [k, v] of Object.entries(record(obj))) if (typeof v === 'string' && isSecretName(k)) out.push(v);
  };
  named(raw.containerEnv);
  named(raw.remoteEnv);
  named(record(raw.build).args);
  named(loaded.config?.containerEnv);
  named(loaded.config?.remoteEnv);
  secretAssignments(raw.runArgs, ['-e', '--env'], out);
  secretAssignments(record(raw.build).options, ['--build-arg'], out);
  if (hostEnv) named(hostEnv);
  return out;
}

/** Rewrites text so no secret it knows is left in it. */
export interface Redactor {
  /** How many distinct secrets it hides (0: `redact` returns its input). */
  readonly size: number;
  redact(text: string): string;
  /** A redactor for text that arrives in chunks, where a secret may be split between two. */
  stream(): StreamRedactor;
}

/** Redacts chunked output: holds back a chunk's tail while it could be the start of a secret. */
export interface StreamRedactor {
  /** The redacted text that can be shown now. */
  push(chunk: string): string;
  /** Whatever was held back, redacted (when the stream ends or something else is shown). */
  flush(): string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A Redactor for `values`. Each value is also hidden in its JSON-escaped form (for `--log-format
 * json` and `--json` output) and line by line (a multi-line secret printed in parts).
 */
export function createRedactor(values: Iterable<string>, options: { minLength?: number } = {}): Redactor {
  const min = options.minLength ?? MIN_SECRET_LENGTH;
  const forms = new Set<string>();
  let distinct = 0;
  for (const v of new Set(values)) {
    if (v.length < min) continue;
    distinct++;
    forms.add(v);
    const json = JSON.stringify(v).slice(1, -1);
    forms.add(json);
    for (const line of v.split(/\r?\n/)) if (line.length >= min) forms.add(line);
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  const redact = (text: string) => (pattern && text.length > 0 ? text.replace(pattern, MASK) : text);
  const longest = sorted.length > 0 ? sorted[0].length : 0;
  /** Length of the longest end of `text` that begins some secret (so must wait for the next chunk). */
  const heldLength = (text: string) => {
    for (let k = Math.min(longest - 1, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (sorted.some((f) => f.length > k && f.startsWith(tail))) return k;
    }
    return 0;
  };
  return {
    size: distinct,
    redact,
    stream() {
      let pending = '';
      return {
        push(chunk) {
          if (!pattern) return chunk;
          const text = redact(pending + chunk);
          const k = heldLength(text);
          pending = text.slice(text.length - k);
          return text.slice(0, text.length - k);
        },
        flush() {
          const rest = redact(pending);
          pending = '';
          return rest;
        },
      };
    },
  };
}

/** A Redactor for the host's own secret-named variables, before (or without) a spec. */
export function hostRedactor(hostEnv: Record<string, string | undefined>): Redactor {
  return createRedactor(specSecrets({ written: {}, raw: {}, substitution: { env: {}, platform: 'linux' } }, hostEnv));
}

/** A Redactor that hides nothing. */
export const noRedaction: Redactor = createRedactor([]);

/** The Redactor for a loaded spec (see {@link specSecrets}). */
export function redactorForSpec(loaded: SpecSecretsInput, hostEnv?: Record<string, string | undefined>): Redactor {
  return createRedactor(specSecrets(loaded, hostEnv));
}

/** A copy of `e` with every free-text field redacted (ids, numbers and states are left alone). */
export function redactEvent(e: BerthEvent, redactor: Redactor): BerthEvent {
  if (redactor.size === 0) return e;
  const r = (s: string) => redactor.redact(s);
  switch (e.type) {
    case 'log':
      return { ...e, message: r(e.message) };
    case 'phase':
      return e.detail === undefined ? e : { ...e, detail: r(e.detail) };
    case 'build-step':
      return { ...e, instruction: r(e.instruction) };
    case 'output':
      return { ...e, text: r(e.text) };
    case 'hook':
      return { ...e, ...(e.command === undefined ? {} : { command: r(e.command) }), ...(e.reason === undefined ? {} : { reason: r(e.reason) }) };
    case 'port':
      return e.note === undefined ? e : { ...e, note: r(e.note) };
    default:
      return e;
  }
}

/**
 * Wraps an event sink so nothing it receives holds a secret. `redactor` is read at each event, so a
 * front end can start with the host's secrets and swap in the spec's once it has read the spec.
 * Streamed output is redacted across chunk boundaries; what a stream held back is let out before
 * any other event, so the order of lines is kept.
 */
export function redactingSink(sink: EventSink, redactor: Redactor | (() => Redactor)): RedactingSink {
  const current = typeof redactor === 'function' ? redactor : () => redactor;
  const streams = new Map<string, { redactor: Redactor; stream: StreamRedactor; event: Extract<BerthEvent, { type: 'output' }> }>();
  const flushAll = () => {
    for (const { stream, event } of streams.values()) {
      const rest = stream.flush();
      if (rest !== '') sink({ ...event, text: rest });
    }
    streams.clear();
  };
  const redacting: EventSink = (e) => {
    const r = current();
    if (e.type !== 'output') {
      flushAll();
      sink(redactEvent(e, r));
      return;
    }
    if (r.size === 0 && streams.size === 0) {
      sink(e);
      return;
    }
    const key = `${e.source}\0${e.name ?? ''}`;
    let entry = streams.get(key);
    if (!entry || entry.redactor !== r) {
      if (entry) {
        const rest = entry.stream.flush();
        if (rest !== '') sink({ ...entry.event, text: rest });
      }
      entry = { redactor: r, stream: r.stream(), event: e };
      streams.set(key, entry);
    }
    const text = entry.stream.push(e.text);
    if (text !== '') sink({ ...e, text });
  };
  return Object.assign(redacting, { flush: flushAll });
}

/** An event sink that may hold back the tail of streamed output; `flush` lets it out (call it when done). */
export type RedactingSink = EventSink & { flush(): void };
