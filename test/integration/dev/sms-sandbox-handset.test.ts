import {
  ConflictException,
  DeleteKeywordCommand,
  DescribeOptedOutNumbersCommand,
  PinpointSMSVoiceV2Client,
  PutKeywordCommand,
  SendTextMessageCommand,
  UpdatePhoneNumberCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SNSClient } from "@aws-sdk/client-sns";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { snsInboundPublisher } from "../../../dev/sms-sandbox/sns-inbound-publisher.ts";
import { HandsetMessageError, startSmsSandbox, type SmsSandbox, type TwoWayPayload } from "../../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES, startAwsEnvironment, TOPICS, type AwsEnvironment } from "../../support/aws-environment.ts";

const NUMBER = "+18885550100";
const OTHER_NUMBER = "+18885550111";
const HANDSET = "+14255550182";
const OTHER_HANDSET = "+14255550199";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let aws: AwsEnvironment;
let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startAwsEnvironment();
  sns = new SNSClient({ region: "us-east-1", endpoint: aws.endpoint, credentials });
  sqs = new SQSClient({ region: "us-east-1", endpoint: aws.endpoint, credentials, useQueueUrlAsEndpoint: false });
  sandbox = await startSmsSandbox({
    phoneNumbers: [{ phoneNumber: NUMBER }, { phoneNumber: OTHER_NUMBER }],
    inboundPublisher: snsInboundPublisher(sns, aws.topicArn(TOPICS.inbound)),
  });
  sms = new PinpointSMSVoiceV2Client({ region: "us-east-1", endpoint: sandbox.url, credentials, maxAttempts: 1 });
});

afterAll(async () => {
  sms?.destroy();
  sns?.destroy();
  sqs?.destroy();
  await sandbox?.close();
  await aws?.stop();
});

beforeEach(() => {
  sandbox.reset();
});

function sendTo(destination: string, origination = NUMBER) {
  return sms.send(
    new SendTextMessageCommand({ DestinationPhoneNumber: destination, OriginationIdentity: origination, MessageBody: "Reply YES or NO" }),
  );
}

/** The next message on the inbound queue, unwrapped from its SNS envelope: what the service reads. */
async function nextInbound(): Promise<{ raw: string; payload: TwoWayPayload }> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queueUrl(QUEUES.inbound), WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
  );
  const [message] = Messages;
  if (!message) throw new Error("nothing reached the inbound queue");
  await sqs.send(new DeleteMessageCommand({ QueueUrl: aws.queueUrl(QUEUES.inbound), ReceiptHandle: message.ReceiptHandle }));
  const envelope = JSON.parse(message.Body ?? "") as { Type: string; TopicArn: string; Message: string };
  expect(envelope).toMatchObject({ Type: "Notification", TopicArn: aws.topicArn(TOPICS.inbound) });
  return { raw: envelope.Message, payload: JSON.parse(envelope.Message) as TwoWayPayload };
}

describe("a handset's message", () => {
  it("reaches the two-way topic as Pinpoint's payload, naming the last message sent to that handset from that number", async () => {
    await sendTo(HANDSET);
    const { MessageId: last } = await sendTo(HANDSET);
    await sendTo(OTHER_HANDSET);
    await sendTo(HANDSET, OTHER_NUMBER);

    const received = await sandbox.receiveFromHandset({ from: HANDSET, body: "Yes please" });
    const { raw, payload } = await nextInbound();

    expect(Object.keys(JSON.parse(raw) as object)).toEqual([
      "originationNumber", "destinationNumber", "messageKeyword", "messageBody", "inboundMessageId", "previousPublishedMessageId",
    ]);
    expect(payload).toEqual({
      originationNumber: HANDSET,
      destinationNumber: NUMBER,
      messageKeyword: "KEYWORD_000000000000",
      messageBody: "Yes please",
      inboundMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      previousPublishedMessageId: last,
    });
    expect(received.payload).toEqual(payload);
    expect(sandbox.received).toEqual([received]);
  });

  it("matches the sent message by phone number id and ARN as well as by number", async () => {
    const number = sandbox.phoneNumbers[0];
    const { MessageId: byId } = await sendTo(HANDSET, number?.PhoneNumberId);
    await sandbox.receiveFromHandset({ from: HANDSET, body: "y" });
    expect((await nextInbound()).payload.previousPublishedMessageId).toBe(byId);

    const { MessageId: byArn } = await sendTo(HANDSET, number?.PhoneNumberArn);
    await sandbox.receiveFromHandset({ from: HANDSET, body: "y" });
    expect((await nextInbound()).payload.previousPublishedMessageId).toBe(byArn);
  });

  it("carries an empty previousPublishedMessageId when nothing was sent to it, or when it starts a new thread", async () => {
    await sandbox.receiveFromHandset({ from: HANDSET, body: "hello" });
    expect((await nextInbound()).payload.previousPublishedMessageId).toBe("");

    await sendTo(HANDSET);
    await sandbox.receiveFromHandset({ from: HANDSET, body: "hello", previousPublishedMessageId: null });
    expect((await nextInbound()).payload.previousPublishedMessageId).toBe("");
  });

  it("goes to the number it names", async () => {
    const { MessageId } = await sendTo(HANDSET, OTHER_NUMBER);
    await sandbox.receiveFromHandset({ from: HANDSET, to: OTHER_NUMBER, body: "NO" });
    expect((await nextInbound()).payload).toMatchObject({ destinationNumber: OTHER_NUMBER, previousPublishedMessageId: MessageId });
  });

  it("names the keyword it starts with: HELP, STOP and the other opt-out and opt-in words", async () => {
    const keywords: string[] = [];
    for (const body of ["help me", "stop", "Opt-Out", "stopall!", "UNSTOP", "start", "STOPPING is not STOP"]) {
      await sandbox.receiveFromHandset({ from: HANDSET, body });
      keywords.push((await nextInbound()).payload.messageKeyword);
    }
    expect(keywords).toEqual(["HELP", "STOP", "OPT-OUT", "STOPALL", "UNSTOP", "START", "KEYWORD_000000000000"]);
  });

  it("refuses what no handset can send", async () => {
    await expect(sandbox.receiveFromHandset({ from: "4255550182", body: "YES" })).rejects.toBeInstanceOf(HandsetMessageError);
    await expect(sandbox.receiveFromHandset({ from: HANDSET, body: "  " })).rejects.toThrow(/empty/);
    await expect(sandbox.receiveFromHandset({ from: HANDSET, body: "x".repeat(1601) })).rejects.toThrow(/1600/);
    await expect(sandbox.receiveFromHandset({ from: HANDSET, to: "+18885550999", body: "YES" })).rejects.toThrow(/not a sandbox phone number/);
    expect(sandbox.received).toHaveLength(0);
  });

  it("notifies 'received' listeners", async () => {
    const seen: string[] = [];
    const listener = (m: { payload: TwoWayPayload }) => seen.push(m.payload.messageBody);
    sandbox.on("received", listener);
    await sandbox.receiveFromHandset({ from: HANDSET, body: "one" });
    sandbox.off("received", listener);
    await sandbox.receiveFromHandset({ from: HANDSET, body: "two" });
    await nextInbound();
    await nextInbound();
    expect(seen).toEqual(["one"]);
  });
});

describe("opt-out by the handset", () => {
  it("STOP puts the handset on the opt-out list, after which SendTextMessage fails as AWS fails", async () => {
    const received = await sandbox.receiveFromHandset({ from: HANDSET, body: "STOP" });
    expect(received.optOut).toBe("added");
    expect((await nextInbound()).payload.messageKeyword).toBe("STOP");

    const error = await sendTo(HANDSET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT", $metadata: { httpStatusCode: 400 } });

    const listed = await sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Default" }));
    expect(listed.OptedOutNumbers).toEqual([
      { OptedOutNumber: HANDSET, EndUserOptedOut: true, OptedOutTimestamp: expect.any(Date) as Date },
    ]);
  });

  it.each(["STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE", "REMOVE", "ARRET", "TD"])(
    "%s opts out too",
    async (word) => {
      await sandbox.receiveFromHandset({ from: HANDSET, body: word.toLowerCase() });
      await nextInbound();
      expect(sandbox.isOptedOut(HANDSET)).toBe(true);
    },
  );

  it("START and UNSTOP take the handset off the list; other replies leave the list alone", async () => {
    for (const [body, expected] of [["STOP", true], ["YES", true], ["START", false], ["STOP", true], ["unstop", false], ["no", false]] as const) {
      await sandbox.receiveFromHandset({ from: HANDSET, body });
      await nextInbound();
      expect(sandbox.isOptedOut(HANDSET), body).toBe(expected);
    }
    await expect(sendTo(HANDSET)).resolves.toHaveProperty("MessageId");
  });
});

describe("keywords and opt-out settings set through the API", () => {
  const numberId = () => sandbox.phoneNumbers[0]?.PhoneNumberId ?? "";

  it("names a keyword registered with PutKeyword, and applies its OPT_OUT or OPT_IN action", async () => {
    await sms.send(new PutKeywordCommand({ OriginationIdentity: numberId(), Keyword: "Lost", KeywordMessage: "Call us", KeywordAction: "AUTOMATIC_RESPONSE" }));
    await sms.send(new PutKeywordCommand({ OriginationIdentity: numberId(), Keyword: "NOMORE", KeywordMessage: "Bye", KeywordAction: "OPT_OUT" }));
    await sms.send(new PutKeywordCommand({ OriginationIdentity: numberId(), Keyword: "AGAIN", KeywordMessage: "Hi", KeywordAction: "OPT_IN" }));
    try {
      await sandbox.receiveFromHandset({ from: HANDSET, body: "lost my card" });
      expect((await nextInbound()).payload.messageKeyword).toBe("LOST");
      expect(sandbox.isOptedOut(HANDSET)).toBe(false);

      await sandbox.receiveFromHandset({ from: HANDSET, body: "nomore" });
      expect((await nextInbound()).payload.messageKeyword).toBe("NOMORE");
      expect(sandbox.isOptedOut(HANDSET)).toBe(true);

      await sandbox.receiveFromHandset({ from: HANDSET, body: "again" });
      expect((await nextInbound()).payload.messageKeyword).toBe("AGAIN");
      expect(sandbox.isOptedOut(HANDSET)).toBe(false);

      // Keywords belong to a number: the other number does not know them.
      await sandbox.receiveFromHandset({ from: HANDSET, to: OTHER_NUMBER, body: "lost" });
      expect((await nextInbound()).payload.messageKeyword).toBe("KEYWORD_000000000000");
    } finally {
      for (const keyword of ["Lost", "NOMORE", "AGAIN"]) {
        await sms.send(new DeleteKeywordCommand({ OriginationIdentity: numberId(), Keyword: keyword }));
      }
    }
  });

  it("leaves the opt-out list to the owner of a number with self-managed opt-outs, and still publishes STOP", async () => {
    await sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: numberId(), SelfManagedOptOutsEnabled: true }));
    try {
      const received = await sandbox.receiveFromHandset({ from: HANDSET, body: "STOP" });
      expect(received.optOut).toBeUndefined();
      expect((await nextInbound()).payload.messageKeyword).toBe("STOP");
      expect(sandbox.isOptedOut(HANDSET)).toBe(false);
    } finally {
      await sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: numberId(), SelfManagedOptOutsEnabled: false }));
    }
  });
});
