/** Dev Container Features: resolve (local, OCI, tarball), cache, lock, order, and build the features image. */
export { buildFeaturesImage, featureMetadataEntry, type BuildFeaturesImageOptions, type FeaturesImage } from './buildImage';
export { resolveFeatures, type ResolveFeaturesOptions, type ResolvedFeatures } from './resolve';
export { parseFeatureId, FeatureIdError, stripVersion, ociReference } from './featureId';
export { parseFeatureJson, resolveOptions } from './featureJson';
export { optionEnvName, optionsEnvFile } from './installScript';
export { installOrder, type OrderNode } from './order';
export { lockfilePath, formatLockfile, readLockfile, type Lockfile, type LockEntry } from './lockfile';
export { FeatureCache } from './cache';
export { OciClient, sha256Digest } from './oci';
export { findCredentials, type RegistryCredentials } from './credentials';
export { publishFeature, packFeature } from './publish';
export { planFeaturesDockerfile, FEATURES_DIR } from './dockerfile';
export type * from './types';
