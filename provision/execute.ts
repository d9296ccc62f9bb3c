// Performs the plan's create and change steps, in order. Nothing here decides anything.
import { CreateAliasCommand, CreateKeyCommand, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import {
  CreateConfigurationSetCommand,
  CreateEventDestinationCommand,
  PutKeywordCommand,
  UpdateEventDestinationCommand,
  UpdatePhoneNumberCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { EventType, KeywordAction } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { CreateTopicCommand, SetTopicAttributesCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { ProvisionClients } from "./clients.ts";
import type { EventDestinationSettings, Operation, Step } from "./steps.ts";

export class ProvisionStepError extends Error {
  override readonly name = "ProvisionStepError";
}

function eventDestinationInput(settings: EventDestinationSettings) {
  return {
    ConfigurationSetName: settings.configurationSetName,
    EventDestinationName: settings.eventDestinationName,
    MatchingEventTypes: settings.matchingEventTypes as EventType[],
    SnsDestination: { TopicArn: settings.topicArn },
  };
}

/** Queue URLs by name, as known before the run and as created by it. */
export type QueueUrls = Map<string, string>;

async function perform(operation: Operation, clients: ProvisionClients, queueUrls: QueueUrls): Promise<void> {
  switch (operation.kind) {
    case "createKey": {
      const created = await clients.kms.send(
        new CreateKeyCommand({
          Description: "Encrypts the two-way SMS topic (fraud verification)",
          KeySpec: "SYMMETRIC_DEFAULT",
          KeyUsage: "ENCRYPT_DECRYPT",
          Policy: operation.policy,
        }),
      );
      const keyId = created.KeyMetadata?.KeyId;
      if (!keyId) throw new Error("CreateKey returned no KeyId");
      await clients.kms.send(new CreateAliasCommand({ AliasName: operation.alias, TargetKeyId: keyId }));
      return;
    }
    case "putKeyPolicy":
      await clients.kms.send(new PutKeyPolicyCommand({ KeyId: operation.keyId, PolicyName: "default", Policy: operation.policy }));
      return;
    case "createTopic":
      await clients.sns.send(new CreateTopicCommand({ Name: operation.name, Attributes: operation.attributes }));
      return;
    case "setTopicAttributes":
      for (const [AttributeName, AttributeValue] of Object.entries(operation.attributes)) {
        await clients.sns.send(new SetTopicAttributesCommand({ TopicArn: operation.topicArn, AttributeName, AttributeValue }));
      }
      return;
    case "createQueue": {
      const created = await clients.sqs.send(new CreateQueueCommand({ QueueName: operation.name, Attributes: operation.attributes }));
      if (!created.QueueUrl) throw new Error("CreateQueue returned no QueueUrl");
      queueUrls.set(operation.name, created.QueueUrl);
      return;
    }
    case "setQueueAttributes": {
      const queueUrl = queueUrls.get(operation.name);
      if (!queueUrl) throw new Error(`no URL known for queue ${operation.name}`);
      await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: operation.attributes }));
      return;
    }
    case "subscribe":
      await clients.sns.send(
        new SubscribeCommand({ TopicArn: operation.topicArn, Protocol: "sqs", Endpoint: operation.queueArn, ReturnSubscriptionArn: true }),
      );
      return;
    case "updatePhoneNumber":
      await clients.sms.send(
        new UpdatePhoneNumberCommand({
          PhoneNumberId: operation.phoneNumberId,
          TwoWayEnabled: true,
          TwoWayChannelArn: operation.twoWayChannelArn,
          ...(operation.twoWayChannelRole === undefined ? {} : { TwoWayChannelRole: operation.twoWayChannelRole }),
        }),
      );
      return;
    case "putKeyword":
      await clients.sms.send(
        new PutKeywordCommand({
          OriginationIdentity: operation.phoneNumberId,
          Keyword: operation.keyword,
          KeywordMessage: operation.message,
          KeywordAction: operation.action as KeywordAction,
        }),
      );
      return;
    case "createConfigurationSet":
      await clients.sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: operation.name }));
      return;
    case "createEventDestination":
      await clients.sms.send(new CreateEventDestinationCommand(eventDestinationInput(operation)));
      return;
    case "updateEventDestination":
      await clients.sms.send(new UpdateEventDestinationCommand({ ...eventDestinationInput(operation), Enabled: true }));
      return;
  }
}

/** Runs every step that has an operation; a failure names its step (a re-run continues where it stopped). */
export async function executePlan(steps: readonly Step[], clients: ProvisionClients, queueUrls: QueueUrls): Promise<void> {
  for (const step of steps) {
    if (!step.operation) continue;
    try {
      await perform(step.operation, clients, queueUrls);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ProvisionStepError(
        `${step.action} ${step.resource} failed (${reason}). The steps before it were applied; running the command again continues from there.`,
        { cause: error },
      );
    }
  }
}
