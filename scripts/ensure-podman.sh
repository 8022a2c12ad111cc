#!/usr/bin/env bash
# Make sure Podman's Docker-compatible API answers on /run/berth-podman.sock (issue 9): install Debian's
# podman when missing, start `podman system service` when nothing answers there, and copy the two test
# images from Docker into Podman's storage. Idempotent and quick when everything is already in place.
# Afterwards: DOCKER_HOST=unix:///run/berth-podman.sock node scripts/test.mjs integration FILE...
set -euo pipefail

sock=${BERTH_PODMAN_SOCK:-/run/berth-podman.sock}
confdir=${BERTH_PODMAN_DIR:-/var/lib/berth-podman}
images=(berth-test/busybox:latest debian:bookworm-slim)

ping() { curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }

# catatonit is the init Podman runs for `init: true` (Docker's docker-init); Debian does not pull it in.
need=""
command -v podman >/dev/null 2>&1 || need="$need podman"
[ -x /usr/libexec/podman/catatonit ] || need="$need catatonit"
command -v curl >/dev/null 2>&1 || need="$need curl"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then echo "ensure-podman: need root to install:$need" >&2; exit 1; fi
  echo "ensure-podman: installing$need" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

# This machine may not raise rlimits, and podman's default ulimits try to: without this every create fails.
mkdir -p "$confdir"
cat >"$confdir/containers.conf" <<'EOF'
[containers]
default_ulimits = []
EOF
export CONTAINERS_CONF="$confdir/containers.conf"

if ! ping; then
  rm -f "$sock"
  echo "ensure-podman: starting podman system service on $sock (log: $confdir/service.log)" >&2
  # setsid: the service must outlive the shell that started it (CI steps, test runners). cd /: its
  # conmons inherit its working folder, and one that is deleted later (a removed checkout) makes every
  # container start fail with "write child: broken pipe" ("conmon: Failed to get working directory").
  (cd / && exec setsid podman system service --time=0 "unix://$sock" >"$confdir/service.log" 2>&1 </dev/null) &
  ok=""
  for _ in $(seq 1 120); do
    if ping; then ok=1; break; fi
    sleep 0.25
  done
  if [ -z "$ok" ]; then
    echo "ensure-podman: no answer on $sock within 30 s; last log lines:" >&2
    tail -n 20 "$confdir/service.log" >&2 || true
    exit 1
  fi
fi

# Podman names images loaded from a `docker save` docker.io/library/NAME or localhost/NAME; the Docker
# API resolves short names through its search registries, so make sure both forms exist.
missing=()
for img in "${images[@]}"; do
  podman image exists "$img" || missing+=("$img")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-podman: importing ${missing[*]} from Docker" >&2
  docker save "${missing[@]}" | podman load >/dev/null
fi
for img in "${images[@]}"; do
  case "$img" in */*) base=$img ;; *) base=library/$img ;; esac
  for name in "docker.io/$base" "localhost/$img"; do
    podman image exists "$name" || podman tag "$img" "$name"
  done
done
echo "ensure-podman: ready on unix://$sock" >&2
