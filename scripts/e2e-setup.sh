#!/usr/bin/env bash
# Installs what `npm run test:e2e` and `npm run vscode` need, cached by version outside the repository:
#   - Debian packages: chromium (the browser playwright drives), ripgrep, headers for code-server's native modules;
#   - code-server (a real VS Code 1.100 server whose extension host runs on this Node 20);
#   - playwright-core (the browser driver; it downloads no browser, we point it at /usr/bin/chromium).
# Idempotent: a second run only checks and exits in about a second.
#   BERTH_E2E_CACHE  cache folder (default ~/.cache/berth-e2e)
# Prints nothing but progress on stderr; the last stdout line is the cache folder.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # the last code-server that runs on Node 20 and honours the test `payload`
PLAYWRIGHT_VERSION=1.65.1
CACHE=${BERTH_E2E_CACHE:-$HOME/.cache/berth-e2e}
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
PW_DIR="$CACHE/playwright-core-$PLAYWRIGHT_VERSION"
say() { echo "e2e-setup: $*" >&2; }
t0=$(date +%s)

# 1. Debian packages. The build ones are for code-server's native modules (kerberos, node-pty, spdlog, ...).
need=""
for p in chromium ripgrep build-essential python3 pkg-config libx11-dev libxkbfile-dev libsecret-1-dev libkrb5-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then say "need root to install:$need"; exit 1; fi
  say "installing Debian packages:$need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# 2. code-server. The marker is written last, so an interrupted install is redone from scratch.
if [ ! -f "$CS_DIR/.complete" ]; then
  say "installing code-server $CODE_SERVER_VERSION into $CS_DIR (native builds: a few minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR/tmp" "$CS_DIR/rg"
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here: it first looks in
  # $TMPDIR/vscode-ripgrep-cache-<its version>/ for the archive, so we put Debian's rg there.
  cp /usr/bin/rg "$CS_DIR/rg/rg"
  rg_cache="$CS_DIR/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$CS_DIR/rg" rg
  # unsafe_perm: code-server's postinstall refuses to run as root without it; yes: node-pty's build calls npx;
  # nodedir: build native modules against the system Node's headers instead of downloading them.
  TMPDIR="$CS_DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
    npm install --prefix "$CS_DIR" --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  pty="$CS_DIR/node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node"
  if [ ! -f "$pty" ]; then say "code-server installed without node-pty ($pty missing)"; exit 1; fi
  rm -rf "$CS_DIR/tmp" "$CS_DIR/rg"
  touch "$CS_DIR/.complete"
fi

# 3. playwright-core (no browser download: it only speaks the DevTools protocol to Debian's chromium).
if [ ! -f "$PW_DIR/.complete" ]; then
  say "installing playwright-core $PLAYWRIGHT_VERSION into $PW_DIR"
  rm -rf "$PW_DIR"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$PW_DIR" --no-audit --no-fund --no-save --loglevel=error \
    "playwright-core@$PLAYWRIGHT_VERSION" >&2
  touch "$PW_DIR/.complete"
fi

say "ready in $(( $(date +%s) - t0 )) s (code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1))"
echo "$CACHE"
