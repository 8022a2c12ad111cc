/**
 * The shapes of Dev Container Features: where one comes from (its id as written in devcontainer.json),
 * its `devcontainer-feature.json`, and a Feature resolved for install (files on disk, options, order).
 */
import type { LifecycleCommand, MountObject } from '../config/types';

/** A Feature id, parsed: a folder beside devcontainer.json, an OCI artifact, or a legacy tarball URL. */
export type FeatureSource =
  | { kind: 'local'; /** Absolute path of the Feature's folder. */ path: string }
  | {
      kind: 'oci';
      /** `ghcr.io`, `127.0.0.1:5000`. */
      registry: string;
      /** Repository path inside the registry: `devcontainers/features/node`. */
      path: string;
      /** The last path segment. */
      id: string;
      /** `latest` when neither a tag nor a digest was written. */
      tag?: string;
      /** `sha256:…` when pinned with `@`. */
      digest?: string;
    }
  | { kind: 'tarball'; url: string; id: string };

/** One option as declared in devcontainer-feature.json (the spec's types are boolean and string). */
export interface FeatureOption {
  type: 'boolean' | 'string';
  default?: string | boolean;
  /** Only these values are allowed. */
  enum?: string[];
  /** Suggested values; others are allowed. */
  proposals?: string[];
  description?: string;
}

/** devcontainer-feature.json, with the properties Berth reads (validated by parseFeatureJson). */
export interface FeatureJson {
  id: string;
  version?: string;
  name?: string;
  description?: string;
  options: Record<string, FeatureOption>;
  containerEnv?: Record<string, string>;
  privileged?: boolean;
  init?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  entrypoint?: string;
  mounts?: (string | MountObject)[];
  customizations?: Record<string, unknown>;
  /** Hard dependencies: Feature id → its options. Installed first, pulled in automatically. */
  dependsOn?: Record<string, Record<string, unknown> | string | boolean>;
  /** Soft ordering: install after these when they are installed anyway (ids without version). */
  installsAfter?: string[];
  legacyIds?: string[];
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postCreateCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  [key: string]: unknown;
}

/** Where a Feature's files came from, for logs and the lockfile. */
export interface FeatureOrigin {
  /** `local`, `cache` (content already on the host) or `network` (downloaded now). */
  via: 'local' | 'cache' | 'network';
  /** OCI: `registry/path@sha256:…`; tarball: its URL. */
  resolved?: string;
  /** OCI: the manifest digest; tarball: `sha256:` of the file. */
  integrity?: string;
}

/** A Feature ready to install: its files, its metadata and the option values it gets. */
export interface ResolvedFeature {
  /** The id as the user (or a dependsOn) wrote it: the metadata entry's `id` and the lockfile key. */
  userId: string;
  source: FeatureSource;
  /** Absolute path of the folder holding devcontainer-feature.json and install.sh. */
  folder: string;
  json: FeatureJson;
  /** Option values after defaults: what the install script gets as environment variables. */
  options: Record<string, string | boolean>;
  /** Only the values the user (or dependsOn) wrote, for messages. */
  userOptions: Record<string, unknown>;
  origin: FeatureOrigin;
  /** userIds of the hard dependencies (resolved dependsOn entries). */
  dependsOn: string[];
}
