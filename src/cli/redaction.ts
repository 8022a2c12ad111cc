/**
 * Secrets redaction for the CLI: what the core emits and what commands print about the spec pass
 * through a Redactor built from the host's secret-named variables and, once read, the workspace's
 * spec (its `${localEnv:…}` values and secret-named env). A command's own program output (`exec`)
 * is left as it is.
 */
import { resolve } from 'node:path';
import { readConfig } from '../core/config';
import type { EventSink } from '../core/events';
import { hostRedactor, redactingSink, redactorForSpec, type RedactingSink, type Redactor } from '../core/redact';
import { stringFlag } from './args';
import type { ParsedArgs } from './command';

export class CliRedaction {
  private redactor: Redactor;

  constructor(private readonly env: Record<string, string | undefined>) {
    this.redactor = hostRedactor(env);
  }

  /**
   * Reads the workspace's spec for its secrets. A spec that cannot be read adds none: the command
   * itself reports why.
   */
  async loadSpec(args: ParsedArgs, cwd: string): Promise<void> {
    try {
      const loaded = await readConfig({
        workspaceFolder: resolve(cwd, stringFlag(args, 'workspace-folder') ?? '.'),
        configFile: stringFlag(args, 'config'),
        env: this.env,
        platform: process.platform,
      });
      this.redactor = redactorForSpec(loaded, this.env);
    } catch {
      // unreadable or missing spec: the host's secrets stay the only ones known
    }
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  sink(inner: EventSink): RedactingSink {
    return redactingSink(inner, () => this.redactor);
  }

  /** `stream` with its string writes redacted; everything else about the stream is unchanged. */
  wrap<S extends NodeJS.WriteStream>(stream: S): S {
    const redact = (text: string) => this.redact(text);
    return new Proxy(stream, {
      get(target, prop) {
        if (prop === 'write') {
          return (chunk: unknown, ...rest: unknown[]) =>
            (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
