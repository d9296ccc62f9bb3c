#!/usr/bin/env bash
# Builds the local base images that stand in for the official ones on machines that reach no image
# registry: a Debian bookworm rootfs (debootstrap), Node.js 24 from the npm registry's `node` package
# (the binary the project pins), npm from the `npm` package, and Redis from Debian's packages.
# Each image is built only when it is missing (the node one also when the pinned Node.js changed).
# The images carry local names, never official ones, and trust the CA bundle the host's npm uses
# (`npm config get cafile`), so `npm ci` inside a build works behind a TLS-inspecting proxy.
# Prints the names to pass on, as NODE_IMAGE=... and REDIS_IMAGE=... lines.
set -euo pipefail
cd "$(dirname "$0")/../.."

DEBIAN_IMAGE="${LOCAL_DEBIAN_IMAGE:-local/debian:bookworm-minbase}"
NODE_IMAGE="${LOCAL_NODE_IMAGE:-local/node:24-bookworm}"
REDIS_IMAGE="${LOCAL_REDIS_IMAGE:-local/redis:7-bookworm}"
NPM_MAJOR=11
CA_IN_IMAGE=/usr/local/share/host-ca/ca-bundle.crt
here=scripts/container

exists() { docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "base-images: $*" >&2; }

debian_mirror() {
  # The Debian URI apt uses on this host (deb822 sources first, then one-line sources).
  local uri
  uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

host_cafile() {
  local cafile
  cafile=$(npm config get cafile 2>/dev/null || true)
  if [ -z "$cafile" ] || [ "$cafile" = "null" ] || [ "$cafile" = "undefined" ] || [ ! -f "$cafile" ]; then
    echo "base-images: npm has no cafile set; the images trust only their own CAs" >&2
    return 0
  fi
  echo "$cafile"
}

build_debian() {
  local work root cafile
  work=$(mktemp -d)
  root="$work/rootfs"
  log "debootstrap bookworm (minbase) from $(debian_mirror)"
  debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; rm -rf "$work"; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  mkdir -p "$root$(dirname "$CA_IN_IMAGE")"
  cafile=$(host_cafile)
  if [ -n "$cafile" ]; then cp "$cafile" "$root$CA_IN_IMAGE"; else : >"$root$CA_IN_IMAGE"; fi
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "ENV NODE_EXTRA_CA_CERTS=$CA_IN_IMAGE" \
    -c "ENV npm_config_cafile=$CA_IN_IMAGE" \
    -c 'CMD ["bash"]' \
    - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$work"
}

build_node() {
  local context node_bin
  node_bin=node_modules/node/bin/node
  [ -x "$node_bin" ] || { log "run npm ci first: $node_bin (the pinned Node.js) is missing"; return 1; }
  context=$(mktemp -d)
  cp "$node_bin" "$context/node"
  (cd "$context" && npm pack "npm@$NPM_MAJOR" --silent >/dev/null && mkdir npm && tar -xzf npm-*.tgz -C npm --strip-components=1 && rm npm-*.tgz)
  docker build -q --network host --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" \
    --label "local.node.version=$("$node_bin" --version)" \
    -f "$here/node-base.Dockerfile" -t "$NODE_IMAGE" "$context" >/dev/null
  rm -rf "$context"
}

build_redis() {
  local context
  context=$(mktemp -d)
  docker build -q --network host --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" \
    -f "$here/redis-base.Dockerfile" -t "$REDIS_IMAGE" "$context" >/dev/null
  rm -rf "$context"
}

# The node image is current when it carries the Node.js version the project pins.
node_current() {
  local pinned
  pinned=$(node_modules/node/bin/node --version 2>/dev/null) || return 1
  [ "$(docker image inspect -f '{{index .Config.Labels "local.node.version"}}' "$NODE_IMAGE" 2>/dev/null)" = "$pinned" ]
}

export DOCKER_BUILDKIT=0
node_current && exists "$REDIS_IMAGE" || { exists "$DEBIAN_IMAGE" || { build_debian; log "built $DEBIAN_IMAGE"; }; }
if node_current; then log "$NODE_IMAGE exists, kept"; else build_node; log "built $NODE_IMAGE"; fi
if exists "$REDIS_IMAGE"; then log "$REDIS_IMAGE exists, kept"; else build_redis; log "built $REDIS_IMAGE"; fi
echo "NODE_IMAGE=$NODE_IMAGE"
echo "REDIS_IMAGE=$REDIS_IMAGE"
