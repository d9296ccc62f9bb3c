import {
  CreateConfigurationSetCommand,
  CreateEventDestinationCommand,
  DescribeConfigurationSetsCommand,
  DescribeKeywordsCommand,
  DescribePhoneNumbersCommand,
  PinpointSMSVoiceV2Client,
  PutKeywordCommand,
  SendTextMessageCommand,
  UpdateEventDestinationCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { CreateTopicCommand, GetTopicAttributesCommand, PublishCommand, SetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SMS_SERVICE_PRINCIPAL } from "../../provision/aws-facts.ts";
import { ACCOUNT, REGION, SMS_NUMBER, startProvisionHarness, VOICE_NUMBER } from "../support/provision-harness.ts";
import type { ProvisionHarness } from "../support/provision-harness.ts";

const INBOUND_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:two-way-sms`;
const DECISIONS_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:verification-decisions`;
const EVENTS_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:sms-events`;
const CONFIGURATION_SET = "fraud-verification";
const CONFIGURATION_SET_ARN = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:configuration-set/${CONFIGURATION_SET}`;
/** The text events of the contract's "SMS delivery events": the event destination must send each of them. */
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
const PHONE_ARN = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/${SMS_NUMBER.phoneNumberId}`;
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

let account: ProvisionHarness;
let sms: PinpointSMSVoiceV2Client;

beforeEach(async () => {
  account = await startProvisionHarness();
  sms = new PinpointSMSVoiceV2Client({ region: REGION, endpoint: account.sandbox.url });
});

afterEach(async () => {
  sms.destroy();
  await account.stop();
});

async function queueAttributes(url: string): Promise<Record<string, string>> {
  const { Attributes } = await account.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
  return Attributes ?? {};
}

async function configurationSet() {
  const { ConfigurationSets } = await sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: [CONFIGURATION_SET] }));
  return ConfigurationSets?.[0];
}

async function phoneNumber() {
  const { PhoneNumbers } = await sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [SMS_NUMBER.phoneNumberId] }));
  return PhoneNumbers?.[0];
}

function actions(outcome: { result: { steps: Array<{ resource: string; action: string }> } }) {
  return Object.fromEntries(outcome.result.steps.map((s) => [s.resource, s.action]));
}

async function expectRefusedWithoutChange(argv: string[], reason: RegExp): Promise<string> {
  const before = await account.snapshot();
  const keywordsBefore = await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: SMS_NUMBER.phoneNumberId }));
  const outcome = await account.run(argv);
  expect(outcome.result.outcome).toBe("refused");
  expect(outcome.report).toMatch(reason);
  expect(outcome.report).toContain("Refused: nothing was changed");
  expect(outcome.environment).toEqual({});
  expect(account.mutatingCalls()).toEqual([]);
  expect(await account.snapshot()).toEqual(before);
  expect(await phoneNumber()).toMatchObject({ TwoWayEnabled: false });
  expect(await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: SMS_NUMBER.phoneNumberId }))).toMatchObject({
    Keywords: keywordsBefore.Keywords,
  });
  return outcome.report;
}

describe("provision on a fresh account", () => {
  it("creates every resource, enables two-way SMS and prints an environment that points at them", async () => {
    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--keyword", "JOIN=Welcome! Reply STOP to opt out."]);

    expect(outcome.result.outcome).toBe("applied");
    expect(new Set(Object.values(actions(outcome)))).toEqual(new Set(["create"]));
    expect(outcome.environment).toEqual({
      AWS_REGION: REGION,
      REQUESTS_QUEUE_URL: expect.stringMatching(/\/verification-requests$/) as string,
      INBOUND_QUEUE_URL: expect.stringMatching(/\/two-way-sms-inbound$/) as string,
      DECISIONS_TOPIC_ARN,
      ORIGINATION_IDENTITY: PHONE_ARN,
      SMS_CONFIGURATION_SET: CONFIGURATION_SET,
      SMS_EVENTS_QUEUE_URL: expect.stringMatching(/\/sms-events$/) as string,
    });

    const inbound = await queueAttributes(outcome.environment["INBOUND_QUEUE_URL"] ?? "");
    expect(inbound["VisibilityTimeout"]).toBe("30");
    expect(inbound["SqsManagedSseEnabled"]).toBe("true");
    expect(JSON.parse(inbound["RedrivePolicy"] ?? "{}")).toEqual({
      deadLetterTargetArn: queueArn("two-way-sms-inbound-dlq"),
      maxReceiveCount: 5,
    });
    expect(JSON.parse(inbound["Policy"] ?? "{}")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowSubscribedTopicOnly",
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queueArn("two-way-sms-inbound"),
          Condition: { ArnEquals: { "aws:SourceArn": INBOUND_TOPIC_ARN } },
        },
      ],
    });
    const requests = await queueAttributes(outcome.environment["REQUESTS_QUEUE_URL"] ?? "");
    expect(JSON.parse(requests["RedrivePolicy"] ?? "{}")).toMatchObject({ deadLetterTargetArn: queueArn("verification-requests-dlq") });

    const topic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: INBOUND_TOPIC_ARN }));
    expect(JSON.parse(topic.Attributes?.["Policy"] ?? "{}")).toMatchObject({
      Statement: [
        {
          Principal: { Service: SMS_SERVICE_PRINCIPAL },
          Action: "sns:Publish",
          Resource: INBOUND_TOPIC_ARN,
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    });
    expect(topic.Attributes?.["FifoTopic"]).toBeUndefined();
    await account.sns.send(new GetTopicAttributesCommand({ TopicArn: DECISIONS_TOPIC_ARN }));

    expect(await phoneNumber()).toMatchObject({ TwoWayEnabled: true, TwoWayChannelArn: INBOUND_TOPIC_ARN });
    const { Keywords } = await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: SMS_NUMBER.phoneNumberId }));
    expect(Keywords).toContainEqual({ Keyword: "JOIN", KeywordMessage: "Welcome! Reply STOP to opt out.", KeywordAction: "AUTOMATIC_RESPONSE" });
  });

  it("sends every text event of the contract from a new configuration set to an events topic only that set may publish to", async () => {
    const { environment } = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(await configurationSet()).toMatchObject({
      ConfigurationSetArn: CONFIGURATION_SET_ARN,
      EventDestinations: [
        {
          EventDestinationName: "sms-events",
          Enabled: true,
          MatchingEventTypes: expect.arrayContaining(CONTRACT_TEXT_EVENTS) as unknown,
          SnsDestination: { TopicArn: EVENTS_TOPIC_ARN },
        },
      ],
    });
    expect((await configurationSet())?.EventDestinations?.[0]?.MatchingEventTypes).toHaveLength(CONTRACT_TEXT_EVENTS.length);

    const topic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN }));
    expect(JSON.parse(topic.Attributes?.["Policy"] ?? "{}")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowEndUserMessagingSmsEvents",
          Effect: "Allow",
          Principal: { Service: SMS_SERVICE_PRINCIPAL },
          Action: "sns:Publish",
          Resource: EVENTS_TOPIC_ARN,
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": CONFIGURATION_SET_ARN } },
        },
      ],
    });
    expect(topic.Attributes?.["KmsMasterKeyId"]).toBeUndefined();

    const events = await queueAttributes(environment["SMS_EVENTS_QUEUE_URL"] ?? "");
    expect(events).toMatchObject({ VisibilityTimeout: "30", SqsManagedSseEnabled: "true" });
    expect(JSON.parse(events["RedrivePolicy"] ?? "{}")).toEqual({ deadLetterTargetArn: queueArn("sms-events-dlq"), maxReceiveCount: 5 });
    expect(JSON.parse(events["Policy"] ?? "{}")).toMatchObject({
      Statement: [{ Principal: { Service: "sns.amazonaws.com" }, Resource: queueArn("sms-events"), Condition: { ArnEquals: { "aws:SourceArn": EVENTS_TOPIC_ARN } } }],
    });
    const deadLetters = (await account.snapshot()).queues["sms-events-dlq"] ?? {};
    expect(deadLetters["MessageRetentionPeriod"]).toBe("1209600");
    expect(JSON.parse(deadLetters["RedriveAllowPolicy"] ?? "{}")).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("sms-events")] });
  });

  it("wires the two-way topic to the inbound queue and the decisions topic to its consumer queue", async () => {
    const { environment } = await account.run(["--phone-number", SMS_NUMBER.phoneNumberId]);

    await account.sns.send(new PublishCommand({ TopicArn: INBOUND_TOPIC_ARN, Message: '{"messageBody":"YES"}' }));
    const received = await account.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: environment["INBOUND_QUEUE_URL"], WaitTimeSeconds: 5 }),
    );
    expect(JSON.parse(received.Messages?.[0]?.Body ?? "{}")).toMatchObject({ Type: "Notification", Message: '{"messageBody":"YES"}' });

    const snapshot = await account.snapshot();
    expect(snapshot.subscriptions).toEqual([
      `${EVENTS_TOPIC_ARN} -> ${queueArn("sms-events")}`,
      `${INBOUND_TOPIC_ARN} -> ${queueArn("two-way-sms-inbound")}`,
      `${DECISIONS_TOPIC_ARN} -> ${queueArn("verification-decisions-consumer")}`,
    ]);
  });

  it("delivers the events of a text sent with the printed configuration set to the printed events queue, in SNS envelopes", async () => {
    const { environment } = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    const { MessageId } = await sms.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: "+14255550182",
        OriginationIdentity: environment["ORIGINATION_IDENTITY"],
        MessageBody: "Your bank: approve 12.00 USD at ACME? Reply YES or NO",
        ConfigurationSetName: environment["SMS_CONFIGURATION_SET"],
      }),
    );

    const eventTypes: string[] = [];
    const deadline = Date.now() + 10_000;
    while (!eventTypes.includes("TEXT_DELIVERED") && Date.now() < deadline) {
      const { Messages = [] } = await account.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: environment["SMS_EVENTS_QUEUE_URL"], WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      for (const message of Messages) {
        const envelope = JSON.parse(message.Body ?? "{}") as { Type?: string; TopicArn?: string; Message?: string };
        expect(envelope).toMatchObject({ Type: "Notification", TopicArn: EVENTS_TOPIC_ARN });
        const event = JSON.parse(envelope.Message ?? "{}") as { eventType: string; messageId: string };
        expect(event.messageId).toBe(MessageId);
        eventTypes.push(event.eventType);
      }
    }
    expect(eventTypes).toEqual(["TEXT_QUEUED", "TEXT_DELIVERED"]);
  });

  it("changes nothing the second time: every step is keep and no mutating call is made", async () => {
    const argv = ["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", "new", "--keyword", "HELP=Your bank fraud alerts. Reply YES or NO."];
    const first = await account.run(argv);
    expect(first.result.outcome).toBe("applied");
    const afterFirst = await account.snapshot();
    const smsRequests = account.sandbox.requests.length;
    const kmsRequests = account.kms.requests.length;
    account.calls.length = 0;

    const second = await account.run(argv);

    expect(second.result.outcome).toBe("applied");
    expect(new Set(Object.values(actions(second)))).toEqual(new Set(["keep"]));
    expect(second.report).toContain("Nothing to change.");
    expect(account.calls.length).toBeGreaterThan(0);
    expect(account.mutatingCalls()).toEqual([]);
    expect(account.sandbox.requests.slice(smsRequests).map((r) => r.operation)).toEqual(
      expect.arrayContaining(["DescribePhoneNumbers", "DescribeKeywords"]),
    );
    expect(account.sandbox.requests.slice(smsRequests).every((r) => /^Describe/.test(r.operation))).toBe(true);
    expect(account.kms.requests.slice(kmsRequests).every((r) => /^(Describe|Get)/.test(r.operation))).toBe(true);
    expect(await account.snapshot()).toEqual(afterFirst);
    expect(second.environment).toEqual(first.environment);
  });

  it("creates the key once (--kms-key new), encrypts the two-way topic with it and lets the SMS service use it", async () => {
    await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", "new"]);

    const [key] = account.kms.keys();
    expect(account.kms.keys()).toHaveLength(1);
    expect(key).toMatchObject({ KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" });
    expect(account.kms.aliasTarget("alias/two-way-sms")).toBe(key?.KeyId);
    expect(JSON.parse(key?.policy ?? "{}")).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: SMS_SERVICE_PRINCIPAL },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnLike: { "aws:SourceArn": `arn:aws:sms-voice:${REGION}:${ACCOUNT}:*` },
          },
        }),
      ]) as unknown,
    });
    const topic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: INBOUND_TOPIC_ARN }));
    expect(topic.Attributes?.["KmsMasterKeyId"]).toBe("alias/two-way-sms");
    const eventsTopic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN }));
    expect(eventsTopic.Attributes?.["KmsMasterKeyId"]).toBe("alias/two-way-sms");
  });

  it("repairs drift: a changed attribute is set back, and only that", async () => {
    const { environment } = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);
    await account.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: environment["INBOUND_QUEUE_URL"], Attributes: { VisibilityTimeout: "300" } }),
    );
    account.calls.length = 0;

    const repair = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(repair.result.steps.filter((s) => s.action !== "keep")).toEqual([
      expect.objectContaining({ resource: "sqs queue two-way-sms-inbound", action: "change", detail: "set VisibilityTimeout" }),
    ]);
    expect(account.mutatingCalls()).toEqual(["SQS.SetQueueAttributes"]);
    expect((await queueAttributes(environment["INBOUND_QUEUE_URL"] ?? ""))["VisibilityTimeout"]).toBe("30");
  });

  it("sets its event destination back when it was disabled, pointed elsewhere or narrowed (UpdateEventDestination), and only that", async () => {
    await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);
    const elsewhere = `arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`;
    await sms.send(
      new UpdateEventDestinationCommand({
        ConfigurationSetName: CONFIGURATION_SET,
        EventDestinationName: "sms-events",
        Enabled: false,
        MatchingEventTypes: ["TEXT_DELIVERED"],
        SnsDestination: { TopicArn: elsewhere },
      }),
    );
    account.calls.length = 0;

    const repair = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(repair.result.steps.filter((s) => s.action !== "keep")).toEqual([
      expect.objectContaining({
        resource: `event destination ${CONFIGURATION_SET}/sms-events`,
        action: "change",
        detail: `enable it; send to ${EVENTS_TOPIC_ARN} (not ${elsewhere}); match the text event types the service reads`,
      }),
    ]);
    expect(account.mutatingCalls()).toEqual(["SMS.UpdateEventDestination"]);
    expect((await configurationSet())?.EventDestinations).toEqual([
      {
        EventDestinationName: "sms-events",
        Enabled: true,
        MatchingEventTypes: expect.arrayContaining(CONTRACT_TEXT_EVENTS) as unknown,
        SnsDestination: { TopicArn: EVENTS_TOPIC_ARN },
      },
    ]);
  });

  it("gives the events topic back a policy that lets the SMS service publish", async () => {
    await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);
    const locked = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sns:Publish", Resource: EVENTS_TOPIC_ARN }] };
    await account.sns.send(new SetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN, AttributeName: "Policy", AttributeValue: JSON.stringify(locked) }));
    account.calls.length = 0;

    const repair = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(repair.result.steps.filter((s) => s.action !== "keep")).toEqual([
      expect.objectContaining({ resource: "sns topic sms-events", action: "change", detail: "set Policy" }),
    ]);
    expect(account.mutatingCalls()).toEqual(["SNS.SetTopicAttributes"]);
    const topic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN }));
    expect(JSON.parse(topic.Attributes?.["Policy"] ?? "{}")).toMatchObject({ Statement: [{ Principal: { Service: SMS_SERVICE_PRINCIPAL } }] });
  });

  it("adds its event destination to an existing configuration set of that name, leaving the set's other destinations alone", async () => {
    const analytics = { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:analytics` };
    await sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: CONFIGURATION_SET }));
    await sms.send(
      new CreateEventDestinationCommand({
        ConfigurationSetName: CONFIGURATION_SET,
        EventDestinationName: "analytics",
        MatchingEventTypes: ["TEXT_ALL"],
        SnsDestination: analytics,
      }),
    );

    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(actions(outcome)[`sms configuration set ${CONFIGURATION_SET}`]).toBe("keep");
    expect(actions(outcome)[`event destination ${CONFIGURATION_SET}/sms-events`]).toBe("create");
    expect(account.mutatingCalls()).not.toContain("SMS.CreateConfigurationSet");
    expect((await configurationSet())?.EventDestinations).toEqual([
      { EventDestinationName: "analytics", Enabled: true, MatchingEventTypes: ["TEXT_ALL"], SnsDestination: analytics },
      expect.objectContaining({ EventDestinationName: "sms-events", SnsDestination: { TopicArn: EVENTS_TOPIC_ARN } }),
    ]);
  });

  it("honours --prefix in every name", async () => {
    const { environment } = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--prefix", "acme-"]);

    expect(environment["REQUESTS_QUEUE_URL"]).toMatch(/\/acme-verification-requests$/);
    expect(environment["DECISIONS_TOPIC_ARN"]).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:acme-verification-decisions`);
    expect(Object.keys((await account.snapshot()).queues).every((name) => name.startsWith("acme-"))).toBe(true);
  });
});

describe("provision --dry-run", () => {
  it("prints the plan and changes nothing", async () => {
    const before = await account.snapshot();

    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", "new", "--keyword", "JOIN=Hi", "--dry-run"]);

    expect(outcome.result.outcome).toBe("planned");
    for (const resource of [
      "kms key alias/two-way-sms",
      "sns topic two-way-sms",
      "sns topic verification-decisions",
      "sqs queue verification-requests-dlq",
      "sqs queue verification-requests",
      "sqs queue two-way-sms-inbound",
      "sqs queue verification-decisions-consumer",
      "sns topic sms-events",
      "sqs queue sms-events-dlq",
      "sqs queue sms-events",
      "subscription two-way-sms → two-way-sms-inbound",
      "subscription sms-events → sms-events",
      `sms configuration set ${CONFIGURATION_SET}`,
      `event destination ${CONFIGURATION_SET}/sms-events`,
      `phone number ${SMS_NUMBER.phoneNumber} two-way SMS`,
      "keyword JOIN",
    ]) {
      expect(outcome.report).toMatch(new RegExp(`^create\\s+${resource.replace(/[.+?^${}()|[\]\\]/g, "\\$&")}\\s`, "m"));
    }
    expect(outcome.report).toContain("Dry run: 19 change(s) planned, nothing was changed.");
    expect(outcome.environment).toEqual({});
    expect(account.mutatingCalls()).toEqual([]);
    expect(await account.snapshot()).toEqual(before);
    expect(account.kms.keys()).toEqual([]);
    expect(await phoneNumber()).toMatchObject({ TwoWayEnabled: false });
  });

  it("after a run, shows keep for everything", async () => {
    await account.run(["--phone-number", SMS_NUMBER.phoneNumber]);

    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--dry-run"]);

    expect(outcome.report).toContain("Dry run: 0 change(s) planned");
    expect(outcome.report).not.toMatch(/^(create|change)/m);
  });
});

describe("provision refuses before changing anything", () => {
  it("a number whose SMS capability is not enabled", async () => {
    await expectRefusedWithoutChange(["--phone-number", VOICE_NUMBER.phoneNumber], /SMS capability is not enabled \(capabilities: VOICE\)/);
  });

  it("a phone number the account does not have", async () => {
    await expectRefusedWithoutChange(["--phone-number", "+15005550000"], /no phone number with this id/);
  });

  it("a FIFO topic", async () => {
    const { TopicArn = "" } = await account.sns.send(
      new CreateTopicCommand({ Name: "replies.fifo", Attributes: { FifoTopic: "true" } }),
    );

    await expectRefusedWithoutChange(["--phone-number", SMS_NUMBER.phoneNumber, "--topic-arn", TopicArn], /FIFO topic/);
  });

  it("an existing topic whose policy does not let the SMS service publish, printing the statement to add", async () => {
    const { TopicArn = "" } = await account.sns.send(new CreateTopicCommand({ Name: "existing-replies" }));

    const report = await expectRefusedWithoutChange(
      ["--phone-number", SMS_NUMBER.phoneNumber, "--topic-arn", TopicArn],
      /does not let sms-voice\.amazonaws\.com publish/,
    );

    const statement = JSON.parse(report.slice(report.indexOf("{"), report.lastIndexOf("}") + 1)) as unknown;
    expect(statement).toEqual({
      Sid: "AllowEndUserMessagingSmsTwoWay",
      Effect: "Allow",
      Principal: { Service: "sms-voice.amazonaws.com" },
      Action: "sns:Publish",
      Resource: TopicArn,
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
  });

  it("an existing topic whose policy allows the SMS service only for another account", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sms-voice.amazonaws.com" },
          Action: "sns:Publish",
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
        },
      ],
    };
    const { TopicArn = "" } = await account.sns.send(
      new CreateTopicCommand({ Name: "other-account", Attributes: { Policy: JSON.stringify(policy) } }),
    );

    await expectRefusedWithoutChange(["--phone-number", SMS_NUMBER.phoneNumber, "--topic-arn", TopicArn], /does not let/);
  });

  it("an asymmetric KMS key", async () => {
    const key = account.kms.addKey({ keySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });

    await expectRefusedWithoutChange(["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", key.Arn], /not a symmetric encryption key \(KeySpec RSA_2048/);
  });

  it("a key whose policy lacks the SMS service's permissions, printing the statement to add", async () => {
    const key = account.kms.addKey();

    const report = await expectRefusedWithoutChange(
      ["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", key.KeyId],
      /does not let sms-voice\.amazonaws\.com use kms:GenerateDataKey and kms:Decrypt/,
    );
    expect(report).toContain('"kms:GenerateDataKey*"');
  });

  it("a key whose policy lets the SMS service use it for the number but not for the configuration set's events", async () => {
    const key = account.kms.addKey({
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sms-voice.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { ArnLike: { "aws:SourceArn": `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/*` } },
          },
        ],
      }),
    });

    const report = await expectRefusedWithoutChange(
      ["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", key.KeyId],
      new RegExp(`use kms:GenerateDataKey and kms:Decrypt for the delivery events of configuration set ${CONFIGURATION_SET} \\(aws:SourceArn ${CONFIGURATION_SET_ARN}\\)\\.`),
    );
    expect(report).not.toContain("two-way messages");
    expect(report).toContain(`"arn:aws:sms-voice:${REGION}:${ACCOUNT}:*"`);
  });

  it("an AWS managed key", async () => {
    account.kms.addKey({ keyManager: "AWS", alias: "alias/aws/sns" });

    await expectRefusedWithoutChange(["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", "alias/aws/sns"], /AWS managed key/);
  });

  it.each(["YES", "Si", "Sí", "OK", "2", "nope"])("the reply word %s as a keyword", async (word) => {
    await expectRefusedWithoutChange(
      ["--phone-number", SMS_NUMBER.phoneNumber, "--keyword", `${word}=Thanks!`],
      new RegExp(`^refuse\\s+keyword ${word}\\s+${word} is an approve/deny answer`, "m"),
    );
  });

  it("a reply word already registered on the number, whatever its action", async () => {
    await sms.send(
      new PutKeywordCommand({ OriginationIdentity: SMS_NUMBER.phoneNumberId, Keyword: "YES", KeywordMessage: "Subscribed!", KeywordAction: "OPT_IN" }),
    );

    await expectRefusedWithoutChange(
      ["--phone-number", SMS_NUMBER.phoneNumber],
      /already has YES \(OPT_IN\) registered.*delete-keyword --origination-identity phone-0123456789abcdef0123456789abcdef --keyword YES/s,
    );
  });
});

describe("provision accepts", () => {
  it("STOP and HELP keywords (their actions stay as AWS requires)", async () => {
    const outcome = await account.run([
      "--phone-number", SMS_NUMBER.phoneNumber,
      "--keyword", "STOP=You will get no more fraud alerts.",
      "--keyword", "HELP=Fraud alerts from Your bank.",
    ]);

    expect(outcome.result.outcome).toBe("applied");
    const { Keywords } = await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: SMS_NUMBER.phoneNumberId }));
    expect(Keywords).toEqual(
      expect.arrayContaining([
        { Keyword: "STOP", KeywordMessage: "You will get no more fraud alerts.", KeywordAction: "OPT_OUT" },
        { Keyword: "HELP", KeywordMessage: "Fraud alerts from Your bank.", KeywordAction: "AUTOMATIC_RESPONSE" },
      ]),
    );
  });

  it("an existing topic that grants the SMS service, subscribing the inbound queue to it without changing it", async () => {
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:bank-replies`;
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: ["sms-voice.amazonaws.com"] }, Action: "sns:*", Resource: topicArn }],
    });
    await account.sns.send(new CreateTopicCommand({ Name: "bank-replies", Attributes: { Policy: policy } }));

    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--topic-arn", topicArn]);

    expect(actions(outcome)[`sns topic bank-replies`]).toBe("keep");
    expect((await account.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.["Policy"]).toBe(policy);
    expect(account.mutatingCalls()).not.toContain("SNS.SetTopicAttributes");
    const inbound = await queueAttributes(outcome.environment["INBOUND_QUEUE_URL"] ?? "");
    expect(JSON.parse(inbound["Policy"] ?? "{}")).toMatchObject({ Statement: [{ Condition: { ArnEquals: { "aws:SourceArn": topicArn } } }] });
    expect(await phoneNumber()).toMatchObject({ TwoWayEnabled: true, TwoWayChannelArn: topicArn });
    const { topics } = await account.snapshot();
    expect(topics[INBOUND_TOPIC_ARN]).toBeUndefined();
    expect(topics[EVENTS_TOPIC_ARN]?.["KmsMasterKeyId"]).toBeUndefined();
  });

  it("an existing encrypted topic (the CDK stack's): the events topic takes the same key, and a second run keeps both", async () => {
    const key = account.kms.addKey({
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sms-voice.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:sms-voice:${REGION}:${ACCOUNT}:*` } },
          },
        ],
      }),
    });
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:stack-replies`;
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "sms-voice.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn }],
    });
    await account.sns.send(new CreateTopicCommand({ Name: "stack-replies", Attributes: { Policy: policy, KmsMasterKeyId: key.Arn } }));
    const argv = ["--phone-number", SMS_NUMBER.phoneNumber, "--topic-arn", topicArn];

    const first = await account.run(argv);

    expect(first.result.outcome).toBe("applied");
    expect((await account.sns.send(new GetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN }))).Attributes?.["KmsMasterKeyId"]).toBe(key.Arn);
    const second = await account.run(argv);
    expect(new Set(Object.values(actions(second)))).toEqual(new Set(["keep"]));
  });

  it("a customer managed symmetric key whose policy grants the SMS service", async () => {
    const key = account.kms.addKey({
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "sms-voice.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*" },
        ],
      }),
    });

    const outcome = await account.run(["--phone-number", SMS_NUMBER.phoneNumber, "--kms-key", key.KeyId]);

    expect(outcome.result.outcome).toBe("applied");
    const topic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: INBOUND_TOPIC_ARN }));
    expect(topic.Attributes?.["KmsMasterKeyId"]).toBe(key.Arn);
    const eventsTopic = await account.sns.send(new GetTopicAttributesCommand({ TopicArn: EVENTS_TOPIC_ARN }));
    expect(eventsTopic.Attributes?.["KmsMasterKeyId"]).toBe(key.Arn);
    expect(account.mutatingCalls().filter((call) => call.startsWith("KMS."))).toEqual([]);
  });
});
