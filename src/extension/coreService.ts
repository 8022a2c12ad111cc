/**
 * The one place the extension reaches the core's service. The core (and dockerode under it) is
 * loaded on first use, not when the extension activates: activation stays fast and talks to no
 * Docker engine.
 */
import type * as Core from '../core/usecases';
import type { BerthServiceOptions } from '../core/usecases';
import type { BerthService } from '../core/usecases/types';

export type ServiceOptions = BerthServiceOptions & {
  /** Passed along for the core's Compose runner; ignored by a core that does not read it. */
  dockerComposePath?: string;
};

type CoreModule = typeof Core;

function loadCore(): CoreModule {
  try {
    // A lazy require: esbuild keeps the module in the bundle but evaluates it only here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
    return require('../core/usecases') as CoreModule;
  } catch (e) {
    throw new Error(`Berth's core could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * A BerthService that forwards every call to `target()`, read at call time. Written as a Proxy so
 * methods the core adds later forward without a change here.
 */
export function forwardingService(target: () => BerthService): BerthService {
  return new Proxy({} as BerthService, {
    get(_unused, prop) {
      const service = target();
      const value: unknown = Reflect.get(service, prop);
      return typeof value === 'function' ? value.bind(service) : value;
    },
  });
}

/** Creates the real service on first use; `reset()` makes the next call create a new one (settings changed). */
export class LazyCore {
  private real: BerthService | undefined;

  constructor(
    private readonly options: () => ServiceOptions,
    private readonly create: (o: ServiceOptions) => BerthService = (o) => loadCore().createBerthService(o),
  ) {}

  get service(): BerthService {
    this.real ??= this.create(this.options());
    return this.real;
  }

  reset(): void {
    this.real = undefined;
  }
}
