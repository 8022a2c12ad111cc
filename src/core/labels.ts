/** Label names shared with the Dev Containers spec's other tools, and Berth's own. */
export const LABEL_LOCAL_FOLDER = 'devcontainer.local_folder';
export const LABEL_CONFIG_FILE = 'devcontainer.config_file';
export const LABEL_METADATA = 'devcontainer.metadata';
/** Hash of every build input, to tell which one changed since the image was built. */
export const LABEL_BERTH_BUILD_HASH = 'dev.berth.build-hash';
/** JSON of the per-input hashes behind LABEL_BERTH_BUILD_HASH, so drift can name the input. */
export const LABEL_BERTH_BUILD_INPUTS = 'dev.berth.build-inputs';
/** Marks everything Berth created, so tests and `down` only ever touch their own. */
/**
 * On an image Berth built: the key of everything that went into it (build inputs, build settings and
 * base image ids), so a later build with the same key can reuse the image instead of building.
 */
export const LABEL_BERTH_IMAGE_KEY = 'dev.berth.image-key';
export const LABEL_BERTH_MANAGED = 'dev.berth.managed';
