// The CDK app's template, synthesized offline once (encrypted two-way topic, prefixed names).
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FraudVerificationStack } from "../../infra/lib/stack.ts";
import { resourceNames } from "../../provision/names.ts";
import { inboundTopicPolicy, queuePolicy, smsEventsTopicPolicy, smsKeyStatement } from "../../provision/policies.ts";

const PREFIX = "acme-";
const names = resourceNames(PREFIX);

let stack: FraudVerificationStack;
let template: Template;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function resourcesOf(type: string): Resources {
  return template.findResources(type) as Resources;
}

function logicalIdOf(type: string, name: string, nameProperty: string): string {
  const entry = Object.entries(resourcesOf(type)).find(([, r]) => r.Properties[nameProperty] === name);
  if (!entry) throw new Error(`no ${type} named ${name}`);
  return entry[0];
}

const queueId = (name: string) => logicalIdOf("AWS::SQS::Queue", name, "QueueName");
const topicId = (name: string) => logicalIdOf("AWS::SNS::Topic", name, "TopicName");
const configurationSetId = () => logicalIdOf("AWS::SMSVOICE::ConfigurationSet", names.configurationSet, "ConfigurationSetName");
/** The text events of the contract's "SMS delivery events". */
const CONTRACT_TEXT_EVENTS = [
  "TEXT_QUEUED",
  "TEXT_PENDING",
  "TEXT_DELIVERED",
  "TEXT_SUCCESSFUL",
  "TEXT_BLOCKED",
  "TEXT_CARRIER_BLOCKED",
  "TEXT_CARRIER_UNREACHABLE",
  "TEXT_INVALID",
  "TEXT_INVALID_MESSAGE",
  "TEXT_UNREACHABLE",
  "TEXT_SPAM",
  "TEXT_TTL_EXPIRED",
  "TEXT_PROTECT_BLOCKED",
];
const PHONE_NUMBER_ARN = {
  "Fn::Join": [
    "",
    ["arn:", { Ref: "AWS::Partition" }, ":sms-voice:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":phone-number/", { Ref: "PhoneNumberId" }],
  ],
};
const arnOfQueue = (name: string) => ({ "Fn::GetAtt": [queueId(name), "Arn"] });

/** A provisioner document built with placeholder strings, each placeholder replaced by a CloudFormation value. */
function withValues(document: unknown, values: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(document), (_key, value: unknown) =>
    typeof value === "string" && Object.hasOwn(values, value) ? values[value] : value,
  ) as unknown;
}

beforeAll(() => {
  const app = new App();
  stack = new FraudVerificationStack(app, "Test", { prefix: PREFIX, encryptTwoWayTopic: true });
  template = Template.fromStack(stack);
});

describe("messaging resources", () => {
  it("has the three topics, four queues with their four dead-letter queues, three subscriptions, one key, one configuration set", () => {
    template.resourceCountIs("AWS::SNS::Topic", 3);
    template.resourceCountIs("AWS::SQS::Queue", 8);
    template.resourceCountIs("AWS::SNS::Subscription", 3);
    template.resourceCountIs("AWS::KMS::Key", 1);
    template.resourceCountIs("AWS::SMSVOICE::ConfigurationSet", 1);
    expect(Object.values(resourcesOf("AWS::SQS::Queue")).map((q) => q.Properties["QueueName"]).sort()).toEqual(
      [
        names.requestsQueue,
        names.requestsDlq,
        names.inboundQueue,
        names.inboundDlq,
        names.decisionsQueue,
        names.decisionsDlq,
        names.smsEventsQueue,
        names.smsEventsDlq,
      ].sort(),
    );
  });

  it("has no FIFO queue or topic", () => {
    for (const queue of Object.values(resourcesOf("AWS::SQS::Queue"))) {
      expect(queue.Properties["FifoQueue"]).toBeUndefined();
      expect(String(queue.Properties["QueueName"])).not.toMatch(/\.fifo$/);
    }
    for (const topic of Object.values(resourcesOf("AWS::SNS::Topic"))) {
      expect(topic.Properties["FifoTopic"]).toBeUndefined();
      expect(String(topic.Properties["TopicName"])).not.toMatch(/\.fifo$/);
    }
  });

  it.each([
    [names.requestsQueue, names.requestsDlq],
    [names.inboundQueue, names.inboundDlq],
    [names.decisionsQueue, names.decisionsDlq],
    [names.smsEventsQueue, names.smsEventsDlq],
  ])("%s: visibility 30 s, SSE-SQS, redrive to %s after 5 receives", (queue, deadLetterQueue) => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: queue,
      VisibilityTimeout: 30,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arnOfQueue(deadLetterQueue), maxReceiveCount: 5 },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: deadLetterQueue,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
      RedriveAllowPolicy: { redrivePermission: "byQueue", sourceQueueArns: [Match.anyValue()] },
    });
  });

  it.each([
    [names.inboundQueue, names.inboundTopic],
    [names.decisionsQueue, names.decisionsTopic],
    [names.smsEventsQueue, names.smsEventsTopic],
  ])("only %s's topic (%s) may send to it: the provisioner's queue policy, confused-deputy safe", (queue, topic) => {
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: queueId(queue) }],
      PolicyDocument: withValues(queuePolicy("QUEUE", "TOPIC"), { QUEUE: arnOfQueue(queue), TOPIC: { Ref: topicId(topic) } }),
    });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "sqs",
      TopicArn: { Ref: topicId(topic) },
      Endpoint: arnOfQueue(queue),
      RawMessageDelivery: Match.absent(),
    });
  });

  it("gives no queue policy to the requests queue (the card system sends with its own IAM)", () => {
    const policies = Object.values(resourcesOf("AWS::SQS::QueuePolicy")).map((p) => p.Properties["Queues"]);
    expect(policies).toHaveLength(3);
    expect(policies).not.toContainEqual([{ Ref: queueId(names.requestsQueue) }]);
  });

  it("lets the SMS service of this account publish to the two-way topic, as the provisioner does", () => {
    const topic = { Ref: topicId(names.inboundTopic) };
    const document = inboundTopicPolicy({ partition: "P", region: "R", account: "ACCOUNT" }, "TOPIC");
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: withValues(document, { TOPIC: topic, ACCOUNT: { Ref: "AWS::AccountId" } }),
    });
  });

  it("lets the SMS service publish the events of this account's configuration set to the events topic, as the provisioner does", () => {
    const topic = { Ref: topicId(names.smsEventsTopic) };
    const document = smsEventsTopicPolicy({ partition: "P", region: "R", account: "ACCOUNT" }, "TOPIC", names.configurationSet);
    const configurationSetArn = {
      "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":sms-voice:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, `:configuration-set/${names.configurationSet}`]],
    };
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: withValues(document, {
        TOPIC: topic,
        ACCOUNT: { Ref: "AWS::AccountId" },
        [`arn:P:sms-voice:R:ACCOUNT:configuration-set/${names.configurationSet}`]: configurationSetArn,
      }),
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: "sms-voice.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } }, ArnLike: { "aws:SourceArn": configurationSetArn } },
          }),
        ],
      },
    });
  });

  it("has a configuration set whose event destination sends every text event of the contract to the events topic, once the topic lets it", () => {
    const policyId = Object.entries(resourcesOf("AWS::SNS::TopicPolicy")).find(([, p]) =>
      JSON.stringify(p.Properties["Topics"]).includes(topicId(names.smsEventsTopic)),
    )?.[0];
    template.hasResource("AWS::SMSVOICE::ConfigurationSet", {
      Properties: {
        ConfigurationSetName: names.configurationSet,
        EventDestinations: [
          {
            EventDestinationName: names.eventDestination,
            Enabled: true,
            MatchingEventTypes: Match.arrayEquals(CONTRACT_TEXT_EVENTS.map(() => Match.anyValue())),
            SnsDestination: { TopicArn: { Ref: topicId(names.smsEventsTopic) } },
          },
        ],
      },
      DependsOn: Match.arrayWith([policyId]),
    });
    const [set] = Object.values(resourcesOf("AWS::SMSVOICE::ConfigurationSet"));
    const destinations = set?.Properties["EventDestinations"] as Array<{ MatchingEventTypes: string[] }>;
    expect([...(destinations[0]?.MatchingEventTypes ?? [])].sort()).toEqual([...CONTRACT_TEXT_EVENTS].sort());
  });

  it("encrypts the two-way and events topics with a symmetric, rotated key whose policy lets the SMS service use it", () => {
    const [keyId] = Object.keys(resourcesOf("AWS::KMS::Key"));
    for (const topic of [names.inboundTopic, names.smsEventsTopic]) {
      template.hasResourceProperties("AWS::SNS::Topic", { TopicName: topic, KmsMasterKeyId: { "Fn::GetAtt": [keyId, "Arn"] } });
    }
    template.hasResourceProperties("AWS::SNS::Topic", { TopicName: names.decisionsTopic, KmsMasterKeyId: Match.absent() });
    template.hasResourceProperties("AWS::KMS::Alias", { AliasName: names.keyAlias });
    const key = resourcesOf("AWS::KMS::Key")[keyId ?? ""]?.Properties ?? {};
    expect(key["KeySpec"] ?? "SYMMETRIC_DEFAULT").toBe("SYMMETRIC_DEFAULT");
    expect(key["KeyUsage"] ?? "ENCRYPT_DECRYPT").toBe("ENCRYPT_DECRYPT");
    expect(key["EnableKeyRotation"]).toBe(true);
    const statement = smsKeyStatement({ partition: "P", region: "R", account: "A" });
    expect((key["KeyPolicy"] as { Statement: unknown[] }).Statement).toContainEqual({
      Sid: statement.Sid,
      Effect: "Allow",
      Principal: { Service: "sms-voice.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
        ArnLike: {
          "aws:SourceArn": { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":sms-voice:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":*"]] },
        },
      },
    });
  });
});

describe("ECS Fargate service", () => {
  it("runs the image from the parameters with the environment the service needs", () => {
    template.hasParameter("ContainerImage", {});
    template.hasParameter("VpcId", { Type: "AWS::EC2::VPC::Id" });
    template.hasParameter("SubnetIds", { Type: "List<AWS::EC2::Subnet::Id>" });
    template.hasParameter("RedisUrl", { NoEcho: true });
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      RequiresCompatibilities: ["FARGATE"],
      NetworkMode: "awsvpc",
      ContainerDefinitions: [
        Match.objectLike({
          Image: { Ref: "ContainerImage" },
          Environment: Match.arrayWith([
            { Name: "REQUESTS_QUEUE_URL", Value: { Ref: queueId(names.requestsQueue) } },
            { Name: "INBOUND_QUEUE_URL", Value: { Ref: queueId(names.inboundQueue) } },
            { Name: "DECISIONS_TOPIC_ARN", Value: { Ref: topicId(names.decisionsTopic) } },
            { Name: "ORIGINATION_IDENTITY", Value: PHONE_NUMBER_ARN },
            { Name: "SMS_CONFIGURATION_SET", Value: { Ref: configurationSetId() } },
            { Name: "SMS_EVENTS_QUEUE_URL", Value: { Ref: queueId(names.smsEventsQueue) } },
            { Name: "REDIS_URL", Value: { Ref: "RedisUrl" } },
          ]),
        }),
      ],
    });
    template.hasResourceProperties("AWS::ECS::Service", {
      LaunchType: "FARGATE",
      DesiredCount: { Ref: "DesiredCount" },
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: { Ref: "SubnetIds" }, AssignPublicIp: "DISABLED" } },
    });
  });

  it("gives the task role exactly the service's calls, each on its own resources", () => {
    const policies = Object.values(resourcesOf("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p.Properties["Roles"]).includes("TaskRole"),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties["PolicyDocument"] as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toEqual([
      {
        Sid: "ConsumeRequestsRepliesAndDeliveryEvents",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: [arnOfQueue(names.requestsQueue), arnOfQueue(names.inboundQueue), arnOfQueue(names.smsEventsQueue)],
      },
      {
        Sid: "DeadLetterPoisonMessages",
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:GetQueueUrl"],
        Resource: [arnOfQueue(names.requestsDlq), arnOfQueue(names.inboundDlq), arnOfQueue(names.smsEventsDlq)],
      },
      { Sid: "PublishDecisions", Effect: "Allow", Action: "sns:Publish", Resource: { Ref: topicId(names.decisionsTopic) } },
      {
        Sid: "SendFromTheNumber",
        Effect: "Allow",
        Action: ["sms-voice:SendTextMessage", "sms-voice:DescribePhoneNumbers"],
        Resource: [PHONE_NUMBER_ARN, { "Fn::GetAtt": [configurationSetId(), "Arn"] }],
      },
      {
        Sid: "ReportMessageFeedback",
        Effect: "Allow",
        Action: "sms-voice:PutMessageFeedback",
        Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":sms-voice:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":message/*"]] },
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });
});

describe("outputs", () => {
  it("names the provision command that enables two-way SMS on the number, against this stack's topic", () => {
    template.hasOutput("TwoWaySmsCommand", {
      Value: {
        "Fn::Join": [
          "",
          ["npm run provision -- --phone-number ", { Ref: "PhoneNumberId" }, " --topic-arn ", { Ref: topicId(names.inboundTopic) }, ` --prefix ${PREFIX}`],
        ],
      },
    });
    for (const output of ["RequestsQueueUrl", "InboundQueueUrl", "DecisionsTopicArn", "DecisionsConsumerQueueUrl", "OriginationIdentity"]) {
      template.hasOutput(output, {});
    }
    template.hasOutput("SmsConfigurationSet", { Value: { Ref: configurationSetId() } });
    template.hasOutput("SmsEventsQueueUrl", { Value: { Ref: queueId(names.smsEventsQueue) } });
  });
});
