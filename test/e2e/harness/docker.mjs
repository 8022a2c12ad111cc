// The driver's own Docker access, for checks and cleanup only: it finds what a journey's workspace made
// by the spec's label (devcontainer.local_folder = the temp workspace) and never touches anything else.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename } from 'node:path';

const require = createRequire(import.meta.url);
/** @type {typeof import('dockerode')} */
const Docker = require('dockerode');

let client;
function docker() {
  const host = process.env.DOCKER_HOST;
  client ??= host?.startsWith('unix://') ? new Docker({ socketPath: host.slice('unix://'.length) })
    : host ? new Docker() : new Docker({ socketPath: '/var/run/docker.sock' });
  return client;
}

/** Resolves to undefined when the engine answers, else to why not. */
export async function dockerProblem() {
  try { await docker().ping(); return undefined; } catch (e) { return `no Docker engine answers (${e.message}); run scripts/ensure-docker.sh`; }
}

/** Containers (any state) whose devcontainer.local_folder label is `folder`. */
export async function containersFor(folder) {
  return docker().listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
}

/** The engine's inspect of an image (throws when there is none by that name). */
export function inspectImage(name) {
  return docker().getImage(name).inspect();
}

/** Runs a command in a container and returns its output (for assertions from outside the UI). */
export async function execIn(id, cmd) {
  const exec = await docker().getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks = [];
  await new Promise((resolve, reject) => {
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // Multiplexed stream: 8-byte frame headers before each chunk.
  const buf = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= buf.length;) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  return out;
}

/**
 * The tag the spec's tools give a workspace's Dockerfile build (`vsc-<folder name>-<sha256 of the path>`),
 * so cleanup removes exactly the image built for this temp copy.
 */
export function imageTagFor(folder) {
  const hash = createHash('sha256').update(folder).digest('hex');
  return `vsc-${basename(folder)}-${hash}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '');
}

/**
 * Removes the containers a workspace made, then the image tag built for it (an untag when other tags
 * share the image; nothing when a container still uses it). Returns what it removed.
 */
export async function removeWorkspaceContainers(folder) {
  const removed = [];
  const d = docker();
  // Compose specs: the whole project (every service, its networks and named volumes), found by the
  // project label on the dev container, before the dev container itself goes.
  for (const project of await composeProjectsOf(folder).catch(() => [])) removed.push(...await removeComposeProject(project));
  // Production containers and the short-lived image probes (`dev.berth.production.folder`).
  const production = await d.listContainers({ all: true, filters: { label: [`${PRODUCTION_FOLDER}=${folder}`] } }).catch(() => []);
  for (const c of [...production, ...await containersFor(folder).catch(() => [])]) {
    try {
      await d.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(`container ${c.Names?.[0] ?? c.Id}`);
    } catch { /* already gone */ }
  }
  // The production image first: it may share layers with (and so keep) the dev image.
  for (const tag of [`${imageTagFor(folder)}-prod`, imageTagFor(folder)]) {
    try {
      await d.getImage(tag).remove({ force: false });
      removed.push(`image ${tag.slice(0, 24)}…${tag.endsWith('-prod') ? '-prod' : ''}`);
    } catch { /* not built (an image spec) or still in use */ }
  }
  return removed;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
/** Label of production containers and image probes (src/core/production/labels.ts). */
const PRODUCTION_FOLDER = 'dev.berth.production.folder';

/** The Compose projects of the dev containers made for `folder`. */
export async function composeProjectsOf(folder) {
  const list = await containersFor(folder);
  return [...new Set(list.map((c) => c.Labels?.[COMPOSE_PROJECT]).filter(Boolean))];
}

/** Removes a Compose project's containers, named volumes and networks (by its label). Returns what went. */
export async function removeComposeProject(project) {
  const d = docker();
  const filters = { label: [`${COMPOSE_PROJECT}=${project}`] };
  const removed = [];
  for (const c of await d.listContainers({ all: true, filters })) {
    await d.getContainer(c.Id).remove({ force: true, v: true }).then(() => removed.push(`container ${c.Names?.[0] ?? c.Id}`), () => {});
  }
  for (const v of (await d.listVolumes({ filters })).Volumes ?? []) {
    await d.getVolume(v.Name).remove().then(() => removed.push(`volume ${v.Name}`), () => {});
  }
  for (const n of await d.listNetworks({ filters })) {
    await d.getNetwork(n.Id).remove().then(() => removed.push(`network ${n.Name}`), () => {});
  }
  return removed;
}

/** Everything still labelled with a Compose project (for the journeys' own checks after cleanup). */
export async function composeLeftovers(project) {
  const d = docker();
  const filters = { label: [`${COMPOSE_PROJECT}=${project}`] };
  const [c, v, n] = await Promise.all([d.listContainers({ all: true, filters }), d.listVolumes({ filters }), d.listNetworks({ filters })]);
  return { containers: c.length, volumes: (v.Volumes ?? []).length, networks: n.length };
}
