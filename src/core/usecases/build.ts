import { composeBuild } from './compose';
import type { CoreDeps } from './deps';
import { prepareBaseImage } from './image';
import type { BuildOptions, BuildResult, UseCaseContext } from './types';
import { loadWorkspace } from './workspace';

/** `build`: the spec's image, built (Dockerfile) or made present (image), and tagged; no container. */
export async function build(deps: CoreDeps, options: BuildOptions, ctx: UseCaseContext): Promise<BuildResult> {
  const loaded = await loadWorkspace(options, deps, ctx);
  if (loaded.config.kind === 'compose') return composeBuild(deps, loaded, options, ctx);
  const image = await prepareBaseImage(deps, loaded, options, ctx);
  return { outcome: 'success', imageName: [image.baseImage, ...(options.imageNames?.slice(1) ?? [])], imageId: image.details.Id };
}
