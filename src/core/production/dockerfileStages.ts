/**
 * The stages of a Dockerfile (`FROM image [AS name]`) and their ancestry, so the parity report can
 * name the base image the dev and production stages grow from.
 */

export interface DockerfileStage {
  index: number;
  /** Lowercased, as Docker matches stage names. */
  name?: string;
  /** The FROM argument after build-arg substitution: an image or an earlier stage's name. */
  from: string;
  /** 1-based line of the FROM instruction. */
  line: number;
}

/** Joins continuation lines and drops comments, keeping each instruction's first line number. */
function instructions(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!current && /^\s*#/.test(raw)) return;
    if (current && /^\s*#/.test(raw)) return; // comments inside a continuation are skipped too
    const continued = /\\\s*$/.test(raw);
    const body = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ' ' + body.trim();
    else current = { line: i + 1, text: body.trim() };
    if (!continued) {
      if (current.text !== '') out.push(current);
      current = undefined;
    }
  });
  if (current && current.text !== '') out.push(current);
  return out;
}

function substituteArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string | undefined, dflt: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const v = args[name];
    return v !== undefined && v !== '' ? v : (dflt ?? '');
  });
}

/** The stages, in order. `buildArgs` override the defaults of ARGs declared before the first FROM. */
export function parseStages(dockerfileText: string, buildArgs: Record<string, string> = {}): DockerfileStage[] {
  const args: Record<string, string> = {};
  const stages: DockerfileStage[] = [];
  for (const ins of instructions(dockerfileText)) {
    const m = /^([A-Za-z]+)\s*(.*)$/s.exec(ins.text);
    if (!m) continue;
    const kw = m[1].toUpperCase();
    if (kw === 'ARG' && stages.length === 0) {
      for (const decl of m[2].split(/\s+/).filter(Boolean)) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        args[name] = buildArgs[name] ?? (eq < 0 ? '' : decl.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
      }
    } else if (kw === 'FROM') {
      const words = m[2].split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'));
      const from = substituteArgs(words[0] ?? '', args);
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as');
      const name = asAt >= 0 ? words[asAt + 1]?.toLowerCase() : undefined;
      stages.push({ index: stages.length, name, from, line: ins.line });
    }
  }
  return stages;
}

/** The stage a target names (undefined: the last stage), or undefined when there is no such stage. */
export function stageFor(stages: readonly DockerfileStage[], target: string | undefined): DockerfileStage | undefined {
  if (target === undefined) return stages[stages.length - 1];
  const t = target.toLowerCase();
  return stages.find((s) => s.name === t) ?? (/^\d+$/.test(t) ? stages[Number(t)] : undefined);
}

/** The stage and its ancestors, target first, ending at the stage that starts FROM an image. */
export function stageChain(stages: readonly DockerfileStage[], target: string | undefined): DockerfileStage[] {
  const chain: DockerfileStage[] = [];
  let stage = stageFor(stages, target);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const parentName = stage.from.toLowerCase();
    // A FROM only refers to stages defined before it.
    stage = stages.slice(0, stage.index).find((s) => s.name === parentName);
  }
  return chain;
}

/** What two targets have in common: the nearest shared stage, and the image at the root of it. */
export interface SharedAncestry {
  /** The nearest stage both targets build on (possibly one of the targets), if any. */
  stage?: DockerfileStage;
  /** The image the shared ancestry starts FROM; undefined when the two start from different images. */
  baseImage?: string;
  devRoot?: string;
  prodRoot?: string;
}

export function sharedAncestry(stages: readonly DockerfileStage[], devTarget: string | undefined, prodTarget: string | undefined): SharedAncestry {
  const dev = stageChain(stages, devTarget);
  const prod = stageChain(stages, prodTarget);
  const stage = dev.find((s) => prod.includes(s));
  const devRoot = dev[dev.length - 1]?.from;
  const prodRoot = prod[prod.length - 1]?.from;
  return { stage, baseImage: devRoot !== undefined && devRoot === prodRoot ? devRoot : undefined, devRoot, prodRoot };
}
