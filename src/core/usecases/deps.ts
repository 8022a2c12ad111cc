import type { Engine } from '../engine/types';
import type { SessionCache } from './sessionCache';

/** What every use case gets from the front end's composition root (`createBerthService`). */
export interface CoreDeps {
  engine: Engine;
  platform: NodeJS.Platform;
  /** Facts about the host: the user's ids (updateRemoteUserUID) and its size (hostRequirements). */
  host: { uid: number; gid: number; cpus: number; memoryBytes: number };
  /** Host-side cache of probed envs per container start. */
  sessions: SessionCache;
  /** Folder for per-workspace locks (two `up` at once make one container); undefined: no locking. */
  lockDir?: string;
  /** Host folder of the content-addressed Dev Container Feature cache; undefined: a folder in the temp dir. */
  featuresCacheDir?: string;
  /** Compose dev containers: the Compose tool and where Berth writes its override files. */
  compose?: ComposeDeps;
}

/** What the Compose use cases need besides the engine. */
export interface ComposeDeps {
  /** An explicit Compose tool (`berth.dockerComposePath`, `--docker-compose-path`); else `docker compose`, then `docker-compose`. */
  path?: string;
  /** The engine address Compose should use (passed to it as DOCKER_HOST). */
  dockerHost?: string;
  /** Folder for the override compose files (outside every workspace); default: the temp folder. */
  stateDir?: string;
}
