import { defineConfig } from "vitest/config";

const chaos = "test/chaos/**/*.test.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The emulator and the SMS sandbox accept any credentials; the SDK only needs some to sign.
    env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" },
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"], exclude: [chaos] } },
      // The chaos tests time the contract's 5 s bounds with several service processes of their own:
      // they run as a group of their own, one file at a time, with no other test file competing for
      // the cores (vitest runs the groups one after the other).
      { extends: true, test: { name: "chaos", include: [chaos], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
