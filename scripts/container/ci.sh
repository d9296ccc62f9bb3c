#!/usr/bin/env bash
# The container part of CI: a Docker engine (installed and started when none answers), the local base
# images, the service, SMS sandbox and emulator images, then the compose stack up and its smoke test.
# The testcontainers tests (test/containers) run afterwards with the rest of the suite, on these images.
# Prints how long each part took; NODE_IMAGE / REDIS_IMAGE override the local base images.
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$SECONDS
lap() { echo "containers: $1 ($((SECONDS - t0)) s since start)"; }

engine=$(bash scripts/container/engine.sh)
[ -n "$engine" ] && echo "containers: $engine (stop it with scripts/container/stop-engine.sh)"
lap "engine answers: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}')"

if [ -z "${NODE_IMAGE:-}" ] || [ -z "${REDIS_IMAGE:-}" ]; then
  eval "$(bash scripts/container/base-images.sh)"
fi
export NODE_IMAGE REDIS_IMAGE
lap "base images: $NODE_IMAGE, $REDIS_IMAGE"

# The classic builder: BuildKit would try to pull its frontend image, and no registry is reachable.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-fv-ci}"
free_port() { npx --no-install node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
SERVICE_PORT=$(free_port) EMULATOR_PORT=$(free_port) SMS_SANDBOX_PORT=$(free_port)
export SERVICE_PORT EMULATOR_PORT SMS_SANDBOX_PORT

docker-compose down -v --remove-orphans >/dev/null 2>&1 || true
docker-compose build
lap "images built"

service_image=sms-fraud-verification:local
image_mb=$(( $(docker image inspect -f '{{.Size}}' "$service_image") / 1000000 ))
base_mb=$(( $(docker image inspect -f '{{.Size}}' "$NODE_IMAGE") / 1000000 ))
deps=$(docker run --rm --entrypoint du "$service_image" -sh /app/node_modules | cut -f1)
dist=$(docker run --rm --entrypoint ls "$service_image" /app/dist | tr '\n' ' ')
echo "containers: $service_image is $image_mb MB ($base_mb MB of it the base $NODE_IMAGE); production node_modules $deps"
echo "containers: dist/ holds: $dist"

cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then docker-compose logs --no-color --tail=80 || true; fi
  docker-compose down -v --remove-orphans >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

docker-compose up -d
for _ in $(seq 1 120); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$(docker-compose ps -q service)" 2>/dev/null || echo starting)
  [ "$health" = healthy ] && break
  [ "$health" = unhealthy ] && { echo "containers: the service is unhealthy" >&2; exit 1; }
  sleep 1
done
[ "$health" = healthy ] || { echo "containers: the service did not become healthy" >&2; exit 1; }
lap "stack up: $(docker-compose ps --services | tr '\n' ' ')on 127.0.0.1 ports service $SERVICE_PORT, emulator $EMULATOR_PORT, sandbox $SMS_SANDBOX_PORT"

SERVICE_CONTAINER=$(docker-compose ps -q service) npx --no-install node scripts/container/smoke.ts
lap "smoke test passed"
