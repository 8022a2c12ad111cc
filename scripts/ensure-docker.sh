#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine (Debian): install docker.io and docker-compose when
# missing, start dockerd when nothing answers on the socket, and wait for /_ping. Idempotent and quick
# when the engine already runs. Honours DOCKER_HOST=unix://PATH (only unix sockets are started here).
set -euo pipefail

sock=/var/run/docker.sock
case "${DOCKER_HOST:-}" in
  unix://*) sock=${DOCKER_HOST#unix://} ;;
  "") ;;
  *) echo "ensure-docker: DOCKER_HOST=$DOCKER_HOST is not a local socket; assuming that engine is managed elsewhere" >&2; exit 0 ;;
esac

ping() { curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }

# The tools first (Compose too, even when an engine already answers), then the daemon.
need=""
command -v dockerd >/dev/null 2>&1 || need="$need docker.io"
command -v docker-compose >/dev/null 2>&1 || need="$need docker-compose"
command -v curl >/dev/null 2>&1 || need="$need curl"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then echo "ensure-docker: need root to install:$need" >&2; exit 1; fi
  echo "ensure-docker: installing$need" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

if ping; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "ensure-docker: no engine answers on $sock and starting dockerd needs root" >&2; exit 1
fi
logdir=${BERTH_DOCKERD_LOG_DIR:-/var/log}
mkdir -p "$logdir"
echo "ensure-docker: starting dockerd (log: $logdir/berth-dockerd.log)" >&2
# setsid: the daemon must outlive the shell that started it (CI steps, test runners).
setsid dockerd --host "unix://$sock" >"$logdir/berth-dockerd.log" 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  if ping; then echo "ensure-docker: engine ready" >&2; exit 0; fi
  sleep 0.25
done
echo "ensure-docker: dockerd did not answer within 30 s; last log lines:" >&2
tail -n 20 "$logdir/berth-dockerd.log" >&2 || true
exit 1
