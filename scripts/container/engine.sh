#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io, docker-compose and debootstrap when
# missing, and starts dockerd (vfs storage, no iptables: what works on these machines) when none answers.
# Prints nothing on stdout except, when it started a daemon, the line "started-dockerd <pid>".
set -euo pipefail

DOCKERD_ROOT="${DOCKERD_ROOT:-/var/lib/docker-vfs}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd-vfs.log}"
DOCKERD_PIDFILE="${DOCKERD_PIDFILE:-/run/dockerd-vfs.pid}"

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

mkdir -p "$DOCKERD_ROOT/data" "$DOCKERD_ROOT/exec"
# setsid: the daemon outlives this script and is not in the caller's process group.
setsid dockerd --host unix:///var/run/docker.sock --storage-driver vfs \
  --iptables=false --ip6tables=false \
  --data-root "$DOCKERD_ROOT/data" --exec-root "$DOCKERD_ROOT/exec" --pidfile "$DOCKERD_PIDFILE" \
  >"$DOCKERD_LOG" 2>&1 < /dev/null &
pid=$!
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "$pid" >"$DOCKERD_ROOT/started-by-engine-sh"
    echo "started-dockerd $pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
echo "dockerd did not answer; last lines of $DOCKERD_LOG:" >&2
tail -20 "$DOCKERD_LOG" >&2
exit 1
