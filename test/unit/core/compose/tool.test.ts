import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandForPath, detectComposeTool, parseComposeVersion, type ComposeRunResult } from '../../../../src/core/compose/tool';
import { isBerthError } from '../../../../src/core/errors';

describe('parseComposeVersion', () => {
  it('reads v1, v2 and short forms', () => {
    assert.equal(parseComposeVersion('docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3'), '1.29.2');
    assert.equal(parseComposeVersion('Docker Compose version v2.24.1'), '2.24.1');
    assert.equal(parseComposeVersion('garbage'), '');
  });
});

describe('commandForPath', () => {
  it('runs a docker binary as its compose plugin, anything else as is', () => {
    assert.deepEqual(commandForPath('/usr/bin/docker'), ['/usr/bin/docker', 'compose']);
    assert.deepEqual(commandForPath('C:\\bin\\docker.exe'), ['C:\\bin\\docker.exe', 'compose']);
    assert.deepEqual(commandForPath('/opt/docker-compose'), ['/opt/docker-compose']);
  });
});

describe('detectComposeTool', () => {
  const answers = (table: Record<string, ComposeRunResult>) => {
    const calls: string[] = [];
    const run = async (argv: string[]) => {
      const key = argv.join(' ');
      calls.push(key);
      return table[key] ?? { exitCode: 127, stdout: '', stderr: `${argv[0]}: not found` };
    };
    return { calls, run };
  };

  it('prefers docker compose (v2)', async () => {
    const f = answers({ 'docker compose version': { exitCode: 0, stdout: 'Docker Compose version v2.20.0\n', stderr: '' } });
    const tool = await detectComposeTool({ env: {} }, f.run);
    assert.deepEqual(tool, { command: ['docker', 'compose'], version: '2.20.0', major: 2 });
    assert.deepEqual(f.calls, ['docker compose version']);
  });

  it('falls back to docker-compose (v1)', async () => {
    const f = answers({
      'docker compose version': { exitCode: 1, stdout: '', stderr: "docker: 'compose' is not a docker command." },
      'docker-compose version': { exitCode: 0, stdout: 'docker-compose version 1.29.2, build unknown', stderr: '' },
    });
    const tool = await detectComposeTool({ env: {} }, f.run);
    assert.deepEqual(tool.command, ['docker-compose']);
    assert.equal(tool.major, 1);
  });

  it('uses only the explicit path when given, and says so when it fails', async () => {
    const f = answers({});
    await assert.rejects(detectComposeTool({ env: {}, explicitPath: '/nope/docker-compose' }, f.run), (e: unknown) => {
      assert.ok(isBerthError(e));
      assert.equal(e.code, 'docker-unavailable');
      assert.match(e.hint ?? '', /\/nope\/docker-compose/);
      return true;
    });
    assert.deepEqual(f.calls, ['/nope/docker-compose version']);
  });

  it('lists what it tried when nothing answers', async () => {
    const f = answers({});
    await assert.rejects(detectComposeTool({ env: {} }, f.run), (e: unknown) => isBerthError(e) && e.output.length === 2);
  });
});
