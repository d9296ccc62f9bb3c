import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { DeliveryEventPublisher } from "./delivery-reports.ts";
import type { TwoWayPayload } from "./two-way-payload.ts";

export type InboundPublisher = (payload: TwoWayPayload) => Promise<void>;

/** Publishes to an SNS topic as AWS does for two-way SMS and event destinations: the JSON as the Message, no attributes. */
export function snsJsonPublisher(sns: SNSClient, topicArn: string): (payload: object) => Promise<void> {
  return async (payload) => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(payload) }));
  };
}

/** A handset's message, to the two-way SNS topic. */
export function snsInboundPublisher(sns: SNSClient, topicArn: string): InboundPublisher {
  return snsJsonPublisher(sns, topicArn);
}

/** A delivery event, to the SNS topic of the configuration set's event destination. */
export function snsDeliveryEventPublisher(sns: SNSClient, topicArn: string): DeliveryEventPublisher {
  return snsJsonPublisher(sns, topicArn);
}
