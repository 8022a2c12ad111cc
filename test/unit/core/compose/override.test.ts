import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComposeConfig } from '../../../../src/core/config/types';
import { composeFileVersion, composeOverride, escapeDollars } from '../../../../src/core/compose/override';
import { composeConfig } from '../container/configFixture';

function config(over: Partial<ComposeConfig> = {}): ComposeConfig {
  return composeConfig({
    composeFiles: ['/w/.devcontainer/docker-compose.yml'],
    configFile: '/w/.devcontainer/devcontainer.json',
    workspaceFolderHost: '/w',
    workspaceFolder: '/workspaces/w',
    ...over,
  });
}

const ids = { 'devcontainer.local_folder': '/w', 'devcontainer.config_file': '/w/.devcontainer/devcontainer.json' };

describe('composeOverride', () => {
  it('adds only labels (and the workspace mount) when nothing else is set; no keep-alive without overrideCommand', () => {
    const file = composeOverride({ config: config(), idLabels: ids, metadataLabel: '[]', mounts: [], workspaceMount: { type: 'bind', source: '/w', target: '/workspaces/w' } });
    assert.deepEqual(file, {
      services: {
        app: {
          labels: { ...ids, 'devcontainer.metadata': '[]', 'dev.berth.managed': 'true' },
          volumes: ['/w:/workspaces/w'],
        },
      },
    });
  });

  it('sets the keep-alive entrypoint, env, security options and mounts, with $ doubled', () => {
    const file = composeOverride({
      config: config({ overrideCommand: true, containerEnv: { A: 'x$y' }, init: true, privileged: true, capAdd: ['SYS_PTRACE'], securityOpt: ['seccomp=unconfined'] }),
      idLabels: ids,
      metadataLabel: '[{"remoteEnv":{"P":"${containerEnv:PATH}"}}]',
      mounts: [
        { type: 'volume', source: 'cache', target: '/cache' },
        { type: 'bind', source: '/etc/x', target: '/x', readOnly: true },
        { type: 'tmpfs', target: '/scratch' },
      ],
      fileVersion: '3.8',
    });
    const app = (file.services as Record<string, Record<string, unknown>>).app;
    const entrypoint = app.entrypoint as string[];
    assert.deepEqual(entrypoint.slice(0, 2), ['/bin/sh', '-c']);
    assert.equal(entrypoint[3], '-');
    assert.match(entrypoint[2], /exec "\$\$@"/);
    assert.doesNotMatch(entrypoint[2].replace(/\$\$/g, ''), /\$/, 'every $ is doubled');
    assert.deepEqual(app.command, []);
    assert.deepEqual(app.environment, { A: 'x$$y' });
    assert.equal((app.labels as Record<string, string>)['devcontainer.metadata'], '[{"remoteEnv":{"P":"$${containerEnv:PATH}"}}]');
    assert.equal(app.init, true);
    assert.equal(app.privileged, true);
    assert.deepEqual(app.cap_add, ['SYS_PTRACE']);
    assert.deepEqual(app.security_opt, ['seccomp=unconfined']);
    assert.deepEqual(app.volumes, ['cache:/cache', '/etc/x:/x:ro']);
    assert.deepEqual(app.tmpfs, ['/scratch']);
    assert.equal(file.version, '3.8');
    assert.deepEqual(file.volumes, { cache: { name: 'cache' } });
  });

  it('declares named volumes external for file versions without volume names', () => {
    const file = composeOverride({ config: config(), idLabels: ids, metadataLabel: '[]', mounts: [{ type: 'volume', source: 'v', target: '/v' }], fileVersion: '3.2' });
    assert.deepEqual(file.volumes, { v: { external: true } });
  });
});

describe('Features in the override', () => {
  it('runs the Features image; without overrideCommand their entrypoints go before the service entrypoint, with its command', () => {
    const file = composeOverride({
      config: config({ entrypoints: ['/usr/local/share/docker-init.sh'] }),
      idLabels: ids,
      metadataLabel: '[]',
      mounts: [],
      image: 'vsc-w-1-features',
      serviceArgv: { entrypoint: ['/entry.sh'], command: ['serve', '--port', '80'] },
    }) as { services: { app: Record<string, unknown> } };
    const app = file.services.app;
    assert.equal(app.image, 'vsc-w-1-features');
    assert.deepEqual(app.entrypoint, ['/bin/sh', '-c', '/usr/local/share/docker-init.sh\nexec "$$@"', '-', '/entry.sh']);
    assert.deepEqual(app.command, ['serve', '--port', '80']);
  });

  it('leaves entrypoint and command alone without Feature entrypoints', () => {
    const file = composeOverride({ config: config(), idLabels: ids, metadataLabel: '[]', mounts: [], image: 'img', serviceArgv: { entrypoint: ['/e'], command: ['c'] } }) as {
      services: { app: Record<string, unknown> };
    };
    assert.equal(file.services.app.entrypoint, undefined);
    assert.equal(file.services.app.command, undefined);
  });
});

describe('override helpers', () => {
  it('reads the version of a compose file', () => {
    assert.equal(composeFileVersion("version: '3.8'\nservices: {}\n"), '3.8');
    assert.equal(composeFileVersion('services: {}\n'), undefined);
  });
  it('doubles $ deeply', () => assert.deepEqual(escapeDollars({ a: ['$x', 1, { b: '$$' }] }), { a: ['$$x', 1, { b: '$$$$' }] }));
});

describe('ports in the override', () => {
  it('publishes per service, creating entries for other services', () => {
    const file = composeOverride({
      config: config(),
      idLabels: ids,
      metadataLabel: '[]',
      mounts: [],
      ports: { app: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }], db: [{ containerPort: 5432, protocol: 'tcp', hostIp: '::1' }] },
    });
    const services = file.services as Record<string, Record<string, unknown>>;
    assert.deepEqual(services.app.ports, ['127.0.0.1:8080:80/tcp']);
    assert.deepEqual(services.db, { ports: ['[::1]::5432/tcp'] });
  });
});
