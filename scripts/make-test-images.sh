#!/usr/bin/env bash
# Build the images Berth's tests use, without any registry:
#   berth-test/busybox:latest  (~2 MB, from Debian's busybox-static)
#   debian:bookworm-slim       (~200 MB, debootstrap minbase; only when that tag cannot be pulled)
# Idempotent: an image that exists is left alone.
set -euo pipefail

have() { docker image inspect "$1" >/dev/null 2>&1; }
apt_install() {
  local need=""
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done
  [ -z "$need" ] && return 0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
}

if ! have berth-test/busybox:latest; then
  apt_install busybox-static
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root" "$root/home"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["sh"]' - berth-test/busybox:latest >/dev/null
  rm -rf "$root"
  echo "make-test-images: built berth-test/busybox:latest" >&2
fi

if ! have debian:bookworm-slim; then
  if ! timeout 20 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
    apt_install debootstrap
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    root=$(mktemp -d)
    echo "make-test-images: debootstrap bookworm from $mirror (about a minute)" >&2
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/berth-debootstrap.log 2>&1 \
      || { tail -n 20 /tmp/berth-debootstrap.log >&2; exit 1; }
    rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
    tar -C "$root" -c . | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
    rm -rf "$root"
    echo "make-test-images: built debian:bookworm-slim locally" >&2
  fi
fi
