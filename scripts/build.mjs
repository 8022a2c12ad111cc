// Bundles the extension and the CLI with esbuild. Type-checking is separate (`npm run typecheck`).
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD entry requires its files dynamically, which a bundle cannot follow: take the ESM build.
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  // dockerode -> ssh2 -> cpu-features and an optional native crypto binding: ssh2 falls back to pure JS
  // when they are absent, so they stay out of the bundle.
  external: ['vscode', 'cpu-features', '*.node'],
  logLevel: 'warning',
  legalComments: 'none',
  define: { BERTH_VERSION: JSON.stringify(version) },
};

const targets = [
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  chmodSync('dist/cli.js', 0o755);
  for (const f of ['dist/extension.js', 'dist/cli.js']) {
    console.log(`esbuild: ${f} ${(statSync(f).size / 1024).toFixed(0)} KiB`);
  }
}
