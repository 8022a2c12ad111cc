import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonc } from '../../../../src/core/config/parse';
import { schemaDiagnostics } from '../../../../src/core/config/validate';
import { BerthError } from '../../../../src/core/errors';
import { commandArgv, parseHealthcheck, parseProductionPort, readProductionSettings } from '../../../../src/core/production/settings';

const withSection = (production: unknown) => ({ customizations: { berth: { production } } });

describe('readProductionSettings', () => {
  it('defaults to the last stage with nothing published when the section is absent', () => {
    const s = readProductionSettings({ customizations: {} });
    assert.equal(s.declared, false);
    assert.equal(s.target, undefined);
    assert.deepEqual(s.ports, []);
    assert.equal(s.healthcheck, undefined);
  });

  it('reads every field', () => {
    const s = readProductionSettings(
      withSection({
        target: 'prod',
        imageName: 'app:1',
        buildArgs: { MODE: 'prod' },
        ports: [3000, '8080:80', '0:9000/udp'],
        env: { A: 'b' },
        command: ['node', 'server.js'],
        healthcheck: { path: '/health', port: 3000, interval: 0.5, timeout: 2, retries: 4 },
      }),
    );
    assert.equal(s.declared, true);
    assert.equal(s.target, 'prod');
    assert.equal(s.imageName, 'app:1');
    assert.deepEqual(s.buildArgs, { MODE: 'prod' });
    assert.deepEqual(s.env, { A: 'b' });
    assert.deepEqual(s.command, ['node', 'server.js']);
    assert.deepEqual(
      s.ports.map((p) => [p.hostIp, p.hostPort, p.containerPort, p.protocol]),
      [
        ['127.0.0.1', 3000, 3000, 'tcp'],
        ['127.0.0.1', 8080, 80, 'tcp'],
        ['127.0.0.1', undefined, 9000, 'udp'],
      ],
    );
    assert.deepEqual(s.healthcheck, { probe: { kind: 'http', path: '/health', port: 3000 }, intervalMs: 500, timeoutMs: 2000, retries: 4 });
  });
});

describe('parseProductionPort', () => {
  it('rejects what is not a port, naming the JSON path', () => {
    for (const bad of ['abc', '70000', '1:2:3', 0]) {
      assert.throws(() => parseProductionPort(bad, { path: 'customizations.berth.production.ports[0]' }), (e: unknown) => {
        assert.ok(e instanceof BerthError);
        assert.equal(e.code, 'config-invalid');
        assert.match(e.message, /ports\[0\]/);
        return true;
      });
    }
  });
});

describe('parseHealthcheck', () => {
  const ports = [parseProductionPort(3000)];

  it('takes the first published port for an HTTP check without a port', () => {
    assert.deepEqual(parseHealthcheck({ path: '/ready' }, ports)?.probe, { kind: 'http', path: '/ready', port: 3000 });
  });

  it('turns a command string into sh -c and applies defaults', () => {
    const hc = parseHealthcheck({ command: 'test -f /tmp/ok' }, []);
    assert.deepEqual(hc, { probe: { kind: 'command', cmd: ['/bin/sh', '-c', 'test -f /tmp/ok'] }, intervalMs: 1000, timeoutMs: 3000, retries: 30 });
  });

  it('refuses a check with both a path and a command, one with neither, and an unpublished port', () => {
    assert.throws(() => parseHealthcheck({ path: '/h', command: 'true' }, ports), /both "path" and "command"/);
    assert.throws(() => parseHealthcheck({ interval: 1 }, ports), /needs a "path"/);
    assert.throws(() => parseHealthcheck({ path: '/h', port: 9999 }, ports), /9999 is not published/);
    assert.throws(() => parseHealthcheck({ path: '/h' }, []), /publishes none/);
    assert.throws(() => parseHealthcheck({ path: 'health' }, ports), /must start with/);
  });

  it('locates the offending property when given a locator', () => {
    const located = (path: string) => ({ file: '/ws/devcontainer.json', line: 7, column: 3, path });
    assert.throws(
      () => parseHealthcheck({ path: '/h', port: 9999 }, ports, located),
      (e: unknown) => e instanceof BerthError && e.location?.line === 7 && e.location.path === 'customizations.berth.production.healthcheck.port',
    );
  });
});

describe('commandArgv', () => {
  it('keeps arrays and wraps strings', () => {
    assert.deepEqual(commandArgv(['a', 'b']), ['a', 'b']);
    assert.deepEqual(commandArgv('echo hi'), ['/bin/sh', '-c', 'echo hi']);
    assert.equal(commandArgv(''), undefined);
    assert.equal(commandArgv([1]), undefined);
  });
});

describe('the schema for customizations.berth.production', () => {
  it("accepts examples/node-app's spec and flags a wrong type and an unknown property", async () => {
    const file = resolve(__dirname, '../../../../examples/node-app/.devcontainer/devcontainer.json');
    assert.deepEqual(schemaDiagnostics(parseJsonc(readFileSync(file, 'utf8'), file)), []);
    const bad = JSON.stringify({ image: 'x', customizations: { berth: { production: { ports: ['http'], healthcheck: { path: '/h', retires: 3 } } } } }, null, 2);
    const problems = schemaDiagnostics(parseJsonc(bad, '/ws/devcontainer.json'));
    assert.ok(problems.some((d) => d.location?.path === 'customizations.berth.production.ports[0]'), JSON.stringify(problems));
    assert.ok(problems.some((d) => /retires/.test(d.message)), JSON.stringify(problems));
  });
});
