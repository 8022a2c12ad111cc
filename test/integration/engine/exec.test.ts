import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BerthError } from '../../../src/core/errors';
import { dockerProblem, needDocker } from '../../support/docker';
import { cleanup, delay, makeEngine, spec } from './support';

describe('exec (real engine)', () => {
  const engine = makeEngine();
  let id = '';
  before(async () => {
    if (await dockerProblem()) return;
    id = await engine.createContainer(spec({ cmd: ['sleep', '300'] }));
    await engine.startContainer(id);
  });
  after(async () => {
    if (!(await dockerProblem())) await cleanup(engine);
  });

  async function run(cmd: string, extra: Parameters<typeof engine.exec>[1] extends infer O ? Partial<O> : never = {}) {
    let out = '';
    let err = '';
    const r = await engine.exec(id, { cmd: ['sh', '-c', cmd], onStdout: (c) => (out += c.toString()), onStderr: (c) => (err += c.toString()), ...extra });
    return { code: r.exitCode, out, err };
  }

  it('returns the exit code', async (t) => {
    if (!(await needDocker(t))) return;
    assert.equal((await run('exit 0')).code, 0);
    assert.equal((await run('exit 42')).code, 42);
    assert.equal((await engine.exec(id, { cmd: ['false'] })).exitCode, 1);
  });

  it('keeps stdout and stderr apart', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await run('echo to-out; echo to-err >&2; echo more-out');
    assert.equal(r.out, 'to-out\nmore-out\n');
    assert.equal(r.err, 'to-err\n');
  });

  it('carries large output intact', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await run('seq 1 20000');
    assert.equal(r.out.split('\n').length, 20001);
    assert.ok(r.out.endsWith('19999\n20000\n'));
  });

  it('feeds stdin from a string and from a stream, then closes it', async (t) => {
    if (!(await needDocker(t))) return;
    assert.equal((await run('cat; echo done', { stdin: 'from a string\n' })).out, 'from a string\ndone\n');
    assert.equal((await run('wc -l', { stdin: Readable.from(['a\n', 'b\n', 'c\n']) })).out.trim(), '3');
  });

  it('sets env, user and workdir', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await run('echo "$FOO|$(id -un)|$(pwd)"', { env: { FOO: 'bar baz' }, user: 'nobody', workdir: '/tmp' });
    assert.equal(r.out, 'bar baz|nobody|/tmp\n');
  });

  it('with a TTY, output is one stream', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await run('echo a; echo b >&2; test -t 1', { tty: true });
    assert.equal(r.code, 0, 'stdout is a terminal');
    assert.match(r.out, /a\r?\n.*b\r?\n/s);
  });

  it('a missing command fails with a non-zero exit code', async (t) => {
    if (!(await needDocker(t))) return;
    const r = await engine.exec(id, { cmd: ['/no/such/binary'] });
    assert.notEqual(r.exitCode, 0);
  });

  it('gives up after timeoutMs with a timeout error and stops the process', async (t) => {
    if (!(await needDocker(t))) return;
    const started = Date.now();
    await assert.rejects(run('sleep 7.5', { timeoutMs: 300 }), (e: unknown) => e instanceof BerthError && e.code === 'timeout' && /sleep 7\.5/.test(e.message));
    assert.ok(Date.now() - started < 2000);
    await delay(200);
    assert.equal((await run('ps | grep -c "[s]leep 7.5" || true')).out.trim(), '0', 'the timed-out process was killed');
  });

  it('aborting rejects with cancelled and stops the process', async (t) => {
    if (!(await needDocker(t))) return;
    const ac = new AbortController();
    const p = run('echo started; sleep 8.5', { signal: ac.signal, onStdout: () => ac.abort() });
    await assert.rejects(p, (e: unknown) => e instanceof BerthError && e.code === 'cancelled');
    await delay(200);
    assert.equal((await run('ps | grep -c "[s]leep 8.5" || true')).out.trim(), '0', 'the aborted process was killed');
  });

  it('exec in a missing container is container-not-found', async (t) => {
    if (!(await needDocker(t))) return;
    await assert.rejects(engine.exec('berth-no-such-container', { cmd: ['true'] }), (e: unknown) => e instanceof BerthError && e.code === 'container-not-found');
  });

  it('an interactive session echoes input, resizes, and reports the exit code', async (t) => {
    if (!(await needDocker(t))) return;
    const session = await engine.execInteractive(id, { cmd: ['sh'], cols: 100, rows: 30 });
    let seen = '';
    session.onData((d) => (seen += d.toString()));
    const exited = new Promise<number | undefined>((resolve) => session.onExit(resolve));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(seen); i++) await delay(20);
      assert.match(seen, re);
    };
    session.write('echo round-$((20+3))-trip\n');
    await waitFor(/round-23-trip/);
    session.write('stty size\n');
    await waitFor(/30 100/);
    await session.resize(120, 40);
    session.write('stty size\n');
    await waitFor(/40 120/);
    session.write('exit 5\n');
    assert.equal(await exited, 5);
  });

  it('closing an interactive session ends it', async (t) => {
    if (!(await needDocker(t))) return;
    const session = await engine.execInteractive(id, { cmd: ['sh'] });
    const exited = new Promise<number | undefined>((resolve) => session.onExit(resolve));
    session.close();
    assert.equal(await exited, undefined);
  });
});
