import { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../../config.ts";

export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  sms: PinpointSMSVoiceV2Client;
  destroy(): void;
}

export interface AwsCallTimeouts {
  connectionMs: number;
  requestMs: number;
  /** Above the 20 s long poll of ReceiveMessage. */
  sqsRequestMs: number;
}

const TIMEOUTS: AwsCallTimeouts = { connectionMs: 3_000, requestMs: 10_000, sqsRequestMs: 30_000 };

/**
 * Created once per process. Endpoint overrides come from the contract's AWS_ENDPOINT_URL* variables;
 * credentials come from the SDK's default chain unless given (the local emulators take fixed ones).
 */
export function createAwsClients(
  config: Pick<Config, "region" | "endpoints">,
  credentials?: { accessKeyId: string; secretAccessKey: string },
  timeouts: AwsCallTimeouts = TIMEOUTS,
): AwsClients {
  const { endpoints } = config;
  const common = { region: config.region, ...(credentials ? { credentials } : {}) };
  // No call may hang forever: a dead connection or a stalled response fails and is retried. Without
  // throwOnRequestTimeout the SDK's handler only logs a warning when requestTimeout passes.
  const handler = (requestTimeout: number) => ({ connectionTimeout: timeouts.connectionMs, requestTimeout, throwOnRequestTimeout: true });
  const sqs = new SQSClient({
    ...common,
    requestHandler: handler(timeouts.sqsRequestMs),
    ...(endpoints.sqs ? { endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false } : {}),
  });
  const sns = new SNSClient({
    ...common,
    requestHandler: handler(timeouts.requestMs),
    ...(endpoints.sns ? { endpoint: endpoints.sns } : {}),
  });
  // Throttling is retried by the SDK's standard strategy: exponential backoff with jitter.
  const sms = new PinpointSMSVoiceV2Client({
    ...common,
    maxAttempts: 6,
    requestHandler: handler(timeouts.requestMs),
    ...(endpoints.sms ? { endpoint: endpoints.sms } : {}),
  });
  return {
    sqs,
    sns,
    sms,
    destroy() {
      sqs.destroy();
      sns.destroy();
      sms.destroy();
    },
  };
}
