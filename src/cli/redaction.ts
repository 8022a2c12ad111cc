/**
 * Secrets redaction for the CLI: what the core emits and what commands print about the spec pass
 * through a Redactor built from the host's secret-named variables and, once read, the workspace's
 * spec (its `${localEnv:…}` values and secret-named env). A command's own program output (`exec`)
 * is left as it is.
 */
import type { ReadConfigResult } from '../core/config';
import type { EventSink } from '../core/events';
import { hostRedactor, redactingSink, redactorForSpec, type RedactingSink, type Redactor } from '../core/redact';

export class CliRedaction {
  private redactor: Redactor;

  constructor(private readonly env: Record<string, string | undefined>) {
    this.redactor = hostRedactor(env);
  }

  /**
   * Learns the secrets of the spec a command read (UseCaseContext.onSpecRead). Until then, and when
   * the spec cannot be read, the host's secret-named variables are the ones known.
   */
  learnSpec(loaded: ReadConfigResult): void {
    this.redactor = redactorForSpec(loaded, this.env);
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
