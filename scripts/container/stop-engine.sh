#!/usr/bin/env bash
# Stops the dockerd that engine.sh started, by its pid; leaves alone an engine it did not start.
set -euo pipefail
marker="${DOCKERD_ROOT:-/var/lib/docker-ci}/started-by-engine-sh"
[ -f "$marker" ] || exit 0
pid=$(cat "$marker")
rm -f "$marker"
# A stale marker (the daemon ended with its session) may name a pid reused by another process.
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || exit 0
kill -TERM "$pid"
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 1; done
echo "stop-engine: dockerd $pid still running after 30 s" >&2
