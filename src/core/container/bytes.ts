/**
 * Sizes as people write them in `docker run` flags (`--shm-size 2g`, `--memory 512m`) and in
 * `hostRequirements` (`8gb`). Docker's units are binary: `1k` is 1024 bytes.
 */

const UNIT_POWER: Record<string, number> = { b: 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/**
 * Parses `512`, `64k`, `2g`, `1.5GB`, `8GiB` (case-insensitive) into bytes; undefined when the text
 * is not a size.
 */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = UNIT_POWER[(m[2] || 'b').toLowerCase()];
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/** `2147483648` → `2 GiB`, for messages. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[i]}`;
}
