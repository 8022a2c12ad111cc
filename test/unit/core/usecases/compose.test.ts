import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComposeConfig } from '../../../../src/core/config/types';
import { planComposePorts, servicesToStart } from '../../../../src/core/usecases/compose';

describe('servicesToStart', () => {
  it('is runServices plus service, once each; empty (all) without runServices', () => {
    assert.deepEqual(servicesToStart({ service: 'app', runServices: ['db', 'app', 'cache'] }), ['db', 'app', 'cache']);
    assert.deepEqual(servicesToStart({ service: 'app', runServices: ['db'] }), ['db', 'app']);
    assert.deepEqual(servicesToStart({ service: 'app' }), []);
  });
});

describe('planComposePorts', () => {
  const base = { service: 'app', appPort: [] as (number | string)[], forwardPorts: [] as (number | string)[] } as unknown as ComposeConfig;
  const yaml = ['services:', '  app:', '    ports:', '    - 127.0.0.1::8000/tcp', '  db:', '    image: x'].join('\n');

  it('publishes local ports on service and service:port entries on that service, skipping ones Compose publishes', async () => {
    const config = { ...base, forwardPorts: [8000, 3000, 'db:5432', 'cache:6379'], appPort: [9000] };
    const r = await planComposePorts(config, yaml, ['app', 'db'], new Set(), async () => true);
    assert.deepEqual(r.ports, {
      app: [
        { containerPort: 9000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 9000 },
        { containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 3000 },
      ],
      db: [{ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5432 }],
    });
    assert.match(r.notes.join('\n'), /cache:6379 names no service/);
  });

  it("moves a taken host port, but not one the project's own containers hold", async () => {
    const config = { ...base, forwardPorts: [3000, 4000] };
    const r = await planComposePorts(config, yaml, ['app'], new Set([4000]), async (p) => p !== 3000 && p !== 4000);
    assert.deepEqual(r.ports.app.map((b) => b.hostPort), [3001, 4000]);
    assert.match(r.notes.join('\n'), /3000 is in use/);
  });
});
