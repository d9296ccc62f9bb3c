// AWS's side of an event destination: each event of a text goes to the SNS topic of every enabled
// event destination of the text's configuration set whose event types include it. With it, the
// provisioning tests see delivery events travel the resources the provisioner made.
import { DescribeConfigurationSetsCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { DeliveryEvent, SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";

export function eventDestinationPublisher(sandbox: SmsSandbox, sms: PinpointSMSVoiceV2Client, sns: SNSClient) {
  return async (event: DeliveryEvent): Promise<void> => {
    const setName = sandbox.sent.find((text) => text.messageId === event.messageId)?.configurationSetName;
    if (!setName) return;
    const { ConfigurationSets = [] } = await sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: [setName] }));
    for (const destination of ConfigurationSets[0]?.EventDestinations ?? []) {
      const types: string[] = destination.MatchingEventTypes ?? [];
      const matches = types.includes(event.eventType) || types.includes("TEXT_ALL") || types.includes("ALL");
      const topicArn = destination.SnsDestination?.TopicArn;
      if (destination.Enabled === true && matches && topicArn) {
        await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(event) }));
      }
    }
  };
}
