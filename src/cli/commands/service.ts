import { createBerthService, type BerthService, type UseCaseContext } from '../../core/usecases';
import { stringFlag } from '../args';
import type { CliContext, FlagSpec } from '../command';

export const ENGINE_FLAGS: Record<string, FlagSpec> = {
  'docker-host': { type: 'string', valueName: 'url', description: 'The engine to use (default: DOCKER_HOST, else the current Docker context, else /var/run/docker.sock).' },
  'docker-compose-path': { type: 'string', valueName: 'path', description: "The Compose tool for Compose dev containers (default: 'docker compose', else 'docker-compose')." },
};

export function serviceFor(ctx: CliContext): BerthService {
  return createBerthService({
    dockerHost: stringFlag(ctx.args, 'docker-host'),
    dockerComposePath: stringFlag(ctx.args, 'docker-compose-path'),
    env: ctx.env,
    platform: process.platform,
  });
}

export function useCaseContext(ctx: CliContext): UseCaseContext {
  return { events: ctx.events, signal: ctx.signal, env: ctx.env, onSpecRead: ctx.onSpecRead };
}
