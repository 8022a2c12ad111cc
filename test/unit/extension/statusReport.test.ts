import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusResult } from '../../../src/core/usecases/types';
import { describeMount, renderStatusReport } from '../../../src/extension/statusReport';

const running: StatusResult = {
  state: 'running',
  configFile: '/h/app/.devcontainer/devcontainer.json',
  workspaceFolder: '/h/app',
  containerId: '0123456789abcdef0123',
  containerName: 'app_dev',
  image: 'vsc-app-123',
  remoteUser: 'node',
  remoteWorkspaceFolder: '/workspaces/app',
  ports: [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 3000 }],
  mounts: [
    { type: 'bind', source: '/h/app', target: '/workspaces/app', readOnly: false },
    { type: 'volume', source: 'app-cache', target: '/cache', readOnly: true },
  ],
  hooks: [{ hook: 'postCreateCommand', ranAt: '2026-01-01T00:00:00Z' }, { hook: 'postStartCommand' }],
  drift: [{ input: 'Dockerfile', needsRebuild: true }, { input: 'remoteEnv', needsRebuild: false }],
};

describe('renderStatusReport', () => {
  it('summarises image, user, ports, hooks and drift', () => {
    const md = renderStatusReport(running, { mounts: ['/h/app → /workspaces/app'] });
    assert.match(md, /^# Dev container: app_dev/);
    assert.match(md, /\| Image \| `vsc-app-123` \|/);
    assert.match(md, /\| User \| node \|/);
    assert.match(md, /\| 3000\/tcp \| 127\.0\.0\.1:3000 \|/);
    assert.match(md, /\| postStartCommand \| not yet \|/);
    assert.match(md, /Dockerfile: \*\*needs a rebuild\*\*/);
    assert.match(md, /remoteEnv: applies on the next start/);
    assert.match(md, /`\/h\/app → \/workspaces\/app`/);
    assert.match(md, /`0123456789ab`/);
  });

  it('lists the mounts the container has, read-only ones marked', () => {
    const md = renderStatusReport(running, { mounts: running.mounts.map(describeMount) });
    assert.match(md, /## Mounts\n\n- `\/workspaces\/app ← bind \/h\/app`\n- `\/cache ← volume app-cache \(read-only\)`/);
  });

  it('says plainly when there is no container', () => {
    const md = renderStatusReport({ state: 'none', configFile: '/c', workspaceFolder: '/w', ports: [], mounts: [], hooks: [], drift: [] }, { failure: 'boom' });
    assert.match(md, /\| State \| no container \|/);
    assert.match(md, /No published ports/);
    assert.match(md, /No container to compare/);
    assert.match(md, /boom/);
  });

  it('lists the hook outcomes of the last run', () => {
    const md = renderStatusReport(running, {
      hookResults: [
        { hook: 'onCreateCommand', command: 'deps', state: 'succeeded', durationMs: 1200 },
        { hook: 'postCreateCommand', state: 'failed', exitCode: 2 },
        { hook: 'postStartCommand', state: 'skipped', reason: 'waitFor' },
      ],
    });
    assert.match(md, /- onCreateCommand \(deps\): succeeded in 1\.2 s/);
    assert.match(md, /- postCreateCommand: \*\*failed\*\* with exit code 2/);
    assert.match(md, /- postStartCommand: skipped \(waitFor\)/);
  });
});
