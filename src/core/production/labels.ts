/** Labels of what the production commands make, so Berth finds (and only ever removes) its own. */

/** On production images and containers: the dev container id (`devcontainerId`) they belong to. */
export const LABEL_BERTH_PRODUCTION = 'dev.berth.production';
/** On the short-lived containers that read an image's OS release and runtime versions. */
export const LABEL_BERTH_PROBE = 'dev.berth.probe';
/**
 * On production images and containers: the workspace folder. Not `devcontainer.local_folder`: spec
 * tools (Berth's own `up` among them) take any container with that label and no config_file label
 * for the workspace's dev container, and containers inherit their image's labels.
 */
export const LABEL_BERTH_PRODUCTION_FOLDER = 'dev.berth.production.folder';
