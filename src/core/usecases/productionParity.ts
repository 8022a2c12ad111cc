/**
 * `berth parity`: the dev and production images side by side: the base they share, their common
 * bottom layers (by digest), what each adds (with the step and size), OS release, runtime versions,
 * and drift when one side was built on an older build of the shared steps.
 */
import { readFile } from 'node:fs/promises';
import type { Engine } from '../engine/types';
import { BerthError } from '../errors';
import { parseStages, sharedAncestry } from '../production/dockerfileStages';
import { parseImageFacts, type ImageFacts } from '../production/imageFacts';
import { alignLayers, mapHistoryToLayers, rebuiltSteps, sharedPrefixLength, totalSize, type LayerInfo } from '../production/layers';
import { compareRuntimes, runtimeWarnings, type ParityDrift, type ParityImage, type ParityReport } from '../production/report';
import { planFactsProbe } from '../production/runPlan';
import type { CoreDeps } from './deps';
import { prepareBaseImage } from './image';
import { buildProductionImage, devImageName, loadProductionWorkspace, planProductionBuild } from './production';
import type { ParityOptions } from './productionTypes';
import type { UseCaseContext } from './types';
import { findWorkspaceContainer } from './workspace';

interface ImageLayers {
  ref: string;
  imageId: string;
  size: number;
  created: string;
  layers: LayerInfo[];
  exact: boolean;
}

/** An image's layers with the steps that made them. */
export async function imageLayers(engine: Engine, ref: string, signal?: AbortSignal): Promise<ImageLayers> {
  const details = await engine.inspectImage(ref, { signal });
  if (!details) throw new BerthError('image-not-found', `The image ${ref} is not present`, { hint: "Build it first ('berth build', 'berth build --production')." });
  const history = await engine.imageHistory(details.Id, { signal });
  const oldestFirst = [...history].reverse().map((h) => ({ createdBy: h.createdBy, size: h.size, comment: h.comment, created: h.created }));
  const { layers, exact } = mapHistoryToLayers(oldestFirst, details.RootFS?.Layers ?? []);
  return { ref, imageId: details.Id, size: details.Size, created: details.Created, layers, exact };
}

/** OS release and runtime versions, read by a short-lived container of the image. */
export async function probeImageFacts(engine: Engine, image: string, workspaceFolder: string, signal?: AbortSignal): Promise<ImageFacts> {
  let id: string | undefined;
  try {
    id = await engine.createContainer(planFactsProbe(image, workspaceFolder), signal);
    await engine.startContainer(id, { signal });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = await engine.inspectContainer(id, { signal });
      if (!d.State.Running) break;
      if (Date.now() > deadline) return { runtimes: {}, error: 'the probe did not finish within 30 s' };
      await new Promise((r) => setTimeout(r, 100));
    }
    const facts = parseImageFacts(await engine.getContainerLogs(id, { tail: 200, signal }));
    return facts;
  } catch (e) {
    // Images without /bin/sh (distroless, scratch) have no facts to read; that is not a failure.
    return { runtimes: {}, error: e instanceof Error ? e.message : String(e) };
  } finally {
    if (id) await engine.removeContainer(id, { force: true }).catch(() => undefined);
  }
}

function side(img: ImageLayers, own: LayerInfo[], target: string | undefined, facts: ImageFacts): ParityImage {
  return {
    image: img.ref,
    imageId: img.imageId,
    target,
    size: img.size,
    created: img.created,
    os: facts.os,
    runtimes: facts.runtimes,
    layers: img.layers,
    own,
    ownSize: totalSize(own),
  };
}

/** Drift between dev image, production image and the dev container's image. Pure. */
export function parityDrift(dev: LayerInfo[], prod: LayerInfo[], container: LayerInfo[] | undefined): ParityDrift[] {
  const out: ParityDrift[] = [];
  const images = rebuiltSteps(dev, prod);
  if (images.count > 0 && images.older === 'b') {
    out.push({
      kind: 'prod-older',
      message: `the production image was built on an older build of ${images.count} step(s) it shares with the dev image`,
      fix: 'berth build --production',
      steps: images.instructions,
    });
  } else if (images.count > 0 && images.older === 'a') {
    out.push({
      kind: 'dev-image-older',
      message: `the dev image was built on an older build of ${images.count} step(s) it shares with the production image`,
      fix: 'berth build',
      steps: images.instructions,
    });
  }
  if (container) {
    const expected = sharedPrefixLength(dev.map((l) => l.digest), prod.map((l) => l.digest));
    const actual = sharedPrefixLength(container.map((l) => l.digest), prod.map((l) => l.digest));
    if (actual < expected) {
      out.push({
        kind: 'dev-container-older',
        message: `the dev container runs on an older build of the shared layers: ${actual} of the ${expected} layers the dev and production images share match`,
        fix: 'berth up --remove-existing-container',
        steps: dev.slice(actual, expected).map((l) => l.instruction),
      });
    }
  }
  return out;
}

/** `berth parity`. */
export async function parity(deps: CoreDeps, options: ParityOptions, ctx: UseCaseContext): Promise<ParityReport> {
  const w = await loadProductionWorkspace(deps, options, ctx);
  const { config, settings, loaded } = w;
  let devRef = devImageName(config);
  let prodRef = planProductionBuild(w, {}).tags[0];
  if (options.build !== false) {
    devRef = (await prepareBaseImage(deps, loaded, {}, ctx)).baseImage;
    prodRef = (await buildProductionImage(deps, w, {}, ctx)).imageName;
  }
  const dev = await imageLayers(deps.engine, devRef, ctx.signal);
  const prod = await imageLayers(deps.engine, prodRef, ctx.signal);
  const aligned = alignLayers(dev.layers, prod.layers);

  const warnings: string[] = [];
  for (const img of [dev, prod]) {
    if (!img.exact) warnings.push(`the build history of ${img.ref} does not account for all its layers; some steps may be misattributed`);
  }

  let text = '';
  try {
    text = await readFile(config.dockerfile, 'utf8');
  } catch {
    warnings.push(`could not read ${config.dockerfile} to name the shared base`);
  }
  const ancestry = sharedAncestry(parseStages(text, { ...config.buildArgs, ...settings.buildArgs }), config.target, settings.target);

  ctx.events({ type: 'log', level: 'info', message: 'Reading OS release and runtime versions of both images', component: 'production' });
  const devFacts = await probeImageFacts(deps.engine, dev.ref, config.workspaceFolderHost, ctx.signal);
  const prodFacts = await probeImageFacts(deps.engine, prod.ref, config.workspaceFolderHost, ctx.signal);
  for (const [name, f] of [['dev', devFacts], ['production', prodFacts]] as const) {
    if (f.error) warnings.push(`could not read the ${name} image's OS release and runtimes: ${f.error}`);
  }
  if (devFacts.os && prodFacts.os && devFacts.os !== prodFacts.os) warnings.push(`OS release differs: dev ${devFacts.os}, production ${prodFacts.os}`);
  const runtimes = compareRuntimes(devFacts.runtimes, prodFacts.runtimes);
  warnings.push(...runtimeWarnings(runtimes));

  let devContainer: ParityReport['devContainer'];
  let containerLayers: LayerInfo[] | undefined;
  const found = await findWorkspaceContainer(deps.engine, loaded.idLabels, ctx.signal);
  if (found) {
    const running = await imageLayers(deps.engine, found.imageId, ctx.signal).catch(() => undefined);
    if (running) {
      containerLayers = running.layers;
      devContainer = {
        containerId: found.id,
        imageId: found.imageId,
        sharedWithProd: sharedPrefixLength(running.layers.map((l) => l.digest), prod.layers.map((l) => l.digest)),
      };
    }
  }
  const drift = parityDrift(dev.layers, prod.layers, containerLayers);
  for (const d of drift) ctx.events({ type: 'log', level: 'warn', message: `drift: ${d.message}; run '${d.fix}'`, component: 'production' });

  return {
    schemaVersion: 1,
    workspaceFolder: config.workspaceFolderHost,
    configFile: config.configFile,
    base: { image: ancestry.baseImage, stage: ancestry.stage?.name, devFrom: ancestry.devRoot, prodFrom: ancestry.prodRoot },
    dev: side(dev, aligned.onlyA, config.target, devFacts),
    prod: side(prod, aligned.onlyB, settings.target, prodFacts),
    shared: { layers: aligned.shared, size: totalSize(aligned.shared) },
    runtimes,
    devContainer,
    drift,
    warnings,
  };
}
