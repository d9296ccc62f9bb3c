#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io, docker-compose and debootstrap when
# missing, and starts dockerd without iptables (containers get no NAT to the outside; builds that
# need the npm registry use the host's network) when none answers. Storage: overlay2 where the
# kernel has it, else vfs, which works everywhere but copies every layer.
# Prints nothing on stdout except, when it started a daemon, "started-dockerd <pid> <driver>";
# scripts/container/stop-engine.sh stops that daemon.
set -euo pipefail

DOCKERD_ROOT="${DOCKERD_ROOT:-/var/lib/docker-ci}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd-ci.log}"

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

if docker info >/dev/null 2>&1; then exit 0; fi

start_dockerd() {
  local driver=$1 pid
  mkdir -p "$DOCKERD_ROOT/data" "$DOCKERD_ROOT/exec"
  # setsid: the daemon outlives this script and is not in the caller's process group.
  setsid dockerd --host unix:///var/run/docker.sock --storage-driver "$driver" \
    --iptables=false --ip6tables=false \
    --data-root "$DOCKERD_ROOT/data" --exec-root "$DOCKERD_ROOT/exec" --pidfile "$DOCKERD_ROOT/dockerd.pid" \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      echo "$pid" >"$DOCKERD_ROOT/started-by-engine-sh"
      echo "started-dockerd $pid $driver"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

if grep -qw overlay /proc/filesystems && start_dockerd overlay2; then exit 0; fi
echo "engine: overlay2 unavailable, falling back to vfs" >&2
start_dockerd vfs && exit 0
echo "engine: dockerd did not answer; last lines of $DOCKERD_LOG:" >&2
tail -20 "$DOCKERD_LOG" >&2
exit 1
