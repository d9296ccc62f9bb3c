import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** `src/main.ts` as production starts it: a separate process configured only by its environment. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["src/main.ts"], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

const required = {
  REQUESTS_QUEUE_URL: "http://127.0.0.1:1/000000000000/requests",
  INBOUND_QUEUE_URL: "http://127.0.0.1:1/000000000000/inbound",
  DECISIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:000000000000:decisions",
  ORIGINATION_IDENTITY: "+18885550100",
};

const PASSWORD = "s3cret-Pa55word";

describe("start-up", () => {
  it("stops with exit status 1 and one line naming a missing variable", async () => {
    const { code, stderr } = await runMain({ INBOUND_QUEUE_URL: "http://127.0.0.1:1/q" });
    expect(code).toBe(1);
    expect(stderr).toBe("invalid configuration: REQUESTS_QUEUE_URL: is required\n");
  });

  it("names a variable with a bad value", async () => {
    const { code, stderr } = await runMain({ ...required, VERIFICATION_TTL_SECONDS: "5" });
    expect(code).toBe(1);
    expect(stderr).toBe("invalid configuration: VERIFICATION_TTL_SECONDS: must be an integer 30–86400\n");
  });

  it("says what is wrong with a present value, never that it is required (HTTP_PORT=abc)", async () => {
    const { code, stderr } = await runMain({ ...required, HTTP_PORT: "abc" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^invalid configuration: HTTP_PORT: must be an integer 1–65535\b[^\n]*\n$/);
    expect(stderr).not.toContain("required");
  });

  it.each([
    ["a port out of range", "10.0.0.1:6379,10.0.0.2:70000"],
    ["port 0", "10.0.0.1:0"],
    ["a missing port", "10.0.0.1:6379,10.0.0.2"],
  ])("checks every REDIS_CLUSTER_NODES port (%s)", async (_case, nodes) => {
    const { code, stderr } = await runMain({ ...required, REDIS_CLUSTER_NODES: nodes });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^invalid configuration: REDIS_CLUSTER_NODES: [^\n]*port 1–65535[^\n]*\n$/);
  });

  it.each([
    ["a bad port", `redis://admin:${PASSWORD}@cache.example.com:99999/0`],
    ["a database that is not a number", `redis://admin:${PASSWORD}@cache.example.com:6379/${PASSWORD}`],
    ["a wrong scheme", `http://admin:${PASSWORD}@cache.example.com:6379`],
    ["a password that is not valid percent-encoding", `redis://admin:${PASSWORD}%zz@cache.example.com:6379`],
    ["no host", `redis://admin:${PASSWORD}@:6379`],
  ])("never echoes the password of a bad REDIS_URL (%s)", async (_case, url) => {
    const { code, stderr } = await runMain({ ...required, REDIS_URL: url });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^invalid configuration: REDIS_URL: [^\n]+\n$/);
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain("admin");
  });

  it.each([
    [{ SMS_MESSAGE_FEEDBACK: "yes" }, "SMS_MESSAGE_FEEDBACK: must be true or false"],
    [{ DECISION_RETENTION_SECONDS: "3600" }, "DECISION_RETENTION_SECONDS: must be an integer 86400–"],
    [{ SMS_EVENTS_QUEUE_URL: "not a url" }, "SMS_EVENTS_QUEUE_URL: must be an http(s) URL"],
    [{ SMS_PROTECT_CONFIGURATION_ID: "x".repeat(300) }, "SMS_PROTECT_CONFIGURATION_ID: "],
  ])("validates the contract v2 variables: %o", async (override, expected) => {
    const { code, stderr } = await runMain({ ...required, ...override });
    expect(code).toBe(1);
    expect(stderr.startsWith(`invalid configuration: ${expected}`), stderr).toBe(true);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
