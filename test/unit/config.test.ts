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
      smsEventsQueueUrl: undefined,
      smsMessageFeedback: false,
      smsProtectConfigurationId: undefined,
      smsMaxPartsPerSecond: undefined,
      originationNumber: "+18885550100",
    });
  });

  it("reads the delivery-receipt variables", () => {
    const config = loadConfig({
      ...required,
      SMS_EVENTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/sms-events",
      SMS_MESSAGE_FEEDBACK: "true",
      SMS_PROTECT_CONFIGURATION_ID: "protect-0123456789abcdef",
    });
    expect(config).toMatchObject({
      smsEventsQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/sms-events",
      smsMessageFeedback: true,
      smsProtectConfigurationId: "protect-0123456789abcdef",
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
    [{ REQUESTS_QUEUE_URL: "" }, "invalid configuration: REQUESTS_QUEUE_URL: is required"],
    [{ DECISIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:decisions.fifo" }, "DECISIONS_TOPIC_ARN: must be a standard (non-FIFO) SNS topic ARN"],
    [{ VERIFICATION_TTL_SECONDS: "10" }, "VERIFICATION_TTL_SECONDS"],
    [{ VERIFICATION_TTL_SECONDS: "ten" }, "VERIFICATION_TTL_SECONDS"],
    [{ HTTP_PORT: "70000" }, "HTTP_PORT"],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL"],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1" }, "REDIS_CLUSTER_NODES: must be comma-separated host:port seeds"],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1:6379,10.0.0.2:65536" }, "REDIS_CLUSTER_NODES: must be comma-separated host:port seeds, each with a port 1–65535"],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1:0" }, "each with a port 1–65535"],
    [{ HTTP_PORT: "abc" }, "HTTP_PORT: must be an integer 1–65535"],
    [{ HTTP_PORT: "80.5" }, "HTTP_PORT: must be an integer 1–65535"],
    [{ HTTP_PORT: "0x50" }, "HTTP_PORT: must be an integer 1–65535"],
    [{ VERIFICATION_TTL_SECONDS: " 60" }, "VERIFICATION_TTL_SECONDS: must be an integer 30–86400"],
    [{ SHUTDOWN_TIMEOUT_SECONDS: "1e2" }, "SHUTDOWN_TIMEOUT_SECONDS: must be an integer 1–600"],
    [{ DECISION_RETENTION_SECONDS: "86399" }, "DECISION_RETENTION_SECONDS: must be an integer 86400–"],
    [{ SMS_MESSAGE_FEEDBACK: "1" }, "SMS_MESSAGE_FEEDBACK: must be true or false"],
    [{ SMS_EVENTS_QUEUE_URL: "sqs-events" }, "SMS_EVENTS_QUEUE_URL: must be an http(s) URL"],
    [{ SMS_PROTECT_CONFIGURATION_ID: "protect config" }, "SMS_PROTECT_CONFIGURATION_ID: must be a protect configuration id"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ AWS_ENDPOINT_URL_SQS: "not a url" }, "AWS_ENDPOINT_URL_SQS"],
    [{ SMS_EVENTS_QUEUE_URL: "sms-events" }, "SMS_EVENTS_QUEUE_URL"],
    [{ SMS_MESSAGE_FEEDBACK: "yes" }, "SMS_MESSAGE_FEEDBACK: must be true or false"],
    [{ SMS_PROTECT_CONFIGURATION_ID: "bad id!" }, "SMS_PROTECT_CONFIGURATION_ID"],
    [{ SMS_MAX_PARTS_PER_SECOND: "0" }, "SMS_MAX_PARTS_PER_SECOND: must be at least 0.01 message parts per second"],
    [{ SMS_MAX_PARTS_PER_SECOND: "-3" }, "SMS_MAX_PARTS_PER_SECOND: must be at least 0.01"],
    [{ SMS_MAX_PARTS_PER_SECOND: "fast" }, "SMS_MAX_PARTS_PER_SECOND: must be a number of message parts per second"],
    [{ SMS_MAX_PARTS_PER_SECOND: "1e6" }, "SMS_MAX_PARTS_PER_SECOND: must be at most 10000"],
  ])("refuses %o with one line naming the variable", (override, expected) => {
    const message = errorOf({ ...required, ...override });
    expect(message).toContain(expected);
    expect(message).not.toContain("\n");
  });

  it.each([
    "redis://admin:hunter2-secret@cache.example.com:99999",
    "redis://admin:hunter2-secret@cache.example.com:6379/hunter2-secret",
    "https://admin:hunter2-secret@cache.example.com:6379",
    "redis://admin:hunter2-secret%zz@cache.example.com:6379",
    "redis://admin:hunter2-secret@:6379",
    "hunter2-secret",
  ])("never repeats any part of a refused REDIS_URL (%#)", (value) => {
    const message = errorOf({ ...required, REDIS_URL: value });
    expect(message).toMatch(/^invalid configuration: REDIS_URL: /);
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("admin");
    expect(message).not.toContain("cache.example.com");
  });

  it("reads the contract v2 variables, with their defaults", () => {
    expect(loadConfig(required)).toMatchObject({
      smsEventsQueueUrl: undefined,
      smsMessageFeedback: false,
      smsProtectConfigurationId: undefined,
      decisionRetentionSeconds: 604_800,
    });
    expect(
      loadConfig({
        ...required,
        SMS_EVENTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/sms-events",
        SMS_MESSAGE_FEEDBACK: "true",
        SMS_PROTECT_CONFIGURATION_ID: "protect-0123456789abcdef",
        DECISION_RETENTION_SECONDS: "86400",
      }),
    ).toMatchObject({
      smsEventsQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/sms-events",
      smsMessageFeedback: true,
      smsProtectConfigurationId: "protect-0123456789abcdef",
      decisionRetentionSeconds: 86_400,
    });
  });

  it("accepts HTTP_PORT=0 (any free port) and the edges of every range", () => {
    expect(loadConfig({ ...required, HTTP_PORT: "0" }).httpPort).toBe(0);
    expect(loadConfig({ ...required, HTTP_PORT: "65535" }).httpPort).toBe(65_535);
    expect(loadConfig({ ...required, REDIS_CLUSTER_NODES: "a:1,b:65535" }).redis.clusterNodes).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 65_535 },
    ]);
    expect(loadConfig({ ...required, REDIS_URL: "rediss://user:p%40ss@cache.example.com:6380/15" }).redis.url).toBe(
      "rediss://user:p%40ss@cache.example.com:6380/15",
    );
  });
});
