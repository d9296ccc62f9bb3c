import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { TwoWayPayload } from "./two-way-payload.ts";

export type InboundPublisher = (payload: TwoWayPayload) => Promise<void>;

/** Publishes a handset's message to the two-way SNS topic as AWS does: the payload JSON as the Message, no attributes. */
export function snsInboundPublisher(sns: SNSClient, topicArn: string): InboundPublisher {
  return async (payload) => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(payload) }));
  };
}
