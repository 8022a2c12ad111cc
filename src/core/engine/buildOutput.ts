/**
 * Reads the classic builder's JSON-lines answer to `POST /build` and turns it into BerthEvents, the
 * final image id, or a build-failed error that names the Dockerfile, the step and its line.
 */
import { BerthError } from '../errors';
import { LineSplitter } from './lineSplitter';
import type { EventSink } from '../events';

/** One JSON message of the build stream (the fields Berth reads). */
interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/**
 * 1-based line numbers of each instruction of a Dockerfile, in order: what the classic builder's
 * "Step n/m" counts. Handles comments, blank lines and `\` (or `# escape=` ) continuations.
 */
export function instructionLines(dockerfileText: string): number[] {
  const lines = dockerfileText.split(/\r?\n/);
  let escape = '\\';
  const out: number[] = [];
  let continuing = false;
  let directives = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (directives) {
      const d = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(trimmed);
      if (d) {
        escape = d[1];
        continue;
      }
      if (!/^#\s*\w+\s*=/.test(trimmed)) directives = false;
    }
    if (trimmed.startsWith('#')) continue; // comments, also inside continuations
    if (trimmed === '') {
      continue;
    }
    if (!continuing) out.push(i + 1);
    continuing = trimmed.endsWith(escape);
  }
  return out;
}

/** Incremental parser of the build stream. Feed it chunks; read `imageId`/`error` at the end. */
export class BuildOutputParser {
  imageId?: string;
  /** The engine's error message, when the build failed. */
  errorMessage?: string;
  currentStep?: number;
  totalSteps?: number;
  currentInstruction?: string;
  private readonly lines = new LineSplitter();
  private lineBuf = '';

  constructor(private readonly events: EventSink) {}

  push(chunk: Buffer | string): void {
    this.lines.push(chunk, (line) => this.message(line));
  }

  end(): void {
    this.lines.end((line) => this.message(line));
    if (this.lineBuf) this.line(this.lineBuf);
    this.lineBuf = '';
  }

  private message(json: string): void {
    let msg: BuildMessage;
    try {
      msg = JSON.parse(json) as BuildMessage;
    } catch {
      this.text(`${json}\n`);
      return;
    }
    if (msg.errorDetail || msg.error) {
      this.errorMessage = (msg.errorDetail?.message ?? msg.error ?? 'unknown error').trim();
      return;
    }
    if (msg.aux?.ID) this.imageId = msg.aux.ID;
    if (typeof msg.stream === 'string') this.text(msg.stream);
    else if (typeof msg.status === 'string') this.text(`${msg.status}\n`);
  }

  /** Stream text arrives in arbitrary pieces; steps are recognised on whole lines. */
  private text(text: string): void {
    this.lineBuf += text;
    let nl: number;
    while ((nl = this.lineBuf.indexOf('\n')) >= 0) {
      const line = this.lineBuf.slice(0, nl).replace(/\r$/, '');
      this.lineBuf = this.lineBuf.slice(nl + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    // Docker's builder says `Step 1/4 : FROM x`, Podman's (buildah) `STEP 1/4: FROM x`.
    const step = /^(?:Step (\d+)\/(\d+) :|STEP (\d+)\/(\d+):) (.*)$/.exec(line);
    if (step) {
      this.currentStep = Number(step[1] ?? step[3]);
      this.totalSteps = Number(step[2] ?? step[4]);
      this.currentInstruction = step[5];
      this.events({ type: 'build-step', step: this.currentStep, total: this.totalSteps, instruction: step[5] });
    } else if (/^(?: ---> Using cache|--> Using cache [0-9a-f]+)$/.test(line) && this.currentStep !== undefined) {
      this.events({ type: 'build-cached', step: this.currentStep });
    } else {
      const built = /^Successfully built ([0-9a-f]+)$/.exec(line);
      if (built && !this.imageId) this.imageId = built[1];
    }
    this.events({ type: 'output', source: 'build', text: `${line}\n` });
  }

  /** The build-failed error for what the stream reported (or for `message` when the HTTP call failed). */
  failure(dockerfile: string, dockerfileText: string | undefined, message = this.errorMessage ?? 'unknown error'): BerthError {
    const step = this.currentStep;
    const where = step !== undefined ? ` at step ${step}/${this.totalSteps ?? '?'} (${this.currentInstruction ?? ''})` : '';
    let location;
    if (step !== undefined && dockerfileText !== undefined) {
      const line = instructionLines(dockerfileText)[step - 1];
      if (line !== undefined) location = { file: dockerfile, line, column: 1 };
    }
    const parse = /dockerfile parse error line (\d+)/i.exec(message);
    if (!location && parse) location = { file: dockerfile, line: Number(parse[1]), column: 1 };
    const baseImage = /^FROM\s/i.test(this.currentInstruction ?? '') || /pull access denied|manifest unknown|repository does not exist/i.test(message);
    const hint = baseImage
      ? 'the base image is not present locally and could not be pulled from its registry: check the name, or build or load it first'
      : 'fix the Dockerfile instruction above (its output is in the build log), then rebuild';
    return new BerthError('build-failed', `Build of ${dockerfile} failed${where}: ${message}`, { location, hint });
  }
}
