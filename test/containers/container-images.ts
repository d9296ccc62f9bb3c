// Which images the container tests run, and whether an engine and those images are here. The tests
// never pull: outside CI they skip when something is missing; under CI=true that is a failure.
import { execFileSync } from "node:child_process";

export const images = {
  /** The production image, built from the Dockerfile's default target. */
  service: process.env.SERVICE_IMAGE ?? "sms-fraud-verification:local",
  /** The SNS/SQS emulator of deploy/emulator. */
  emulator: process.env.EMULATOR_IMAGE ?? "sms-fraud-verification-emulator:local",
  redis: process.env.REDIS_IMAGE ?? firstPresent(["local/redis:7-bookworm", "redis:7-alpine"]) ?? "redis:7-alpine",
};

export type Availability = { ok: true } | { ok: false; reason: string };

function imagePresent(image: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", image], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function firstPresent(candidates: string[]): string | undefined {
  return candidates.find(imagePresent);
}

export function containerAvailability(): Availability {
  try {
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "ignore", timeout: 10_000 });
  } catch {
    return { ok: false, reason: "no Docker engine answers (see scripts/container/engine.sh)" };
  }
  const missing = Object.values(images).filter((image) => !imagePresent(image));
  if (missing.length > 0) {
    return { ok: false, reason: `images not built: ${missing.join(", ")} (see scripts/container/ci.sh)` };
  }
  return { ok: true };
}
