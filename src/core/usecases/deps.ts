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
}
