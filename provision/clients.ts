import { KMSClient } from "@aws-sdk/client-kms";
import { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";

export interface ProvisionClients {
  region: string;
  sts: STSClient;
  sns: SNSClient;
  sqs: SQSClient;
  sms: PinpointSMSVoiceV2Client;
  kms: KMSClient;
}

export interface ProvisionEndpoints {
  sts?: string | undefined;
  sns?: string | undefined;
  sqs?: string | undefined;
  sms?: string | undefined;
  kms?: string | undefined;
}

export function createProvisionClients(region: string, endpoints: ProvisionEndpoints = {}): ProvisionClients {
  const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
  return {
    region,
    sts: new STSClient({ region, ...at(endpoints.sts) }),
    sns: new SNSClient({ region, ...at(endpoints.sns) }),
    // With an emulator, queue URLs name hosts that may not resolve: send every call to the endpoint.
    sqs: new SQSClient({ region, ...(endpoints.sqs ? { endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false } : {}) }),
    sms: new PinpointSMSVoiceV2Client({ region, ...at(endpoints.sms) }),
    kms: new KMSClient({ region, ...at(endpoints.kms) }),
  };
}

/** The same AWS_REGION and AWS_ENDPOINT_URL* variables the service reads, plus KMS and STS. */
export function clientsFromEnvironment(env: Record<string, string | undefined>): ProvisionClients {
  const all = env["AWS_ENDPOINT_URL"];
  return createProvisionClients(env["AWS_REGION"] || "us-east-1", {
    sts: env["AWS_ENDPOINT_URL_STS"] ?? all,
    sns: env["AWS_ENDPOINT_URL_SNS"] ?? all,
    sqs: env["AWS_ENDPOINT_URL_SQS"] ?? all,
    sms: env["AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"] ?? all,
    kms: env["AWS_ENDPOINT_URL_KMS"] ?? all,
  });
}

export function destroyClients(clients: ProvisionClients): void {
  for (const client of [clients.sts, clients.sns, clients.sqs, clients.sms, clients.kms]) client.destroy();
}
