import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { startAwsEnvironment, type AwsEnvironment } from "./aws-environment.ts";

export interface CountingSqs {
  env: AwsEnvironment;
  /** The real SQS client on the emulator, counting what it sends. */
  sqs: SQSClient;
  /** Commands of this name sent so far, e.g. "ReceiveMessageCommand". */
  sent(commandName: string): number;
}

/** Starts the emulator and a counting SQS client before the file's tests, and stops them after. */
export function useCountingSqs(): CountingSqs {
  const counts = new Map<string, number>();
  let env: AwsEnvironment | undefined;
  let sqs: SQSClient | undefined;
  beforeAll(async () => {
    env = await startAwsEnvironment();
    sqs = new SQSClient({ region: "us-east-1", endpoint: env.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    sqs.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName ?? "unknown";
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "countCommands" },
    );
  });
  afterAll(async () => {
    sqs?.destroy();
    await env?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useCountingSqs: used before its beforeAll ran");
    return value;
  };
  return {
    get env() {
      return started(env);
    },
    get sqs() {
      return started(sqs);
    },
    sent: (commandName) => counts.get(commandName) ?? 0,
  };
}
