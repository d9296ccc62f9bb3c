import { z } from "zod";

const e164 = /^\+[1-9]\d{7,14}$/;

// Every rule below is worded without the value it refuses: a value may hold a secret (REDIS_URL's password).

/** A whole number in [min, max]; `rule` is the whole message, so it can mention a special value such as 0. */
const integer = (min: number, max: number, rule = `must be an integer ${min}–${max}`) =>
  z.string().regex(/^\d{1,16}$/, rule).transform(Number).pipe(z.number().min(min, rule).max(max, rule));

const url = z.url({ error: "must be a URL" });
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const boolean = z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true");

const REDIS_URL_RULE = "must be redis://[user:password@]host[:port][/db] or rediss://…, user and password percent-encoded";

/** What is wrong with a Redis URL, in words that never repeat any part of it; null when nothing is. */
function redisUrlProblem(value: string): string | null {
  if (!URL.canParse(value)) return REDIS_URL_RULE;
  const parsed = new URL(value);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") return "must start with redis:// or rediss://";
  if (parsed.hostname === "") return "must name a host";
  if (!/^(\/\d{0,5})?$/.test(parsed.pathname)) return "the database after the host must be a number (/0)";
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    return "user and password must be percent-encoded";
  }
  return null;
}

const redisUrl = z.string().check((ctx) => {
  const problem = redisUrlProblem(ctx.value);
  if (problem !== null) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

const CLUSTER_SEED = /^([^,:\s]+):(\d{1,5})$/;
const clusterNodes = z
  .string()
  .refine(
    (value) =>
      value.split(",").every((seed) => {
        const port = Number(CLUSTER_SEED.exec(seed)?.[2] ?? Number.NaN);
        return port >= 1 && port <= 65_535;
      }),
    "must be comma-separated host:port seeds, each with a port 1–65535",
  );

/** Every variable of the contract's "Configuration" table; nothing else is read from the environment. */
export const configSchema = z.object({
  AWS_REGION: z.string().min(1).default("us-east-1").describe("region for every client"),
  AWS_ENDPOINT_URL: httpUrl.optional().describe("endpoint override for every AWS client (emulators)"),
  AWS_ENDPOINT_URL_SQS: httpUrl.optional().describe("SQS endpoint override; queue URLs' hosts are then ignored"),
  AWS_ENDPOINT_URL_SNS: httpUrl.optional().describe("SNS endpoint override"),
  AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: httpUrl.optional().describe("Pinpoint SMS Voice v2 endpoint override"),
  REQUESTS_QUEUE_URL: url.describe("SQS queue of verification requests and cancellations"),
  INBOUND_QUEUE_URL: url.describe("SQS queue subscribed to the two-way SMS SNS topic"),
  DECISIONS_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be a standard (non-FIFO) SNS topic ARN")
    .describe("SNS topic that receives decision events"),
  ORIGINATION_IDENTITY: z
    .string()
    .regex(/^[A-Za-z0-9_:/+.-]{1,256}$/, "must be an E.164 number, phone number id/ARN, pool id/ARN or sender id")
    .describe("identity SMS are sent from"),
  SMS_CONFIGURATION_SET: z.string().min(1).max(256).optional().describe("ConfigurationSetName for SendTextMessage"),
  SMS_EVENTS_QUEUE_URL: httpUrl.optional().describe("SQS queue of SMS delivery events; unset = no delivery events"),
  SMS_MESSAGE_FEEDBACK: boolean.default(false).describe("send with MessageFeedbackEnabled and report RECEIVED on a correlated reply"),
  SMS_PROTECT_CONFIGURATION_ID: z
    .string()
    .regex(/^[A-Za-z0-9_:/-]{1,256}$/, "must be a protect configuration id or ARN (1-256 chars of [A-Za-z0-9_:/-])")
    .optional()
    .describe("ProtectConfigurationId for SendTextMessage"),
  SMS_MAX_PARTS_PER_SECOND: z.coerce
    .number({ error: "must be a number of message parts per second, e.g. 1, 3 or 100" })
    .min(0.01, "must be at least 0.01 message parts per second")
    .max(10_000, "must be at most 10000 message parts per second")
    .optional()
    .describe("the origination identity's send rate in message parts per second (fractions allowed: 0.2); unset = no pacing"),
  REDIS_URL: redisUrl.default("redis://127.0.0.1:6379").describe("redis:// or rediss:// URL"),
  REDIS_CLUSTER_NODES: clusterNodes.optional().describe("Redis Cluster seeds; switches to cluster mode"),
  VERIFICATION_TTL_SECONDS: integer(30, 86_400).default(600).describe("default reply window in seconds"),
  DECISION_RETENTION_SECONDS: integer(86_400, 315_360_000, "must be an integer 86400–315360000 (one day to ten years)")
    .default(604_800)
    .describe("how long a decided verification and its idempotency record are kept"),
  BRAND_NAME: z.string().trim().min(1).max(40).default("Your bank").describe("sender name at the start of every SMS"),
  HTTP_PORT: integer(0, 65_535, "must be an integer 1–65535 (or 0 for any free port)")
    .default(8080)
    .describe("operations HTTP port"),
  SHUTDOWN_TIMEOUT_SECONDS: integer(1, 600)
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
  /** SQS queue of SMS delivery events; undefined = no delivery events. */
  smsEventsQueueUrl: string | undefined;
  smsMessageFeedback: boolean;
  smsProtectConfigurationId: string | undefined;
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

/**
 * Parses the environment; throws a ConfigError whose message is one line naming the variable and
 * what is wrong with it. Empty counts as unset.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    const value = present[variable];
    const problem = value === undefined ? "is required" : (issue?.message ?? "is invalid");
    throw new ConfigError(`invalid configuration: ${variable}: ${problem}`);
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
    smsEventsQueueUrl: env.SMS_EVENTS_QUEUE_URL,
    smsMessageFeedback: env.SMS_MESSAGE_FEEDBACK,
    smsProtectConfigurationId: env.SMS_PROTECT_CONFIGURATION_ID,
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
