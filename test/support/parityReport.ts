/** A parity report as the use case returns it, for tests of its renderers (CLI table, webview). */
import type { LayerInfo } from '../../src/core/production/layers';
import { compareRuntimes, type ParityReport } from '../../src/core/production/report';

const layer = (i: number, digest: string, instruction: string, size: number): LayerInfo => ({ digest: `sha256:${digest.padEnd(64, '0')}`, index: i, instruction, size, created: 1 });

export function sampleReport(): ParityReport {
  const shared = [layer(0, 'aa', 'Imported from -', 116_000_000), layer(1, 'bb', 'RUN apt-get install nodejs', 201_000_000)];
  const devOwn = [layer(2, 'cc', 'RUN apt-get install git procps', 50_000_000)];
  const prodOwn = [layer(2, 'dd', 'COPY multi:1 in ./', 1_357), layer(3, 'ee', 'RUN useradd --system app', 4_292)];
  return {
    schemaVersion: 1,
    workspaceFolder: '/ws',
    configFile: '/ws/.devcontainer/devcontainer.json',
    base: { image: 'debian:bookworm-slim', stage: 'base', devFrom: 'debian:bookworm-slim', prodFrom: 'debian:bookworm-slim' },
    dev: { image: 'vsc-ws-1', imageId: 'sha256:d', target: 'dev', size: 367_000_000, created: '2026-01-01T00:00:00Z', os: 'Debian GNU/Linux 12 (bookworm)', runtimes: { node: 'v18.19.0' }, layers: [...shared, ...devOwn], own: devOwn, ownSize: 50_000_000 },
    prod: { image: 'vsc-ws-1-prod', imageId: 'sha256:p', target: 'prod', size: 317_005_649, created: '2026-01-01T00:00:00Z', os: 'Debian GNU/Linux 12 (bookworm)', runtimes: { node: 'v18.20.4' }, layers: [...shared, ...prodOwn], own: prodOwn, ownSize: 5_649 },
    shared: { layers: shared, size: 317_000_000 },
    runtimes: compareRuntimes({ node: 'v18.19.0' }, { node: 'v18.20.4' }),
    drift: [{ kind: 'dev-container-older', message: 'the dev container runs on an older build', fix: 'berth up --remove-existing-container', steps: [] }],
    warnings: ['node differs: dev has v18.19.0, production has v18.20.4'],
  };
}

