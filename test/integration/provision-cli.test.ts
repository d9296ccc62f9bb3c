import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { SMS_NUMBER, startProvisionHarness, VOICE_NUMBER } from "../support/provision-harness.ts";
import type { ProvisionHarness } from "../support/provision-harness.ts";

let account: ProvisionHarness;

beforeAll(async () => {
  account = await startProvisionHarness();
});

afterAll(async () => {
  await account.stop();
});

/** `npm run provision` runs exactly this: provision/main.ts on the pinned Node.js. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["provision/main.ts", ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL: account.fauxqs.address,
          AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: account.sandbox.url,
          AWS_ENDPOINT_URL_KMS: account.kms.url,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm run provision", () => {
  it("exits 2 with the usage on a bad command line", async () => {
    const { code, stderr } = await cli(["--keyword", "JOIN=hi"]);

    expect(code).toBe(2);
    expect(stderr).toContain("--phone-number is required");
    expect(stderr).toContain("usage: npm run provision");
  });

  it("exits 1 on a refusal, with the reason on stderr and nothing on stdout", async () => {
    const { code, stdout, stderr } = await cli(["--phone-number", VOICE_NUMBER.phoneNumberId]);

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/refuse\s+phone number \+18885550199\s+its SMS capability is not enabled/);
  });

  it("prints the plan on stderr and, on stdout, an environment the service starts with", async () => {
    const { code, stdout, stderr } = await cli(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(code).toBe(0);
    expect(stderr).toMatch(/^create\s+sqs queue verification-requests\s/m);
    const env = Object.fromEntries(stdout.trim().split("\n").map((line) => line.split(/=(.*)/s, 2) as [string, string]));
    expect(Object.keys(env).sort()).toEqual(["AWS_REGION", "DECISIONS_TOPIC_ARN", "INBOUND_QUEUE_URL", "ORIGINATION_IDENTITY", "REQUESTS_QUEUE_URL"]);
    expect(() => loadConfig(env)).not.toThrow();
  });
});
