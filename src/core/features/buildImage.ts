/**
 * Building the features image: resolve the config's Features, write a temporary build context (each
 * Feature's files, its option env file and install wrapper, the Dockerfile), build it on top of the
 * base image with the classic builder, and label it with the base image's `devcontainer.metadata`
 * entries plus one per Feature, so the merge picks up the Features' hooks, mounts and settings.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MetadataEntry, ResolvedConfig } from '../config/types';
import type { Engine, ImageDetails } from '../engine/types';
import { BerthError, isBerthError } from '../errors';
import type { BerthEvent, EventSink } from '../events';
import { LABEL_METADATA } from '../labels';
import { planFeaturesDockerfile } from './dockerfile';
import type { CredentialHelperRunner } from './credentials';
import { resolveFeatures } from './resolve';
import type { ResolvedFeature } from './types';

export interface BuildFeaturesImageOptions {
  engine: Engine;
  config: ResolvedConfig;
  /** The image the Features go on (built or found), and what the engine says about it. */
  baseImage: string;
  baseDetails: ImageDetails;
  /** The base image's `devcontainer.metadata` entries, raw. */
  baseMetadata: MetadataEntry[];
  /** Tags for the result; the first is the name, e.g. `vsc-<folder>-<hash>-features`. */
  tags: string[];
  /** Host folder of the Feature cache. */
  cacheDir: string;
  env: Record<string, string | undefined>;
  events: EventSink;
  signal?: AbortSignal;
  noCache?: boolean;
  writeLockfile?: boolean;
  frozenLockfile?: boolean;
  /** Extra labels for the image (e.g. Berth's build-input labels). */
  labels?: Record<string, string>;
  runHelper?: CredentialHelperRunner;
}

export interface FeaturesImage {
  image: string;
  details: ImageDetails;
  /** The new image's `devcontainer.metadata` entries: the base image's, then one per Feature in install order. */
  metadata: MetadataEntry[];
  features: ResolvedFeature[];
}

const FEATURE_METADATA_KEYS = [
  'init',
  'privileged',
  'capAdd',
  'securityOpt',
  'entrypoint',
  'mounts',
  'customizations',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
] as const;

/** A Feature's `devcontainer.metadata` entry: its id as written plus the properties the merge reads. */
export function featureMetadataEntry(feature: ResolvedFeature): MetadataEntry {
  const entry: MetadataEntry = { id: feature.userId };
  for (const key of FEATURE_METADATA_KEYS) {
    const v = feature.json[key];
    if (v !== undefined) (entry as Record<string, unknown>)[key] = v;
  }
  return entry;
}

function lastDefined(entries: MetadataEntry[], key: 'containerUser' | 'remoteUser'): string | undefined {
  let found: string | undefined;
  for (const e of entries) if (typeof e[key] === 'string' && e[key]) found = e[key];
  return found;
}

/** Builds the features image. Throws BerthError('build-failed') naming the Feature whose install failed. */
export async function buildFeaturesImage(options: BuildFeaturesImageOptions): Promise<FeaturesImage> {
  const { config, engine } = options;
  const resolved = await resolveFeatures({
    config,
    cacheDir: options.cacheDir,
    env: options.env,
    events: options.events,
    signal: options.signal,
    writeLockfile: options.writeLockfile,
    frozenLockfile: options.frozenLockfile,
    runHelper: options.runHelper,
  });
  const features = resolved.features;
  const imageUser = options.baseDetails.Config?.User ?? '';
  const entries = [...options.baseMetadata, { containerUser: config.containerUser, remoteUser: config.remoteUser }];
  const containerUser = lastDefined(entries, 'containerUser') || imageUser || 'root';
  const remoteUser = lastDefined(entries, 'remoteUser') || containerUser;
  const plan = planFeaturesDockerfile({ baseImage: options.baseImage, imageUser, containerUser, remoteUser, features });
  const metadata = [...options.baseMetadata, ...features.map(featureMetadataEntry)];

  const dir = await mkdtemp(join(tmpdir(), 'berth-features-'));
  try {
    for (const { feature, dir: sub } of plan.folders) {
      await cp(feature.folder, join(dir, sub), { recursive: true, dereference: false });
    }
    for (const [rel, content] of Object.entries(plan.files)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), content);
    }
    const dockerfile = join(dir, 'Dockerfile');
    await writeFile(dockerfile, plan.dockerfile);
    options.events({
      type: 'phase',
      phase: 'building',
      detail: `${options.tags[0]} (Features: ${features.map((f) => f.userId).join(', ')})`,
    });
    const watch = new StepOutput(options.events);
    try {
      await engine.buildImage(
        {
          context: dir,
          dockerfile,
          tags: options.tags,
          buildArgs: {},
          cacheFrom: [],
          noCache: options.noCache,
          labels: { ...options.labels, [LABEL_METADATA]: JSON.stringify(metadata) },
        },
        watch.sink,
        options.signal,
      );
    } catch (e) {
      throw installFailure(e, plan.installSteps, features, watch);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const details = await engine.inspectImage(options.tags[0], { signal: options.signal });
  if (!details) throw new BerthError('image-not-found', `The image ${options.tags[0]} is not present after building it`);
  return { image: options.tags[0], details, metadata, features };
}

/** Forwards build events and keeps each step's output lines, for the failure message. */
class StepOutput {
  private step = 0;
  private readonly lines = new Map<number, string[]>();

  constructor(private readonly events: EventSink) {}

  readonly sink = (e: BerthEvent): void => {
    if (e.type === 'build-step') this.step = e.step;
    if (e.type === 'output' && e.source === 'build') {
      // The classic builder wraps stderr in colour codes; the message wants the plain text.
      // eslint-disable-next-line no-control-regex
      const text = e.text.replace(/\n$/, '').replace(/\x1b\[[0-9;]*m/g, '');
      if (!/^Step \d+\/\d+ : /.test(text) && !/^ ---> /.test(text) && !/^Removing intermediate container /.test(text)) {
        const list = this.lines.get(this.step) ?? [];
        list.push(text);
        this.lines.set(this.step, list);
      }
    }
    this.events(e);
  };

  output(step: number): string[] {
    return this.lines.get(step) ?? [];
  }

  get currentStep(): number {
    return this.step;
  }
}

function installFailure(e: unknown, installSteps: number[], features: ResolvedFeature[], watch: StepOutput): unknown {
  if (!isBerthError(e) || e.code !== 'build-failed') return e;
  const index = installSteps.indexOf(watch.currentStep);
  if (index < 0) return e;
  const feature = features[index];
  const code = /returned a non-zero code: (\d+)/.exec(e.message)?.[1];
  const tail = watch.output(watch.currentStep).filter((l) => l.trim() !== '').slice(-20);
  const opts = Object.entries(feature.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return new BerthError(
    'build-failed',
    `Feature "${feature.userId}"${feature.json.version ? ` (version ${feature.json.version})` : ''} failed to install: install.sh exited with code ${code ?? 'unknown'}; options: ${opts || '(none)'}`,
    {
      output: tail,
      hint: feature.source.kind === 'local' ? `fix ${join(feature.folder, 'install.sh')} (its output is above), then run again` : 'check the Feature\'s options and the base image it supports (its output is above)',
      cause: e,
    },
  );
}
