import {
  ConflictException,
  DeleteKeywordCommand,
  DescribeKeywordsCommand,
  DescribePhoneNumbersCommand,
  PinpointSMSVoiceV2Client,
  PutKeywordCommand,
  ResourceNotFoundException,
  UpdatePhoneNumberCommand,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { KeywordAction } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import type { SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";

const SMS_ID = "phone-0123456789abcdef0123456789abcdef";
const VOICE_ID = "phone-ffffffffffffffffffffffffffffffff";
const KEYWORDS_ID = "phone-00000000000000000000000000000001";
const NO_CHANNEL_ID = "phone-00000000000000000000000000000002";
const TOPIC = "arn:aws:sns:us-east-1:000000000000:two-way-sms";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  sandbox = await startSmsSandbox({
    phoneNumbers: [
      { phoneNumber: "+18885550100", phoneNumberId: SMS_ID, twoWayEnabled: false },
      { phoneNumber: "+18885550199", phoneNumberId: VOICE_ID, numberCapabilities: ["VOICE"], twoWayEnabled: false },
      { phoneNumber: "+18885550111", phoneNumberId: KEYWORDS_ID },
      { phoneNumber: "+18885550122", phoneNumberId: NO_CHANNEL_ID, twoWayEnabled: false },
    ],
  });
  sms = new PinpointSMSVoiceV2Client({ region: "us-east-1", endpoint: sandbox.url });
});

afterAll(async () => {
  sms.destroy();
  await sandbox.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function describeNumber(id: string) {
  const { PhoneNumbers } = await sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [id] }));
  return PhoneNumbers?.[0];
}

describe("phone number configuration", () => {
  it("describes a configured number's capabilities and two-way state", async () => {
    expect(await describeNumber(VOICE_ID)).toMatchObject({ NumberCapabilities: ["VOICE"], TwoWayEnabled: false });
    expect((await describeNumber(VOICE_ID))?.TwoWayChannelArn).toBeUndefined();
  });
});

describe("UpdatePhoneNumber", () => {
  it("enables two-way SMS, and DescribePhoneNumbers shows it", async () => {
    const updated = await sms.send(
      new UpdatePhoneNumberCommand({
        PhoneNumberId: SMS_ID,
        TwoWayEnabled: true,
        TwoWayChannelArn: TOPIC,
        TwoWayChannelRole: "arn:aws:iam::000000000000:role/sms-two-way",
        SelfManagedOptOutsEnabled: true,
        DeletionProtectionEnabled: true,
      }),
    );

    const expected = {
      PhoneNumberId: SMS_ID,
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC,
      TwoWayChannelRole: "arn:aws:iam::000000000000:role/sms-two-way",
      SelfManagedOptOutsEnabled: true,
      DeletionProtectionEnabled: true,
    };
    expect(updated).toMatchObject(expected);
    expect(await describeNumber(SMS_ID)).toMatchObject(expected);
    const { PhoneNumbers } = await sms.send(
      new DescribePhoneNumbersCommand({ Filters: [{ Name: "two-way-channel-arn", Values: [TOPIC] }] }),
    );
    expect(PhoneNumbers?.map((n) => n.PhoneNumberId)).toEqual([SMS_ID]);
  });

  it("refuses two-way SMS on a number whose SMS capability is not enabled", async () => {
    const error = await rejectionOf(
      sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: VOICE_ID, TwoWayEnabled: true, TwoWayChannelArn: TOPIC })),
    );

    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: "NUMBER_CAPABILITIES_MISMATCH", ResourceId: VOICE_ID });
    expect(await describeNumber(VOICE_ID)).toMatchObject({ TwoWayEnabled: false });
  });

  it("needs a channel to enable two-way SMS", async () => {
    const error = await rejectionOf(sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: NO_CHANNEL_ID, TwoWayEnabled: true })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: "TWO_WAY_CHANNEL_NOT_PRESENT" });
  });

  it.each([
    [{ TwoWayChannelArn: "my-topic" }, "INVALID_ARN"],
    [{ TwoWayChannelRole: "arn:aws:sns:us-east-1:000000000000:t" }, "INVALID_ARN"],
  ])("validates %j", async (fields, reason) => {
    const error = await rejectionOf(sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: SMS_ID, ...fields })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: reason });
  });

  it("raises ResourceNotFoundException for an unknown number or opt-out list", async () => {
    expect(await rejectionOf(sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: "phone-nope" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(
      await rejectionOf(sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: SMS_ID, OptOutListName: "Other" }))),
    ).toMatchObject({ name: "ResourceNotFoundException", ResourceType: "opt-out-list" });
  });
});

describe("keywords", () => {
  it("every number starts with the mandatory HELP and STOP", async () => {
    const described = await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: KEYWORDS_ID }));

    expect(described.OriginationIdentity).toBe(KEYWORDS_ID);
    expect(described.OriginationIdentityArn).toBe(`arn:aws:sms-voice:us-east-1:000000000000:phone-number/${KEYWORDS_ID}`);
    expect(described.Keywords?.map((k) => [k.Keyword, k.KeywordAction])).toEqual([
      ["HELP", "AUTOMATIC_RESPONSE"],
      ["STOP", "OPT_OUT"],
    ]);
  });

  it("PutKeyword adds or rewords a keyword; DescribeKeywords filters; DeleteKeyword removes it", async () => {
    const put = await sms.send(
      new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "JOIN", KeywordMessage: "Welcome", KeywordAction: "OPT_IN" }),
    );
    expect(put).toMatchObject({ OriginationIdentity: KEYWORDS_ID, Keyword: "JOIN", KeywordMessage: "Welcome", KeywordAction: "OPT_IN" });
    await sms.send(new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "join", KeywordMessage: "Hello again" }));
    await sms.send(new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "HELP", KeywordMessage: "Fraud alerts" }));

    const optIn = await sms.send(
      new DescribeKeywordsCommand({ OriginationIdentity: KEYWORDS_ID, Filters: [{ Name: "keyword-action", Values: ["AUTOMATIC_RESPONSE"] }] }),
    );
    expect(optIn.Keywords).toEqual([
      { Keyword: "HELP", KeywordMessage: "Fraud alerts", KeywordAction: "AUTOMATIC_RESPONSE" },
      { Keyword: "join", KeywordMessage: "Hello again", KeywordAction: "AUTOMATIC_RESPONSE" },
    ]);

    const deleted = await sms.send(new DeleteKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "JOIN" }));
    expect(deleted).toMatchObject({ Keyword: "join" });
    const { Keywords } = await sms.send(new DescribeKeywordsCommand({ OriginationIdentity: KEYWORDS_ID, Keywords: ["JOIN"] }));
    expect(Keywords).toEqual([]);
  });

  it("a registered keyword names the keyword of an inbound message", async () => {
    await sms.send(new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "BALANCE", KeywordMessage: "Balance soon" }));

    const received = await sandbox.receiveFromHandset({ from: "+14255550182", to: "+18885550111", body: "balance please" });

    expect(received.payload.messageKeyword).toBe("BALANCE");
  });

  it("HELP and STOP can't be deleted, nor their actions changed", async () => {
    expect(await rejectionOf(sms.send(new DeleteKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "stop" })))).toMatchObject({
      name: "ConflictException",
      Reason: "RESOURCE_DELETION_NOT_ALLOWED",
      ResourceType: "keyword",
    });
    expect(
      await rejectionOf(
        sms.send(new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "STOP", KeywordMessage: "x", KeywordAction: "AUTOMATIC_RESPONSE" })),
      ),
    ).toBeInstanceOf(ValidationException);
  });

  it.each([
    [{ Keyword: "", KeywordMessage: "x" }, "MISSING_PARAMETER"],
    [{ Keyword: "A".repeat(31), KeywordMessage: "x" }, "MAXIMUM_SIZE_EXCEEDED"],
    [{ Keyword: "JOIN", KeywordMessage: "x".repeat(1601) }, "MAXIMUM_SIZE_EXCEEDED"],
    [{ Keyword: "JOIN", KeywordMessage: "x", KeywordAction: "SUBSCRIBE" as KeywordAction }, "INVALID_PARAMETER"],
  ])("PutKeyword validates %#", async (fields, reason) => {
    const error = await rejectionOf(
      sms.send(new PutKeywordCommand({ OriginationIdentity: KEYWORDS_ID, ...fields })),
    );

    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: reason });
  });

  it("raises ResourceNotFoundException for an unknown number or keyword", async () => {
    expect(await rejectionOf(sms.send(new DescribeKeywordsCommand({ OriginationIdentity: "phone-nope" })))).toMatchObject({
      name: "ResourceNotFoundException",
      ResourceType: "phone-number",
    });
    expect(await rejectionOf(sms.send(new DeleteKeywordCommand({ OriginationIdentity: KEYWORDS_ID, Keyword: "NOPE" })))).toMatchObject({
      name: "ResourceNotFoundException",
      ResourceType: "keyword",
      ResourceId: "NOPE",
    });
  });
});
