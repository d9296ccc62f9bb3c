import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["src/main.ts"], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("start-up", () => {
  it("stops with exit status 1 and one line naming a missing variable", async () => {
    const { code, stderr } = await runMain({ INBOUND_QUEUE_URL: "http://127.0.0.1:1/q" });
    expect(code).toBe(1);
    expect(stderr).toBe("invalid configuration: REQUESTS_QUEUE_URL is required\n");
  });

  it("names a variable with a bad value", async () => {
    const { code, stderr } = await runMain({
      REQUESTS_QUEUE_URL: "http://127.0.0.1:1/000000000000/requests",
      INBOUND_QUEUE_URL: "http://127.0.0.1:1/000000000000/inbound",
      DECISIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:000000000000:decisions",
      ORIGINATION_IDENTITY: "+18885550100",
      VERIFICATION_TTL_SECONDS: "5",
    });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^invalid configuration: VERIFICATION_TTL_SECONDS /);
  });
});
