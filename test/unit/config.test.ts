import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const required = {
  REQUESTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/verification-requests",
  INBOUND_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/two-way-sms-inbound",
  DECISIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:verification-decisions",
  ORIGINATION_IDENTITY: "+18885550100",
};

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("applies the contract's defaults", () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      region: "us-east-1",
      endpoints: { sqs: undefined, sns: undefined, sms: undefined },
      redis: { url: "redis://127.0.0.1:6379", clusterNodes: undefined },
      verificationTtlSeconds: 600,
      brandName: "Your bank",
      httpPort: 8080,
      logLevel: "info",
      smsConfigurationSet: undefined,
      smsMaxPartsPerSecond: undefined,
      originationNumber: "+18885550100",
    });
  });

  it.each([
    ["1", 1],
    ["3", 3],
    ["100", 100],
    ["0.2", 0.2],
  ])("reads SMS_MAX_PARTS_PER_SECOND=%s (fractions allowed, as a 10DLC campaign's 0.2)", (value, expected) => {
    expect(loadConfig({ ...required, SMS_MAX_PARTS_PER_SECOND: value }).smsMaxPartsPerSecond).toBe(expected);
  });

  it("reads every variable and lets the service-specific endpoints win over AWS_ENDPOINT_URL", () => {
    const config = loadConfig({
      ...required,
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: "http://127.0.0.1:4577",
      ORIGINATION_IDENTITY: "pool-0123456789abcdef",
      SMS_CONFIGURATION_SET: "fraud",
      REDIS_URL: "rediss://user:secret@cache.example.com:6380/2",
      REDIS_CLUSTER_NODES: "10.0.0.1:6379,10.0.0.2:6380",
      VERIFICATION_TTL_SECONDS: "120",
      BRAND_NAME: "Acme Bank",
      HTTP_PORT: "9090",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      region: "eu-west-1",
      endpoints: { sqs: "http://127.0.0.1:4566", sns: "http://127.0.0.1:4566", sms: "http://127.0.0.1:4577" },
      originationNumber: undefined,
      smsConfigurationSet: "fraud",
      redis: {
        url: "rediss://user:secret@cache.example.com:6380/2",
        clusterNodes: [
          { host: "10.0.0.1", port: 6379 },
          { host: "10.0.0.2", port: 6380 },
        ],
      },
      verificationTtlSeconds: 120,
      brandName: "Acme Bank",
      httpPort: 9090,
      logLevel: "debug",
    });
  });

  it.each([
    [{ REQUESTS_QUEUE_URL: "" }, "invalid configuration: REQUESTS_QUEUE_URL is required"],
    [{ DECISIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:decisions.fifo" }, "DECISIONS_TOPIC_ARN must be a standard (non-FIFO) SNS topic ARN"],
    [{ VERIFICATION_TTL_SECONDS: "10" }, "VERIFICATION_TTL_SECONDS"],
    [{ VERIFICATION_TTL_SECONDS: "ten" }, "VERIFICATION_TTL_SECONDS"],
    [{ HTTP_PORT: "70000" }, "HTTP_PORT"],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL"],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1" }, "REDIS_CLUSTER_NODES must be comma-separated host:port seeds"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ AWS_ENDPOINT_URL_SQS: "not a url" }, "AWS_ENDPOINT_URL_SQS"],
    [{ SMS_MAX_PARTS_PER_SECOND: "0" }, "SMS_MAX_PARTS_PER_SECOND must be at least 0.01 message parts per second"],
    [{ SMS_MAX_PARTS_PER_SECOND: "-3" }, "SMS_MAX_PARTS_PER_SECOND must be at least 0.01"],
    [{ SMS_MAX_PARTS_PER_SECOND: "fast" }, "SMS_MAX_PARTS_PER_SECOND must be a number of message parts per second"],
    [{ SMS_MAX_PARTS_PER_SECOND: "1e6" }, "SMS_MAX_PARTS_PER_SECOND must be at most 10000"],
  ])("refuses %o with one line naming the variable", (override, expected) => {
    const message = errorOf({ ...required, ...override });
    expect(message).toContain(expected);
    expect(message).not.toContain("\n");
  });
});
