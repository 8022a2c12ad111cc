/**
 * The script a dev container's main process runs (`/bin/sh -c <script> - [image entrypoint+cmd]`):
 * it says it started, runs the Features' entrypoints, then either hands over to the image's own
 * command (overrideCommand false) or idles until stopped. It traps TERM and INT so `docker stop`
 * returns at once instead of waiting out the 10 s kill timeout (a shell as PID 1 ignores TERM).
 */

/** Printed first, so logs show the container came up. */
export const CONTAINER_STARTED = 'Container started';

/** The keep-alive script; `entrypoints` are Feature entrypoint command lines, run in order. */
export function keepAliveScript(entrypoints: readonly string[] = []): string {
  return [
    `echo '${CONTAINER_STARTED}'`,
    "trap 'exit 0' TERM INT",
    ...entrypoints.filter((e) => e.trim() !== ''),
    'if [ "$#" -gt 0 ]; then exec "$@"; fi',
    // `wait` returns as soon as a trapped signal arrives, so stop is immediate. busybox builds
    // without `sleep infinity` fail that line at once and fall through to the loop.
    'sleep infinity 2>/dev/null & wait $!',
    'while :; do sleep 1 & wait $!; done',
  ].join('\n');
}
