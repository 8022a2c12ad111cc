/**
 * Publishing a Feature folder to an OCI registry in the layout the Features distribution spec
 * defines: an empty `{}` config blob of type `application/vnd.devcontainers`, one tar layer
 * (`devcontainer-feature-<id>.tgz`, uncompressed like the reference CLI packs it), and the
 * `dev.containers.metadata` annotation holding devcontainer-feature.json.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as TarFs from 'tar-fs';
import { parseFeatureJson } from './featureJson';
import { FEATURE_CONFIG, FEATURE_LAYER, OCI_MANIFEST, sha256Digest, type OciClient, type OciManifest } from './oci';

/** Packs a folder as a tar (entries `./…`, files sorted, owner root, fixed mtime: same folder, same digest). */
export async function packFeature(folder: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tarFs = require('tar-fs') as typeof TarFs;
  const stream = tarFs.pack(folder, {
    map: (header) => ({ ...header, name: `./${header.name}`, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date(0) }),
    sort: true,
  } as TarFs.PackOptions);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface PublishResult {
  manifestDigest: string;
  layerDigest: string;
  tags: string[];
}

/** Pushes `folder` to `registry/path` under each tag. */
export async function publishFeature(client: OciClient, registry: string, path: string, folder: string, tags: string[]): Promise<PublishResult> {
  const jsonText = await readFile(join(folder, 'devcontainer-feature.json'), 'utf8');
  const json = parseFeatureJson(jsonText, join(folder, 'devcontainer-feature.json'));
  const layer = await packFeature(folder);
  const config = Buffer.from('{}');
  const layerDigest = await client.pushBlob(registry, path, layer);
  const configDigest = await client.pushBlob(registry, path, config);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: FEATURE_CONFIG, digest: configDigest, size: config.length },
    layers: [{ mediaType: FEATURE_LAYER, digest: layerDigest, size: layer.length, annotations: { 'org.opencontainers.image.title': `devcontainer-feature-${json.id}.tgz` } }],
    annotations: { 'dev.containers.metadata': JSON.stringify(JSON.parse(jsonText)), 'com.github.package.type': 'devcontainer_feature' },
  };
  const raw = Buffer.from(JSON.stringify(manifest));
  for (const tag of tags) await client.pushManifest(registry, path, tag, raw);
  return { manifestDigest: sha256Digest(raw), layerDigest, tags };
}
