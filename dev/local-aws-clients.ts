import { createAwsClients, type AwsClients } from "../src/adapters/aws/aws-clients.ts";

// The emulators accept any signature. Fixed credentials keep the dev mode from reading the
// developer's real AWS profile (or waiting on the instance metadata service when there is none).
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface LocalEndpoints {
  region: string;
  /** fauxqs: SNS and SQS. */
  emulator: string;
  smsSandbox: string;
}

/** The service's own client configuration, pointed at the local emulators with fixed credentials. */
export function createLocalAwsClients(endpoints: LocalEndpoints): AwsClients {
  return createAwsClients(
    {
      region: endpoints.region,
      endpoints: { sqs: endpoints.emulator, sns: endpoints.emulator, sms: endpoints.smsSandbox },
    },
    LOCAL_CREDENTIALS,
  );
}
