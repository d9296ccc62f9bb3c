/** SDK clients for the bench's own traffic (never the service's): explicit endpoint and dummy credentials. */
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

export const REGION = "us-east-1";
export const BENCH_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface BenchClients {
  sqs: SQSClient;
  sns: SNSClient;
  destroy(): void;
}

export function createBenchClients(endpoint: string): BenchClients {
  // The emulator's queue URLs name sqs.<region>.localhost: the endpoint decides where calls go.
  const sqs = new SQSClient({ region: REGION, endpoint, useQueueUrlAsEndpoint: false, credentials: BENCH_CREDENTIALS });
  const sns = new SNSClient({ region: REGION, endpoint, credentials: BENCH_CREDENTIALS });
  return {
    sqs,
    sns,
    destroy() {
      sqs.destroy();
      sns.destroy();
    },
  };
}
