import { z } from "zod";

const e164 = /^\+[1-9]\d{7,14}$/;

const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable of the contract's "Configuration" table; nothing else is read from the environment. */
export const configSchema = z.object({
  AWS_REGION: z.string().min(1).default("us-east-1").describe("region for every client"),
  AWS_ENDPOINT_URL: optionalUrl.describe("endpoint override for every AWS client (emulators)"),
  AWS_ENDPOINT_URL_SQS: optionalUrl.describe("SQS endpoint override; queue URLs' hosts are then ignored"),
  AWS_ENDPOINT_URL_SNS: optionalUrl.describe("SNS endpoint override"),
  AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: optionalUrl.describe("Pinpoint SMS Voice v2 endpoint override"),
  REQUESTS_QUEUE_URL: z.url().describe("SQS queue of verification requests and cancellations"),
  INBOUND_QUEUE_URL: z.url().describe("SQS queue subscribed to the two-way SMS SNS topic"),
  DECISIONS_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be a standard (non-FIFO) SNS topic ARN")
    .describe("SNS topic that receives decision events"),
  ORIGINATION_IDENTITY: z
    .string()
    .regex(/^[A-Za-z0-9_:/+.-]{1,256}$/, "must be an E.164 number, phone number id/ARN, pool id/ARN or sender id")
    .describe("identity SMS are sent from"),
  SMS_CONFIGURATION_SET: z.string().min(1).max(256).optional().describe("ConfigurationSetName for SendTextMessage"),
  SMS_MAX_PARTS_PER_SECOND: z.coerce
    .number({ error: "must be a number of message parts per second, e.g. 1, 3 or 100" })
    .min(0.01, "must be at least 0.01 message parts per second")
    .max(10_000, "must be at most 10000 message parts per second")
    .optional()
    .describe("the origination identity's send rate in message parts per second (fractions allowed: 0.2); unset = no pacing"),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default("redis://127.0.0.1:6379")
    .describe("redis:// or rediss:// URL"),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,:\s]+:\d{1,5}(,[^,:\s]+:\d{1,5})*$/, "must be comma-separated host:port seeds")
    .optional()
    .describe("Redis Cluster seeds; switches to cluster mode"),
  VERIFICATION_TTL_SECONDS: positiveInt(30, 86_400).default(600).describe("default reply window in seconds"),
  DECISION_RETENTION_SECONDS: positiveInt(86_400, 366 * 86_400)
    .default(604_800)
    .describe("how long a decided verification and its idempotency record are kept"),
  BRAND_NAME: z.string().trim().min(1).max(40).default("Your bank").describe("sender name at the start of every SMS"),
  HTTP_PORT: positiveInt(0, 65_535).default(8080).describe("operations HTTP port"),
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt(1, 600)
    .default(25)
    .describe("how long a stop waits for in-flight messages before releasing them"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino level"),
});

export type Env = z.infer<typeof configSchema>;

export interface Config {
  region: string;
  endpoints: { sqs: string | undefined; sns: string | undefined; sms: string | undefined };
  requestsQueueUrl: string;
  inboundQueueUrl: string;
  decisionsTopicArn: string;
  originationIdentity: string;
  /** The E.164 number replies must be addressed to, when the origination identity is a number. */
  originationNumber: string | undefined;
  smsConfigurationSet: string | undefined;
  /** SMS_MAX_PARTS_PER_SECOND: every worker together sends at most this many message parts a second. */
  smsMaxPartsPerSecond: number | undefined;
  redis: { url: string; clusterNodes: Array<{ host: string; port: number }> | undefined };
  verificationTtlSeconds: number;
  decisionRetentionSeconds: number;
  brandName: string;
  httpPort: number;
  shutdownTimeoutSeconds: number;
  logLevel: Env["LOG_LEVEL"];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join(".") ?? "environment";
    // A present value that is not even of the right type (a number that is not one) is invalid, not missing.
    const problem = issue?.code === "invalid_type" && !Object.hasOwn(present, variable) ? "is required" : issue?.message;
    throw new ConfigError(`invalid configuration: ${variable} ${problem ?? "is invalid"}`);
  }
  return toConfig(parsed.data);
}

function toConfig(env: Env): Config {
  return {
    region: env.AWS_REGION,
    endpoints: {
      sqs: env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL,
      sns: env.AWS_ENDPOINT_URL_SNS ?? env.AWS_ENDPOINT_URL,
      sms: env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 ?? env.AWS_ENDPOINT_URL,
    },
    requestsQueueUrl: env.REQUESTS_QUEUE_URL,
    inboundQueueUrl: env.INBOUND_QUEUE_URL,
    decisionsTopicArn: env.DECISIONS_TOPIC_ARN,
    originationIdentity: env.ORIGINATION_IDENTITY,
    originationNumber: e164.test(env.ORIGINATION_IDENTITY) ? env.ORIGINATION_IDENTITY : undefined,
    smsConfigurationSet: env.SMS_CONFIGURATION_SET,
    smsMaxPartsPerSecond: env.SMS_MAX_PARTS_PER_SECOND,
    redis: {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES?.split(",").map((seed) => {
        const [host = "", port = ""] = seed.split(":");
        return { host, port: Number(port) };
      }),
    },
    verificationTtlSeconds: env.VERIFICATION_TTL_SECONDS,
    decisionRetentionSeconds: env.DECISION_RETENTION_SECONDS,
    brandName: env.BRAND_NAME,
    httpPort: env.HTTP_PORT,
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
    logLevel: env.LOG_LEVEL,
  };
}
