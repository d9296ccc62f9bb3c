import { GetQueueAttributesCommand, GetQueueUrlCommand, type Message, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export interface DeadLetter {
  /** The dead-letter queue's URL, or undefined when the source queue has none (rejected messages are dropped). */
  readonly queueUrl: string | undefined;
  /** Moves a message that can never succeed to the dead-letter queue; resolves once it is safe to delete it. */
  reject(message: Message, reason: string): Promise<"dead_lettered" | "dropped">;
}

/** Finds the dead-letter queue from the source queue's RedrivePolicy, once at start-up. */
export async function resolveDeadLetter(sqs: SQSClient, sourceQueueUrl: string): Promise<DeadLetter> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: sourceQueueUrl, AttributeNames: ["RedrivePolicy"] }),
  );
  const policy = attributes.Attributes?.RedrivePolicy;
  const targetArn = policy ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
  const queueUrl = targetArn ? await queueUrlOf(sqs, targetArn) : undefined;
  return {
    queueUrl,
    async reject(message, reason) {
      if (!queueUrl) return "dropped";
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.Body || "(empty)",
          MessageAttributes: {
            rejectionReason: { DataType: "String", StringValue: reason },
            sourceMessageId: { DataType: "String", StringValue: message.MessageId ?? "unknown" },
          },
        }),
      );
      return "dead_lettered";
    },
  };
}

async function queueUrlOf(sqs: SQSClient, arn: string): Promise<string | undefined> {
  const [, , , , account, name] = arn.split(":");
  if (!name) return undefined;
  const found = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  return found.QueueUrl;
}
