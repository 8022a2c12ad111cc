/**
 * Layer bookkeeping for the parity report: which history entries of an image made its layers, and
 * which layers two images share. Pure functions over what the engine returned.
 */

/** One entry of `GET /images/{id}/history`, oldest first (the engine answers newest first). */
export interface HistoryEntry {
  /** The command line as the builder recorded it (`/bin/sh -c #(nop)  ENV …`, `RUN … # buildkit`). */
  createdBy: string;
  /** Bytes the entry added; 0 for metadata-only steps (and for layers that changed nothing). */
  size: number;
  comment: string;
  /** Unix seconds. */
  created: number;
}

/** A layer of an image with the step that made it. */
export interface LayerInfo {
  /** The layer's content digest (`RootFS.Layers[i]`, a diff id). */
  digest: string;
  /** Position in the image, 0 = bottom. */
  index: number;
  /** The Dockerfile instruction as recorded (`RUN apt-get …`, `COPY … in ./`), or the import comment. */
  instruction: string;
  size: number;
  /** When the step ran (unix seconds); tells an older build of the same step from a newer one. */
  created: number;
}

/** Instructions that only change the image config; the builder never makes a layer for them. */
const CONFIG_ONLY = new Set(['ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'USER', 'ARG', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER']);
/** Instructions that make a layer even when it holds nothing (the classic builder commits them). */
const LAYER_MAKING = new Set(['RUN', 'COPY', 'ADD']);

/** The instruction an entry's `CreatedBy` records, in Dockerfile words. */
export function instructionOf(entry: Pick<HistoryEntry, 'createdBy' | 'comment'>): string {
  let text = entry.createdBy.trim();
  if (text === '') return entry.comment.trim() || '(no instruction recorded)';
  text = text.replace(/\s+# buildkit$/, '');
  // The classic builder prefixes RUN steps that see build args with `|<n> NAME=value… `.
  text = text.replace(/^\|\d+\s+(?:\S+=\S*\s+)*/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(text);
  if (nop) return nop[1].trim();
  const shell = /^\/bin\/sh -c (.*)$/s.exec(text);
  if (shell) return `RUN ${shell[1].trim()}`;
  return text;
}

function keyword(instruction: string): string {
  return /^[A-Za-z]+/.exec(instruction)?.[0].toUpperCase() ?? '';
}

/**
 * Which history entries made the image's layers. The API does not say which entries are empty, so:
 * entries that added bytes made a layer; config-only instructions did not; the zero-size rest
 * (WORKDIR, a RUN that changed nothing) fill the count the image's layer list needs, RUN/COPY/ADD
 * first. `exact` is false when that count could not be met (an image written by an unusual tool).
 */
export function mapHistoryToLayers(historyOldestFirst: HistoryEntry[], layerDigests: string[]): { layers: LayerInfo[]; exact: boolean } {
  const entries = historyOldestFirst.map((e) => ({ e, instruction: instructionOf(e) }));
  const makes = entries.map(({ e }) => e.size > 0 || (e.createdBy === '' && e.comment !== ''));
  let missing = layerDigests.length - makes.filter(Boolean).length;
  for (const preferred of [true, false]) {
    // Walk from the bottom so an old base's empty WORKDIR is not taken for the app's.
    for (let i = 0; i < entries.length && missing > 0; i++) {
      if (makes[i]) continue;
      const kw = keyword(entries[i].instruction);
      if (CONFIG_ONLY.has(kw)) continue;
      if (preferred !== LAYER_MAKING.has(kw)) continue;
      makes[i] = true;
      missing--;
    }
  }
  const layers: LayerInfo[] = [];
  entries.forEach(({ e, instruction }, i) => {
    if (makes[i] && layers.length < layerDigests.length) {
      layers.push({ digest: layerDigests[layers.length], index: layers.length, instruction, size: e.size, created: e.created });
    }
  });
  const exact = layers.length === layerDigests.length && missing === 0;
  // Layers the history could not account for still get a row, so the stack is complete.
  while (layers.length < layerDigests.length) {
    layers.push({ digest: layerDigests[layers.length], index: layers.length, instruction: '(unknown step)', size: 0, created: 0 });
  }
  return { layers, exact };
}

/** How many layers, from the bottom, two images have in common (same digest at the same place). */
export function sharedPrefixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The split of two layer stacks into their common bottom and what each has on top of it. */
export interface LayerAlignment<T> {
  shared: T[];
  onlyA: T[];
  onlyB: T[];
}

export function alignLayers<T extends { digest: string }>(a: readonly T[], b: readonly T[]): LayerAlignment<T> {
  const n = sharedPrefixLength(
    a.map((l) => l.digest),
    b.map((l) => l.digest),
  );
  return { shared: a.slice(0, n), onlyA: a.slice(n), onlyB: b.slice(n) };
}

export function totalSize(layers: readonly { size: number }[]): number {
  return layers.reduce((sum, l) => sum + l.size, 0);
}

/**
 * Layers above the shared prefix that the same Dockerfile step made in both images, but in
 * different builds (same instruction, different digest): the sign that one image was built on an
 * older build of the common stages. `older` names the side whose copy is older.
 */
export interface RebuiltSteps {
  count: number;
  older?: 'a' | 'b';
  instructions: string[];
}

export function rebuiltSteps(a: readonly LayerInfo[], b: readonly LayerInfo[]): RebuiltSteps {
  const n = sharedPrefixLength(
    a.map((l) => l.digest),
    b.map((l) => l.digest),
  );
  const instructions: string[] = [];
  let aNewer = 0;
  let bNewer = 0;
  for (let i = n; i < a.length && i < b.length; i++) {
    if (a[i].instruction !== b[i].instruction) break;
    instructions.push(a[i].instruction);
    if (a[i].created > b[i].created) aNewer++;
    else if (b[i].created > a[i].created) bNewer++;
  }
  const older = instructions.length === 0 ? undefined : aNewer > bNewer ? 'b' : bNewer > aNewer ? 'a' : undefined;
  return { count: instructions.length, older, instructions };
}
