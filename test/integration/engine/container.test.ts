import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BerthError } from '../../../src/core/errors';
import { needDocker } from '../../support/docker';
import { cleanup, delay, makeEngine, spec, TEST_LABEL, TEST_VALUE, uniq } from './support';

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function output(engine: ReturnType<typeof makeEngine>, id: string, cmd: string): Promise<string> {
  let out = '';
  const r = await engine.exec(id, { cmd: ['sh', '-c', cmd], onStdout: (c) => (out += c.toString()) });
  assert.equal(r.exitCode, 0, `${cmd} failed: ${out}`);
  return out;
}

describe('containers (real engine)', () => {
  const engine = makeEngine();
  const hostDir = mkdtempSync(join(tmpdir(), 'berth-engine-bind-'));
  after(async () => {
    if (await engine.ping().then(() => true, () => false)) await cleanup(engine);
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('creates and starts with mounts, env, labels, capAdd, init and a port on 127.0.0.1', async (t) => {
    if (!(await needDocker(t))) return;
    writeFileSync(join(hostDir, 'index.html'), 'hello from the host\n');
    const volume = uniq('berth-engine-vol');
    const caseLabel = uniq('case');
    const id = await engine.createContainer(
      spec({
        name: uniq('berth-engine-full'),
        cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        env: { GREETING: 'hi there', EMPTY: '' },
        labels: { [TEST_LABEL]: TEST_VALUE, 'dev.berth.test.case': caseLabel },
        mounts: [
          { type: 'bind', source: hostDir, target: '/www' },
          { type: 'volume', source: volume, target: '/vol' },
          { type: 'tmpfs', target: '/scratch', tmpfsSizeBytes: 8 * 1024 * 1024 },
        ],
        ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' }],
        capAdd: ['NET_ADMIN'],
        init: true,
        hostname: 'berthbox',
        workingDir: '/vol',
      }),
    );
    await engine.startContainer(id);
    // Starting a running container is fine.
    await engine.startContainer(id);

    const details = await engine.inspectContainer(id);
    assert.equal(details.State.Running, true);
    assert.equal(details.Config.Labels['dev.berth.test.case'], caseLabel);
    const binding = details.NetworkSettings.Ports['8080/tcp']?.[0];
    assert.ok(binding, 'port 8080 is published');
    assert.equal(binding.HostIp, '127.0.0.1');

    let body = '';
    for (let i = 0; i < 50 && !body; i++) body = await httpGet(Number(binding.HostPort)).catch(() => delay(50).then(() => ''));
    assert.equal(body, 'hello from the host\n');

    assert.equal(await output(engine, id, 'echo "$GREETING|$EMPTY|$(hostname)|$(pwd)"'), 'hi there||berthbox|/vol\n');
    // `init: true`: PID 1 is the engine's init (Docker's docker-init, Podman's podman-init/catatonit).
    assert.match((await output(engine, id, 'cat /proc/1/comm')).trim(), /^(docker-init|podman-init|catatonit)$/);
    const capEff = /CapEff:\s*([0-9a-f]+)/.exec(await output(engine, id, 'cat /proc/self/status'))?.[1];
    assert.ok(capEff && (BigInt(`0x${capEff}`) & (1n << 12n)) !== 0n, 'CAP_NET_ADMIN (bit 12) is effective');
    assert.match(await output(engine, id, 'grep " /scratch " /proc/mounts'), /tmpfs \/scratch tmpfs .*size=8192k/);
    await output(engine, id, 'echo written-in-container > /www/from-container.txt && echo v > /vol/v.txt');
    assert.equal(readFileSync(join(hostDir, 'from-container.txt'), 'utf8'), 'written-in-container\n');
    assert.ok((await engine.listVolumes({})).some((v) => v.name === volume), 'the named volume exists');

    const found = await engine.findContainers({ 'dev.berth.test.case': caseLabel });
    assert.deepEqual(found.map((c) => c.id), [id]);
    assert.equal(found[0].state, 'running');
    assert.equal(found[0].ports.find((p) => p.containerPort === 8080)?.hostIp, '127.0.0.1');

    await engine.stopContainer(id, { timeoutSeconds: 1 });
    await engine.stopContainer(id, { timeoutSeconds: 1 }); // stopping a stopped one is fine
    assert.deepEqual(await engine.findContainers({ 'dev.berth.test.case': caseLabel }), [], 'stopped containers are not listed without all');
    assert.equal((await engine.findContainers({ 'dev.berth.test.case': caseLabel }, { all: true })).length, 1);
    await engine.removeContainer(id, { removeVolumes: true });
    await engine.removeContainer(id); // already gone is fine
    await engine.removeVolume(volume);
    assert.ok(!(await engine.listVolumes({})).some((v) => v.name === volume));
  });

  it('maps a taken host port to port-in-use naming the port', async (t) => {
    if (!(await needDocker(t))) return;
    const first = await engine.createContainer(spec({ ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1' }] }));
    await engine.startContainer(first);
    const port = Number((await engine.inspectContainer(first)).NetworkSettings.Ports['80/tcp']?.[0].HostPort);
    const second = await engine.createContainer(spec({ ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: port }] }));
    await assert.rejects(engine.startContainer(second), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'port-in-use');
      assert.match(e.message, new RegExp(`port ${port}\\b`));
      return true;
    });
  });

  it('maps a taken name to name-conflict and a missing image to image-not-found', async (t) => {
    if (!(await needDocker(t))) return;
    const name = uniq('berth-engine-name');
    await engine.createContainer(spec({ name }));
    await assert.rejects(engine.createContainer(spec({ name })), (e: unknown) => e instanceof BerthError && e.code === 'name-conflict' && e.message.includes(name));
    await assert.rejects(
      engine.createContainer(spec({ image: 'berth-test/does-not-exist:1' })),
      (e: unknown) => e instanceof BerthError && e.code === 'image-not-found' && e.message.includes('berth-test/does-not-exist:1'),
    );
  });

  it('inspectContainer of a missing container is container-not-found; inspectImage of a missing image is undefined', async (t) => {
    if (!(await needDocker(t))) return;
    await assert.rejects(engine.inspectContainer('berth-no-such-container'), (e: unknown) => e instanceof BerthError && e.code === 'container-not-found');
    assert.equal(await engine.inspectImage('berth-test/does-not-exist:1'), undefined);
    assert.equal(await engine.imageExists('berth-test/busybox:latest'), true);
  });

  it('pulling without a registry is image-not-found with the reason', async (t) => {
    if (!(await needDocker(t))) return;
    const outputs: string[] = [];
    await assert.rejects(
      engine.pullImage('berth-test/not-in-any-registry:1', (e) => e.type === 'output' && outputs.push(e.text)),
      (e: unknown) => {
        assert.ok(e instanceof BerthError);
        assert.equal(e.code, 'image-not-found');
        assert.match(e.message, /^image berth-test\/not-in-any-registry:1 is not present locally and could not be pulled: \S/);
        assert.ok(e.hint);
        return true;
      },
    );
  });

  it('reads the logs, stdout and stderr demultiplexed', async (t) => {
    if (!(await needDocker(t))) return;
    const id = await engine.createContainer(spec({ cmd: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo err >&2; sleep 300'] }));
    await engine.startContainer(id);
    let logs = '';
    for (let i = 0; i < 40 && !logs.includes('err'); i++) {
      await delay(25);
      // dockerd 20.10's json-file tail can drop the newest line, so ask for more than there are.
      logs = await engine.getContainerLogs(id, { tail: 10 });
    }
    // The engine does not order lines across stdout and stderr, so check each stream's lines.
    assert.deepEqual(logs.split('\n').filter((l) => l.startsWith('line')), ['line1', 'line2', 'line3', 'line4', 'line5']);
    assert.ok(logs.split('\n').includes('err'), logs);
    assert.ok(![...logs].some((ch) => ch.charCodeAt(0) < 9), 'no frame headers leak into the text');
  });
});
