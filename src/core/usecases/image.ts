/**
 * Getting the dev container's image ready: an image spec's image (local first, else pulled), a
 * Dockerfile spec's build, then the UID layer that gives the remote user the host user's ids.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metadataFromLabels, type ReadConfigResult } from '../config';
import type { MetadataEntry, ResolvedConfig } from '../config/types';
import { imageNameFor, planImageBuild } from '../container/buildPlan';
import { computeBuildInputs, type BuildInputs } from '../container/drift';
import { runArgsUser } from '../container/runArgs';
import { planUidUpdate } from '../container/uid';
import type { ImageBuildSpec, ImageDetails } from '../engine/types';
import { BerthError } from '../errors';
import { buildFeaturesImage } from '../features/buildImage';
import { LABEL_BERTH_BUILD_HASH, LABEL_BERTH_BUILD_INPUTS, LABEL_BERTH_IMAGE_KEY } from '../labels';
import { sha256Hex } from '../lazyNode';
import type { CoreDeps } from './deps';
import type { UseCaseContext } from './types';

export interface PreparedImage {
  /** The image the container runs (the UID image when one was built). */
  image: string;
  /** The image the spec names or builds (before the UID layer). */
  baseImage: string;
  details: ImageDetails;
  /** `devcontainer.metadata` entries of the base image. */
  metadata: MetadataEntry[];
  buildInputs: BuildInputs;
}

export function buildInputLabels(inputs: BuildInputs): Record<string, string> {
  return { [LABEL_BERTH_BUILD_HASH]: inputs.hash, [LABEL_BERTH_BUILD_INPUTS]: JSON.stringify(inputs.inputs) };
}

/** Builds (Dockerfile) or finds (image) the spec's image. */
export async function prepareBaseImage(
  deps: CoreDeps,
  loaded: ReadConfigResult,
  options: { noCache?: boolean; imageNames?: string[]; target?: string; writeLockfile?: boolean; frozenLockfile?: boolean },
  ctx: UseCaseContext,
): Promise<Omit<PreparedImage, 'image'>> {
  const config = loaded.config;
  const buildInputs = await computeBuildInputs(config);
  let ref: string;
  let details: ImageDetails | undefined;
  if (config.kind === 'image') {
    ref = config.image;
    details = await deps.engine.inspectImage(ref, { signal: ctx.signal });
    if (!details) {
      ctx.events({ type: 'phase', phase: 'building', detail: `pulling ${ref}` });
      await deps.engine.pullImage(ref, ctx.events, ctx.signal);
    }
  } else if (config.kind === 'dockerfile') {
    const spec = planImageBuild(config, {
      noCache: options.noCache,
      imageName: options.imageNames?.[0],
      labels: buildInputLabels(buildInputs),
      hostEnv: ctx.env,
      locate: loaded.locate,
    });
    if (options.target) spec.target = options.target;
    for (const extra of options.imageNames?.slice(1) ?? []) spec.tags.push(extra);
    const avoid = ctx.env.BERTH_REUSE_UNCHANGED_IMAGE !== '0';
    // The key's base images and the tags are looked up together: two round trips become one.
    const [key, tagged] = avoid
      ? await Promise.all([imageKey(deps, spec, buildInputs, ctx.signal), Promise.all(spec.tags.map((tag) => deps.engine.inspectImage(tag, { signal: ctx.signal })))])
      : [undefined, []];
    if (key) spec.labels = { ...spec.labels, [LABEL_BERTH_IMAGE_KEY]: key };
    details = key ? unchangedImage(tagged, key) : undefined;
    if (details) {
      ctx.events({ type: 'log', level: 'info', message: `${spec.tags[0]} is up to date: nothing that goes into it changed since it was built, so it is not built again (--no-cache builds anyway)`, component: 'build' });
    } else {
      ctx.events({ type: 'phase', phase: 'building', detail: spec.tags[0] });
      await deps.engine.buildImage(spec, ctx.events, ctx.signal);
    }
    ref = spec.tags[0];
  } else {
    throw composeNotSupported(config);
  }
  details ??= await deps.engine.inspectImage(ref, { signal: ctx.signal });
  if (!details) throw new BerthError('image-not-found', `The image ${ref} is not present after preparing it`);
  const metadata = metadataFromLabels(details.Config?.Labels ?? {}, ref);
  if (Object.keys(config.features).length > 0) {
    // Dev Container Features: an extra image on top, labelled with the base entries plus one per Feature.
    const featured = await buildFeaturesImage({
      engine: deps.engine,
      config,
      baseImage: ref,
      baseDetails: details,
      baseMetadata: metadata,
      tags: [`${imageNameFor(config.workspaceFolderHost)}-features`, ...(options.imageNames ?? [])],
      cacheDir: deps.featuresCacheDir ?? join(tmpdir(), 'berth-features-cache'),
      env: ctx.env,
      events: ctx.events,
      signal: ctx.signal,
      noCache: options.noCache,
      writeLockfile: options.writeLockfile,
      frozenLockfile: options.frozenLockfile,
      labels: buildInputLabels(buildInputs),
    });
    return { baseImage: featured.image, details: featured.details, metadata: featured.metadata, buildInputs };
  }
  return { baseImage: ref, details, metadata, buildInputs };
}

/**
 * Build avoidance: the key of a build from everything that decides its result (the hashed build
 * inputs, the build settings and the ids of the images it starts from). Undefined when the build
 * must go to the engine anyway: --no-cache or --pull, inputs Berth cannot hash completely (an ADD
 * from a URL, a RUN --mount, a context too big to hash), or a base image that is not present.
 */
async function imageKey(deps: CoreDeps, spec: ImageBuildSpec, inputs: BuildInputs, signal?: AbortSignal): Promise<string | undefined> {
  if (spec.noCache || spec.pull || !inputs.complete || inputs.baseImages === undefined) return undefined;
  const refs = inputs.baseImages;
  const found = await Promise.all(refs.map((ref) => deps.engine.inspectImage(ref, { signal })));
  const bases: Record<string, string> = {};
  for (const [i, base] of found.entries()) {
    if (!base) return undefined;
    bases[refs[i]] = base.Id;
  }
  const { buildArgs, target, network, platform, cacheFrom } = spec;
  return sha256Hex(JSON.stringify({ v: 1, inputs: inputs.hash, bases, buildArgs: Object.entries(buildArgs).sort(), target, network, platform, cacheFrom }));
}

/** The image every tag names when they all name one image built with `key`; else undefined. */
function unchangedImage(tagged: (ImageDetails | undefined)[], key: string): ImageDetails | undefined {
  const first = tagged[0];
  if (!first) return undefined;
  return tagged.every((image) => image?.Id === first.Id && image.Config?.Labels?.[LABEL_BERTH_IMAGE_KEY] === key) ? first : undefined;
}

export function composeNotSupported(config: ResolvedConfig): BerthError {
  return new BerthError('config-invalid', 'Docker Compose specs (dockerComposeFile) are not supported by this version of Berth yet', {
    location: { file: config.configFile, line: 1, column: 1, path: 'dockerComposeFile' },
    hint: 'Use an image or a Dockerfile spec for now.',
  });
}

/**
 * Adds the UID layer when the remote user's ids should match the host user's (Linux, non-root,
 * new containers only). Returns the image to run.
 */
export async function withUidLayer(
  deps: CoreDeps,
  config: ResolvedConfig,
  base: Pick<PreparedImage, 'baseImage' | 'details'>,
  ctx: UseCaseContext,
  /** The user the container is made with (runArgs `-u`; a Compose service's `user`). */
  runUser: string | undefined = config.kind === 'compose' ? undefined : runArgsUser(config.runArgs),
): Promise<string> {
  const plan = planUidUpdate({
    enabled: config.updateRemoteUserUID,
    platform: deps.platform,
    isNewContainer: true,
    hostUid: deps.host.uid,
    hostGid: deps.host.gid,
    remoteUser: config.remoteUser,
    runArgsUser: runUser,
    containerUser: config.containerUser,
    imageUser: base.details.Config?.User ?? '',
    image: base.baseImage,
  });
  if (!plan.run) {
    ctx.events({ type: 'log', level: 'debug', message: `updateRemoteUserUID: ${plan.reason}`, component: 'uid' });
    return base.baseImage;
  }
  ctx.events({ type: 'log', level: 'info', message: `Giving ${plan.user} the host user's ids (${plan.buildArgs.NEW_UID}:${plan.buildArgs.NEW_GID})`, component: 'uid' });
  const dir = await mkdtemp(join(tmpdir(), 'berth-uid-'));
  try {
    const dockerfile = join(dir, 'Dockerfile');
    await writeFile(dockerfile, plan.dockerfile);
    await deps.engine.buildImage(
      { context: dir, dockerfile, tags: [plan.imageName], buildArgs: plan.buildArgs, cacheFrom: [], labels: {}, platform: plan.platform },
      // The UID layer's steps are Berth's, not the user's: keep them out of the step count.
      (e) => (e.type === 'build-step' || e.type === 'build-cached' ? undefined : ctx.events(e)),
      ctx.signal,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return plan.imageName;
}
