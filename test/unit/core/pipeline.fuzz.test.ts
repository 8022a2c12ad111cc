/**
 * End-to-end fuzz of the pure pipeline: generated and mutated devcontainer.json files go through
 * readConfig (from a temp file), computeBuildInputs, planImageBuild, planContainer, planUidUpdate,
 * the metadata label round trip and planLifecycle. Each case must end in success or in one BerthError
 * (config-invalid located in the spec when it is about the spec), never another exception, within a
 * time bound. Seeded, so every run tries the same cases; BERTH_FUZZ_CASES / BERTH_FUZZ_SEED widen it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  configToMetadataEntry,
  mergeWithImageMetadata,
  parseMetadataLabel,
  readConfig,
  type ResolvedConfig,
} from '../../../src/core/config';
import { CONTAINER_HOOKS, type ContainerHookName } from '../../../src/core/config/types';
import { planImageBuild } from '../../../src/core/container/buildPlan';
import { locateInSpec } from '../../../src/core/container/configError';
import { computeBuildInputs } from '../../../src/core/container/drift';
import { planContainer } from '../../../src/core/container/plan';
import { runArgsUser } from '../../../src/core/container/runArgs';
import { planUidUpdate } from '../../../src/core/container/uid';
import { BerthError } from '../../../src/core/errors';
import { planLifecycle, type ContainerReason } from '../../../src/core/lifecycle/plan';
import { fixtureSpecTexts, tempWorkspace } from '../../support/configFixtures';
import { prng, type Json } from '../../support/prng';

const CASES = Number(process.env.BERTH_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 0x9e3779b9);
const PER_CASE_MS = 2_000;


class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  some<T>(xs: readonly T[], max: number): T[] {
    return Array.from({ length: this.int(max + 1) }, () => this.pick(xs));
  }
}

const ODD = ['\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '😀', 'e\u0301', '\u2028', '\\', '"', '\n', 'ß', '\u{10ffff}', 'İ', '\t', ' '];
const VARIABLES = ['${localEnv:HOME}', '${localEnv:SECRET_TOKEN}', '${localEnv:X:default}', '${env:}', '${localEnv}', '${containerEnv:PATH}',
  '${containerEnv}', '${devcontainerId}', '${localWorkspaceFolder}', '${localWorkspaceFolderBasename}', '${containerWorkspaceFolder}',
  '${containerWorkspaceFolderBasename}', '${foo}', '${', '${}', '${${x}}', '${:}', '${localEnv:__proto__}', '${localEnv:constructor}'];
const PATHS = ['Dockerfile', './Dockerfile', '../Dockerfile', '..', '.', '', '/', '/etc', '/etc/passwd', '../../../../../../../etc/passwd',
  '..\\..\\windows\\system32', 'a/../../b', '~/.ssh', '//server/share', 'C:\\Windows', '${localWorkspaceFolder}/../../..', '.devcontainer/../../x',
  'sub/Dockerfile', 'no-such-file', 'Dockerfile\u0000x', '%2e%2e/%2e%2e', '/proc/self/environ', '/dev/zero'];
const MOUNTS: Json[] = ['source=/,target=/host,type=bind', 'type=volume,source=vol,target=/v', 'src=${localEnv:HOME}/.ssh,dst=/root/.ssh,type=bind',
  'type=tmpfs,target=/t', 'target=', ',,,', '', '=', 'type=nfs,source=a,target=b', 'source=../../..,target=/x,type=bind,readonly',
  'type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock', 'type=bind,source=.,target=..', 'target=/x,target=/y',
  'type=volume,source=a b,target=/c', 'type=bind,source=relative,target=relative', 'type=volume,target=/anon', 'consistency=cached,type=bind,source=/tmp,target=/tmp',
  { type: 'bind', source: '/', target: '/h' }, { type: 'volume' }, { target: 5 }, { type: 'tmpfs', target: '/t', tmpfs: { size: 1 } },
  { type: 'volume', source: '../x', target: '/y' }, { type: 'bind', source: '${localEnv:HOME}', target: '/home' }, { type: 'weird', target: '/w' }];
const RUN_ARGS = ['--privileged', '-v', '/:/host', '--pid=host', '--network=host', '--net', 'none', '--cap-add=SYS_ADMIN', '--cap-add', 'ALL', '--device',
  '/dev/fuse', '-e', 'FOO', '-e', 'A=B', '--env=C=D', '--env-file', '../../etc/passwd', '--label', 'x=y', '-p', '8080:80', '-p', 'notaport', '-p',
  '127.0.0.1:9000:9000/udp', '--memory', '1g', '--memory=lots', '--user', '1000', '--name', 'x', '--mount', 'type=bind,source=/,target=/h', '--cpus', '0.5',
  '--cpus=-1', '--shm-size', '2g', '--ulimit', 'nofile=1:2', '--ulimit', 'bad', '--security-opt', 'seccomp=unconfined', '--add-host', 'a:1.2.3.4',
  '-it', '--rm', '--entrypoint', '/bin/sh', '--', '--gpus', 'all', '--init', '-u', 'root', '-w', '/x', '--tmpfs', '/t', '--sysctl', 'a=b', '--dns',
  '8.8.8.8', '--hostname', 'h', '--ipc=host', '--userns=host', '-v', 'named:/data', '-v', '${localWorkspaceFolder}/..:/up', '--volume=relative:/x',
  '-e', '', '-', '---', '--=', '--label', '', '--runtime', 'runc', '--storage-opt', 'size=1G', '--platform', 'linux/arm64'];
const BUILD_OPTIONS = ['--network=host', '--pull', '--no-cache=maybe', '--target', '--label', 'a=b', '-t', 'x', '--build-arg', 'FOO', '--squash',
  '--platform=linux/amd64', '--pull=1', '--cache-from', 'img', '--tag=UPPER', '--build-arg=A=1', '--add-host', '', '--'];
const PORTS: Json[] = [3000, '3000', 'db:5432', 70000, -1, 'x:y', 0, 65535, '1-100', 1.5, '8080:80', '127.0.0.1:8080:80', ':80', '80/udp', 'localhost:3000', null, [], {}];
const COMMANDS: Json[] = ['echo hi', '', ' ', 'rm -rf / --no-preserve-root', 'echo ${localEnv:SECRET_TOKEN}', [], ['echo', 'a'], ['', ''], [1, 2],
  { a: 'echo a', b: ['echo', 'b'] }, { '': '' }, { x: 5 }, { __proto__x: 'echo' }, 'x'.repeat(5000), null, 5];
const USERS = ['root', 'vscode', '1000', '1000:1000', '', 'a b', '${localEnv:USER}', 'x'.repeat(300), '-1', 'root\u0000'];
const SCALARS: Json[] = [42, -1.5, true, false, null, 'str', [], [1, 'a', null], {}, { a: { b: [] } }, 1e308, 70000, '', 'x'.repeat(70_000)];

function str(g: Gen): string {
  switch (g.int(6)) {
    case 0: return g.pick(VARIABLES);
    case 1: return g.some(ODD, 6).join('');
    case 2: return g.pick(PATHS);
    case 3: return g.pick(['a', '${', '\u00e9', '../']).repeat(1 + g.int(50_000));
    case 4: return g.some([...VARIABLES, 'a', '/', ':', '=', ','], 5).join('');
    default: return g.pick(['value', 'hello world', 'A=B', '1', 'true']);
  }
}

function anyValue(g: Gen, depth = 0): Json {
  if (depth > 3 || g.chance(0.5)) return g.chance(0.5) ? str(g) : g.pick(SCALARS);
  if (g.chance(0.5)) return Array.from({ length: g.int(4) }, () => anyValue(g, depth + 1));
  const o: { [k: string]: Json } = {};
  for (let i = g.int(4); i > 0; i--) o[g.chance(0.8) ? str(g).slice(0, 40) : g.pick(['__proto__', 'constructor', 'prototype'])] = anyValue(g, depth + 1);
  return o;
}

/** A plausible value most of the time, a wrong one sometimes. */
function maybe(g: Gen, plausible: () => Json): Json {
  return g.chance(0.8) ? plausible() : anyValue(g);
}

function envRecord(g: Gen, allowNull: boolean): Json {
  const o: { [k: string]: Json } = {};
  const names = ['API_TOKEN', 'PATH', 'HOME', 'X', '', 'A B', '=', '1X', 'PASSWORD', 'LANG', 'K\u0000', '__proto__'];
  for (let i = g.int(5); i > 0; i--) o[g.pick(names)] = allowNull && g.chance(0.15) ? null : str(g);
  return o;
}

function generateSpec(g: Gen): Json {
  const spec: { [k: string]: Json } = {};
  switch (g.int(6)) {
    case 0: spec.image = maybe(g, () => g.pick(['berth-test/busybox', 'debian:bookworm-slim', 'UPPER/Case:tag', 'a@sha256:zz', '', str(g)])); break;
    case 1: case 2: {
      const build: { [k: string]: Json } = { dockerfile: g.chance(0.5) ? 'Dockerfile' : g.pick(PATHS) };
      if (g.chance(0.5)) build.context = g.pick(PATHS);
      if (g.chance(0.3)) build.args = envRecord(g, false);
      if (g.chance(0.2)) build.target = str(g);
      if (g.chance(0.2)) build.cacheFrom = g.chance(0.5) ? str(g) : g.some(['a', 'b:1', ''], 3);
      if (g.chance(0.4)) build.options = g.some(BUILD_OPTIONS, 5);
      spec.build = maybe(g, () => build);
      break;
    }
    case 3: spec.dockerFile = g.pick(PATHS); if (g.chance(0.5)) spec.context = g.pick(PATHS); break;
    case 4: spec.dockerComposeFile = maybe(g, () => g.pick(['docker-compose.yml', '../x.yml', ['a.yml', 'b.yml']])); spec.service = maybe(g, () => 'app'); break;
    default: if (g.chance(0.5)) spec.image = 'berth-test/busybox'; // sometimes no source at all
  }
  const props: [string, () => Json][] = [
    ['name', () => str(g)],
    ['workspaceFolder', () => g.pick([...PATHS, '/workspaces/x', '${localWorkspaceFolderBasename}'])],
    ['workspaceMount', () => g.pick(MOUNTS.filter((m) => typeof m === 'string') as string[])],
    ['mounts', () => g.some(MOUNTS, 5)],
    ['runArgs', () => g.some(RUN_ARGS, 8)],
    ['forwardPorts', () => g.some(PORTS, 4)],
    ['appPort', () => (g.chance(0.5) ? g.pick(PORTS) : g.some(PORTS, 3))],
    ['portsAttributes', () => ({ [String(g.pick(PORTS))]: { label: str(g), onAutoForward: g.pick(['notify', 'silent', 'bogus']) } })],
    ['containerEnv', () => envRecord(g, false)],
    ['remoteEnv', () => envRecord(g, true)],
    ['containerUser', () => g.pick(USERS)],
    ['remoteUser', () => g.pick(USERS)],
    ['updateRemoteUserUID', () => g.chance(0.5)],
    ['userEnvProbe', () => g.pick(['none', 'loginShell', 'loginInteractiveShell', 'interactiveShell', 'bogus'])],
    ['overrideCommand', () => g.chance(0.5)],
    ['shutdownAction', () => g.pick(['none', 'stopContainer', 'stopCompose'])],
    ['init', () => g.chance(0.5)],
    ['privileged', () => g.chance(0.5)],
    ['capAdd', () => g.some(['SYS_ADMIN', 'sys_ptrace', 'CAP_NET_ADMIN', 'ALL', '', ' x '], 3)],
    ['securityOpt', () => g.some(['seccomp=unconfined', 'apparmor=unconfined', 'label=disable', ''], 2)],
    ['initializeCommand', () => g.pick(COMMANDS)],
    ['waitFor', () => g.pick([...CONTAINER_HOOKS, 'initializeCommand', 'bogus'])],
    ['features', () => ({ [g.pick(['ghcr.io/devcontainers/features/node:1', './local', '../../x', ''])]: anyValue(g) })],
    ['hostRequirements', () => ({ cpus: g.pick([1, 0, -1, 1e9, 2.5]), memory: g.pick(['4gb', 'x', '1tb', '-1gb', '']), storage: str(g), gpu: g.pick([true, 'optional', { cores: 2, memory: '1gb' }, 'x']) })],
    ['customizations', () => anyValue(g)],
    ['overrideFeatureInstallOrder', () => g.some(['a', 'b', ''], 3)],
    ...CONTAINER_HOOKS.map((h): [string, () => Json] => [h, () => g.pick(COMMANDS)]),
  ];
  for (const [name, value] of props) if (g.chance(0.25)) spec[name] = maybe(g, value);
  return spec;
}


/** Text-level damage on top of a spec: the kinds a JSON editor produces, and worse. */
function mutateText(g: Gen, text: string): string {
  const pos = () => g.int(text.length + 1);
  switch (g.int(6)) {
    case 0: {
      let t = text;
      for (let n = 1 + g.int(4); n > 0; n--) { const p = g.int(t.length); t = t.slice(0, p) + t.slice(p + 1 + g.int(3)); }
      return t;
    }
    case 1: { const p = pos(); return text.slice(0, p) + g.pick(ODD) + text.slice(p); }
    case 2: {
      const depth = g.int(400);
      const open = g.chance(0.5) ? '[' : '{"a":';
      const nested = open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth);
      return text.replace(/:(\s*)("[^"]*"|\d+|true|false|null)/, `:${nested}`);
    }
    case 3: {
      let t = text;
      for (let n = 0; n < 3; n++) { const p = g.int(t.length + 1); t = t.slice(0, p) + g.pick([',', '}', ']', '"', ':', '/*', '//', ' ', '0']) + t.slice(p); }
      return t;
    }
    case 4: return text.replace(/^\s*\{/, `{${JSON.stringify(g.pick(['__proto__', 'constructor', 'image', 'build', 'x'.repeat(5000)]))}:${JSON.stringify(anyValue(g))},`);
    default: return `// comment ${g.pick(ODD)}\n${text.replace(/}\s*$/, ',}')}`;
  }
}

const REASONS: ContainerReason[] = ['created', 'started', 'reused'];

/** The pure part of an `up`, as far as it can go without an engine. */
async function pipeline(g: Gen, workspace: string): Promise<ResolvedConfig> {
  const env = { HOME: '/home/me', SECRET_TOKEN: 's3cr3t-value', USER: 'me', PATH: '/usr/bin' };
  const loaded = await readConfig({ workspaceFolder: workspace, env, platform: g.chance(0.9) ? 'linux' : 'win32' });
  const own = configToMetadataEntry(loaded.written);
  const label = JSON.stringify([own]);
  const roundTrip = parseMetadataLabel(label);
  const config = mergeWithImageMetadata(loaded.config, roundTrip.slice(0, -1));
  // Located as `up` locates planner errors.
  const locator = locateInSpec(loaded.locate, loaded.raw, config);
  assert.ok(['image', 'dockerfile', 'compose'].includes(config.kind));
  // The walk budget keeps a context that escaped to `/` from scanning the whole disk per case.
  await computeBuildInputs(config, { maxWalk: 500, maxFiles: 100, maxBytes: 1 << 20 });
  if (config.kind === 'compose') return config;
  let image = config.kind === 'image' ? config.image : 'vsc-fuzz';
  if (config.kind === 'dockerfile') image = planImageBuild(config, { noCache: g.chance(0.2), hostEnv: env, locate: loaded.locate }).tags[0];
  const uid = planUidUpdate({
    enabled: config.updateRemoteUserUID,
    platform: 'linux',
    isNewContainer: true,
    hostUid: 1000,
    hostGid: 1000,
    remoteUser: config.remoteUser,
    runArgsUser: runArgsUser(config.runArgs),
    containerUser: config.containerUser,
    imageUser: g.pick(['', 'root', 'node']),
    image,
  });
  planContainer(config, {
    image: uid.run ? uid.imageName : image,
    idLabels: loaded.idLabels,
    metadataLabel: label,
    hostEnv: env,
    imageEntrypoint: g.chance(0.5) ? ['/docker-entrypoint.sh'] : undefined,
    imageCmd: g.chance(0.5) ? ['sh'] : undefined,
    entrypoints: config.entrypoints,
    hostHasGpu: g.chance(0.5),
    locate: locator,
  });
  const waitFor: ContainerHookName = config.waitFor;
  planLifecycle({
    hooks: config.hooks,
    waitFor,
    reason: g.pick(REASONS),
    markers: g.chance(0.5) ? { onCreateCommand: '2026-01-01T00:00:00Z', postStartCommand: '' } : {},
    containerCreatedAt: '2026-01-01T00:00:00Z',
    containerStartedAt: '2026-01-02T00:00:00Z',
    skipPostAttach: g.chance(0.3),
    skipNonBlocking: g.chance(0.3),
  });
  return config;
}

describe('pure pipeline fuzz', () => {
  it(`ends ${CASES} generated and mutated specs in a plan or one located BerthError`, { timeout: Math.max(120_000, CASES * 100) }, async () => {
    const ws = tempWorkspace({
      '.devcontainer/Dockerfile': 'FROM berth-test/busybox\nCOPY . /src\nCOPY ../x /y\nADD --chown=1:1 ${A} /z\n',
      '.devcontainer/sub/Dockerfile': 'FROM scratch\n',
      '.devcontainer/docker-compose.yml': 'services: {}\n',
      'Dockerfile': 'ARG B=busybox\nFROM $B\n',
      'src/app.js': 'console.log(1)\n',
    });
    const file = join(ws.dir, '.devcontainer', 'devcontainer.json');
    const bases = fixtureSpecTexts();
    const g = new Gen(prng(SEED));
    const tally = { ok: 0, invalid: 0, other: new Map<string, number>(), slowest: 0 };
    try {
      for (let i = 0; i < CASES; i++) {
        let text: string;
        const source = g.int(10);
        if (source < 6) text = JSON.stringify(generateSpec(g), null, g.chance(0.5) ? 2 : undefined);
        else text = bases[g.int(bases.length)];
        if (source >= 4 && g.chance(0.6)) text = mutateText(g, text);
        writeFileSync(file, text);
        if (process.env.BERTH_FUZZ_DEBUG) writeFileSync(join(process.env.BERTH_FUZZ_DEBUG, 'current.json'), `${i}\n${text}`);
        const t0 = performance.now();
        try {
          await pipeline(g, ws.dir);
          tally.ok++;
        } catch (e) {
          if (!(e instanceof BerthError)) {
            assert.fail(`case ${i}: ${(e as Error)?.stack ?? String(e)}\ninput: ${text.slice(0, 400)}`);
          }
          if (e.code === 'config-invalid') {
            assert.ok(e.location, `case ${i}: config-invalid without a location: ${e.message}\ninput: ${text.slice(0, 400)}`);
            assert.equal(e.location.file, file, `case ${i}: located outside the spec: ${e.message}`);
            assert.ok(e.location.line >= 1 && e.location.column >= 1, `case ${i}: bad position ${JSON.stringify(e.location)}`);
            for (const d of e.diagnostics) assert.ok(d.location && d.location.line >= 1, `case ${i}: diagnostic without location: ${d.message}`);
            tally.invalid++;
          } else {
            // Anything else must still be a deliberate, explained error, not a crash dressed up.
            assert.ok(['config-not-found'].includes(e.code), `case ${i}: unexpected ${e.code}: ${e.message}\ninput: ${text.slice(0, 400)}`);
            assert.ok(e.message.length > 0);
            tally.other.set(e.code, (tally.other.get(e.code) ?? 0) + 1);
          }
        }
        const took = performance.now() - t0;
        tally.slowest = Math.max(tally.slowest, took);
        assert.ok(took < PER_CASE_MS, `case ${i} took ${took.toFixed(0)} ms\ninput: ${text.slice(0, 200)}`);
      }
    } finally {
      ws.cleanup();
    }
    console.log(`pipeline fuzz: ${CASES} cases (seed ${SEED}): ${tally.ok} planned, ${tally.invalid} config-invalid, ` +
      `${[...tally.other].map(([k, v]) => `${v} ${k}`).join(', ') || '0 other'}; slowest case ${tally.slowest.toFixed(0)} ms`);
    // Both outcomes must be common, or the generator is not reaching the planners.
    assert.ok(tally.ok > CASES / 10 && tally.invalid > CASES / 10, `ok=${tally.ok} invalid=${tally.invalid}`);
  });
});
