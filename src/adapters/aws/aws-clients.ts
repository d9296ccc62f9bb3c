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

const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Above the 20 s long poll of ReceiveMessage. */
const SQS_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Created once per process. Endpoint overrides come from the contract's AWS_ENDPOINT_URL* variables;
 * credentials come from the SDK's default chain unless given (the local emulators take fixed ones).
 */
export function createAwsClients(
  config: Pick<Config, "region" | "endpoints">,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): AwsClients {
  const { endpoints } = config;
  const common = { region: config.region, ...(credentials ? { credentials } : {}) };
  // No call may hang forever: a dead connection or a stalled response fails and is retried.
  const sqs = new SQSClient({
    ...common,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: SQS_REQUEST_TIMEOUT_MS },
    ...(endpoints.sqs ? { endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false } : {}),
  });
  const sns = new SNSClient({
    ...common,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    ...(endpoints.sns ? { endpoint: endpoints.sns } : {}),
  });
  // Throttling is retried by the SDK's standard strategy: exponential backoff with jitter.
  const sms = new PinpointSMSVoiceV2Client({
    ...common,
    maxAttempts: 6,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
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
