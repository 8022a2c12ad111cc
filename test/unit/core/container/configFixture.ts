/** A ResolvedConfig with every default filled, for the container planner and Compose tests. */
import type { ComposeConfig, DockerfileConfig, ImageConfig } from '../../../../src/core/config/types';

const common = {
  configFile: '/home/u/proj/.devcontainer/devcontainer.json',
  workspaceFolderHost: '/home/u/proj',
  workspaceFolder: '/workspaces/proj',
  workspaceMount: 'type=bind,source=/home/u/proj,target=/workspaces/proj',
  mounts: [],
  runArgs: [],
  appPort: [],
  forwardPorts: [],
  portsAttributes: {},
  containerEnv: {},
  remoteEnv: {},
  updateRemoteUserUID: true,
  userEnvProbe: 'loginInteractiveShell' as const,
  overrideCommand: true,
  shutdownAction: 'stopContainer' as const,
  init: false,
  privileged: false,
  capAdd: [],
  securityOpt: [],
  hooks: { onCreateCommand: [], updateContentCommand: [], postCreateCommand: [], postStartCommand: [], postAttachCommand: [] },
  waitFor: 'updateContentCommand' as const,
  features: {},
  customizations: {},
};

export function imageConfig(over: Partial<ImageConfig> = {}): ImageConfig {
  return { ...common, kind: 'image', image: 'debian:bookworm-slim', ...over };
}

export function dockerfileConfig(over: Partial<DockerfileConfig> = {}): DockerfileConfig {
  return {
    ...common,
    kind: 'dockerfile',
    dockerfile: '/home/u/proj/.devcontainer/Dockerfile',
    context: '/home/u/proj',
    buildArgs: {},
    cacheFrom: [],
    buildOptions: [],
    ...over,
  };
}

/** A Compose config as the reader makes it: no workspaceMount (Compose mounts it), no keep-alive. */
export function composeConfig(over: Partial<ComposeConfig> = {}): ComposeConfig {
  const { workspaceMount: _none, ...rest } = common;
  return {
    ...rest,
    kind: 'compose',
    composeFiles: ['/home/u/proj/.devcontainer/docker-compose.yml'],
    service: 'app',
    overrideCommand: false,
    shutdownAction: 'stopCompose',
    ...over,
  };
}
