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
  const sqs = new SQSClient({
    ...common,
    ...(endpoints.sqs ? { endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false } : {}),
  });
  const sns = new SNSClient({ ...common, ...(endpoints.sns ? { endpoint: endpoints.sns } : {}) });
  // Throttling is retried by the SDK's standard strategy: exponential backoff with jitter.
  const sms = new PinpointSMSVoiceV2Client({
    ...common,
    maxAttempts: 6,
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
