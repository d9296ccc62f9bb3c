import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { DecisionEvent } from "../../domain/decision-event.ts";
import type { DecisionPublisher } from "../../ports.ts";

export class SnsDecisionPublisher implements DecisionPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(event: DecisionEvent): Promise<void> {
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          eventType: { DataType: "String", StringValue: event.eventType },
          decision: { DataType: "String", StringValue: event.decision },
        },
      }),
    );
  }
}
