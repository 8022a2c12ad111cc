#!/usr/bin/env bash
# Make sure Debian's docker-registry (the CNCF distribution registry) is installed: the Feature tests
# start their own on 127.0.0.1 with a temporary storage folder. Idempotent; needs root to install.
set -euo pipefail
if command -v docker-registry >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "ensure-registry: need root to install docker-registry" >&2; exit 1; fi
echo "ensure-registry: installing docker-registry" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
# The package may start a registry of its own on :5000 where an init system runs; the tests don't use it.
command -v docker-registry >/dev/null
