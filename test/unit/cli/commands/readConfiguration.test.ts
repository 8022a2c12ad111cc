import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../../src/cli/args';
import type { CliContext } from '../../../../src/cli/command';
import { parseIdLabels, readConfigurationCommand } from '../../../../src/cli/commands/readConfiguration';
import { BerthError } from '../../../../src/core/errors';
import { fixture } from '../../../support/configFixtures';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(argv: string[], labels?: Record<string, string> | (() => Promise<Record<string, string> | undefined>)) {
  const reader = typeof labels === 'function' ? labels : labels ? async () => labels : undefined;
  const command = readConfigurationCommand(reader);
  const stdout = capture();
  const stderr = capture();
  const ctx: CliContext = {
    args: parseArgs(command, argv),
    events: { emit: () => undefined } as unknown as CliContext['events'],
    cwd: fixture('.'),
    env: { BERTH_FIXTURE_VAR: 'val' },
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: new AbortController().signal,
  };
  const code = await command.run(ctx);
  await new Promise((r) => setImmediate(r));
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('berth read-configuration', () => {
  it('prints configuration and workspace as one JSON line', async () => {
    const r = await run(['--workspace-folder', 'image']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim().split('\n').length, 1);
    const json = JSON.parse(r.out);
    assert.deepEqual(json, {
      configuration: { name: 'Image only', image: 'debian:bookworm-slim', remoteUser: 'root', forwardPorts: [3000], configFilePath: join(fixture('image'), '.devcontainer', 'devcontainer.json') },
      workspace: { workspaceFolder: '/workspaces/image', workspaceMount: `type=bind,source=${fixture('image')},target=/workspaces/image` },
    });
  });

  it('writes warnings to stderr as file:line:col', async () => {
    const r = await run(['--workspace-folder', 'variables']);
    assert.equal(r.code, 0);
    assert.ok(r.err.includes(`${join(fixture('variables'), '.devcontainer', 'devcontainer.json')}:19:16: warning: unknown variable`), r.err);
  });

  it('merges the image label entries before devcontainer.json with --include-merged-configuration', async () => {
    const label = JSON.stringify([{ remoteUser: 'vscode', postCreateCommand: 'base', capAdd: ['X'] }]);
    const r = await run(['--workspace-folder', 'image', '--include-merged-configuration'], { 'devcontainer.metadata': label });
    const merged = JSON.parse(r.out).mergedConfiguration;
    assert.equal(merged.remoteUser, 'root');
    assert.deepEqual(merged.capAdd, ['X']);
    assert.deepEqual(merged.postCreateCommands, ['base']);
    assert.deepEqual(merged.forwardPorts, [3000]);
    const noEngine = JSON.parse((await run(['--workspace-folder', 'hooks', '--include-merged-configuration'])).out).mergedConfiguration;
    assert.deepEqual(noEngine.postCreateCommands, [{ first: 'echo one', second: ['echo', 'two'] }]);
    assert.equal(noEngine.postCreateCommand, undefined);
  });

  it('falls back to devcontainer.json alone, with a warning, when the image labels cannot be read', async () => {
    const missing = await run(['--workspace-folder', 'image', '--include-merged-configuration'], async () => undefined);
    assert.match(missing.err, /debian:bookworm-slim is not available locally/);
    assert.equal(JSON.parse(missing.out).mergedConfiguration.remoteUser, 'root');
    const failing = await run(['--workspace-folder', 'image', '--include-merged-configuration'], async () => {
      throw new BerthError('docker-unavailable', 'Docker is not running');
    });
    assert.match(failing.err, /cannot read the labels of debian:bookworm-slim.*Docker is not running/);
    assert.equal(failing.code, 0);
  });

  it('accepts --id-label name=value and rejects other forms', async () => {
    const a = JSON.parse((await run(['--workspace-folder', 'image', '--id-label', 'a=1'])).out);
    assert.equal(a.configuration.image, 'debian:bookworm-slim');
    assert.throws(() => parseIdLabels(['novalue']), (e: unknown) => e instanceof BerthError && e.code === 'usage');
    assert.deepEqual(parseIdLabels(['a=1', 'b=x=y']), { a: '1', b: 'x=y' });
  });

  it('throws the config error (main prints it and exits 1)', async () => {
    await assert.rejects(run(['--workspace-folder', 'invalid-type']), (e: unknown) => e instanceof BerthError && e.code === 'config-invalid');
  });
});
