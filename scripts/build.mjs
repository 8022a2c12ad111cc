// Bundles the extension and the CLI with esbuild. Type-checking is separate (`npm run typecheck`).
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// dockerode loads ssh2 (for ssh:// engines) and a gRPC + protobuf stack (for BuildKit sessions) as it
// loads: 1.4 MB of code and 40-100 ms before Berth's first engine call, which uses neither unless the
// engine is ssh://. These requires become calls made on first use. Each rewrite must match: a dockerode
// upgrade that changes these lines fails the build instead of quietly loading them up front again.
const LAZY_REQUIRES = [
  { file: /docker-modem[\\/]lib[\\/]modem\.js$/, from: "ssh = require('./ssh'),", to: "ssh = function () { return require('./ssh').apply(this, arguments); }," },
  { file: /dockerode[\\/]lib[\\/]docker\.js$/, from: "withSession = require('./session'),", to: "withSession = function () { return require('./session').apply(this, arguments); }," },
];

/** @type {import('esbuild').Plugin} */
const lazyRequires = {
  name: 'lazy-requires',
  setup(build) {
    for (const { file, from, to } of LAZY_REQUIRES) {
      build.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(from)) throw new Error(`lazy-requires: ${args.path} no longer contains ${from}; update scripts/build.mjs`);
        return { contents: source.replace(from, to), loader: 'js' };
      });
    }
  },
};

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
  plugins: [lazyRequires],
};

// dockerode (with docker-modem, ssh2, gRPC) is ~1 MB of the bundles, yet only tcp, TLS and ssh engines
// use it: a local socket is spoken to with node:http. It is built once as dist/dockerode.js and
// required from there on first use, so every CLI start and the extension's activation skip reading it.
/** @type {import('esbuild').Plugin} */
const dockerodeApart = {
  name: 'dockerode-apart',
  setup(build) {
    build.onResolve({ filter: /^dockerode$/ }, () => ({ path: './dockerode.js', external: true }));
  },
};

const targets = [
  { ...common, entryPoints: { dockerode: 'node_modules/dockerode/lib/docker.js' }, outdir: 'dist', sourcemap: false },
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', plugins: [...common.plugins, dockerodeApart] },
  // The CLI is two files: dist/cli.js, a small launcher that loads dist/cli-main.js (the bundle)
  // through V8's code cache, so a start skips most of compiling 2 MB of JavaScript. Whitespace and
  // syntax are minified even in dev builds (names are kept): ~10 ms less per start to read and run
  // the bundle. `node --enable-source-maps dist/cli.js` maps stack traces back to the sources.
  { ...common, entryPoints: { 'cli-main': 'src/cli/main.ts' }, outdir: 'dist', minifyWhitespace: true, minifySyntax: true, plugins: [...common.plugins, dockerodeApart] },
  { ...common, entryPoints: { cli: 'src/cli/launcher.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, sourcemap: false },
];

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  chmodSync('dist/cli.js', 0o755);
  for (const f of ['dist/extension.js', 'dist/cli.js', 'dist/cli-main.js', 'dist/dockerode.js']) {
    console.log(`esbuild: ${f} ${(statSync(f).size / 1024).toFixed(0)} KiB`);
  }
}
