/**
 * Options and results of the production use cases (`berth build --production`, `berth run
 * --production`, `berth parity`). Plain data, as the other use cases return.
 */
import type { HealthcheckProbe } from '../production/settings';
import type { WorkspaceRef } from './types';

export interface ProductionBuildOptions extends WorkspaceRef {
  noCache?: boolean;
  /** Overrides `customizations.berth.production.imageName`. */
  imageName?: string;
}

export interface ProductionBuildResult {
  outcome: 'success';
  /** The tag built. */
  imageName: string;
  imageId: string;
  /** The Dockerfile stage built; undefined: the last stage. */
  target?: string;
  /** The dev image's tag, which the production tag defaults from. */
  devImageName: string;
}

export interface ProductionRunOptions extends WorkspaceRef {
  /** Build (with the cache) before running; default true. False runs the image as tagged. */
  build?: boolean;
  /** Lines of the container's log to return. Default 40. */
  logTail?: number;
}

export interface ProductionPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

export interface ProductionRunResult {
  outcome: 'success';
  containerId: string;
  imageName: string;
  ports: ProductionPort[];
  /** `none`: no healthcheck configured and the container kept running. */
  health: 'healthy' | 'unhealthy' | 'none';
  /** What the healthcheck saw (`HTTP 200`, `exit code 1`, `the container exited with code 3`). */
  detail: string;
  attempts: number;
  probe?: HealthcheckProbe;
  /** `http://127.0.0.1:<port><path>` of an HTTP healthcheck. */
  url?: string;
  /** The last lines of the container's output. */
  logTail: string;
  /** Whether the container still runs when Berth returns. */
  running: boolean;
}

export interface ProductionStopResult {
  outcome: 'success';
  /** Ids of the production containers removed. */
  removed: string[];
}

export interface ParityOptions extends WorkspaceRef {
  /** Build both images first (with the cache); default true. False compares the images as tagged. */
  build?: boolean;
}
