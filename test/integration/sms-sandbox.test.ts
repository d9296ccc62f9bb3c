import {
  ConflictException,
  DeleteOptedOutNumberCommand,
  DescribeOptedOutNumbersCommand,
  DescribePhoneNumbersCommand,
  PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
  ResourceNotFoundException,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { SendTextMessageCommandInput } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import type { SentSms, SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";

const ORIGINATION = "+18885550100";
const PHONE_NUMBER_ID = "phone-0123456789abcdef0123456789abcdef";
const CARDHOLDER = "+14255550182";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

function clientFor(url: string, maxAttempts?: number): PinpointSMSVoiceV2Client {
  return new PinpointSMSVoiceV2Client({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

function send(overrides: Partial<SendTextMessageCommandInput> = {}, client = sms) {
  return client.send(
    new SendTextMessageCommand({
      DestinationPhoneNumber: CARDHOLDER,
      OriginationIdentity: ORIGINATION,
      MessageBody: "Your bank: approve USD 125.40 at ACME STORE #42 with card 4242? Reply YES or NO",
      MessageType: "TRANSACTIONAL",
      ...overrides,
    }),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

// Sends the body in chunks without a content-length, so the limit is enforced while streaming.
function chunkedCall(target: string, chunk: string, chunks: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      sandbox.url,
      { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (part: string) => (body += part));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    for (let i = 0; i < chunks; i++) req.write(chunk);
    req.end();
  });
}

function rawCall(target: string, body: string): Promise<Response> {
  return fetch(sandbox.url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body,
  });
}

beforeAll(async () => {
  sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: ORIGINATION, phoneNumberId: PHONE_NUMBER_ID }] });
  sms = clientFor(sandbox.url);
});

afterAll(async () => {
  sms.destroy();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.reset();
});

describe("SendTextMessage", () => {
  it("accepts a valid message and records every field", async () => {
    const output = await send({
      ConfigurationSetName: "fraud-alerts",
      Context: { transactionId: "txn-8f2c91" },
    });

    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.sent).toEqual([
      {
        messageId: output.MessageId,
        destinationPhoneNumber: CARDHOLDER,
        originationIdentity: ORIGINATION,
        originationNumber: ORIGINATION,
        messageBody: "Your bank: approve USD 125.40 at ACME STORE #42 with card 4242? Reply YES or NO",
        messageType: "TRANSACTIONAL",
        configurationSetName: "fraud-alerts",
        context: { transactionId: "txn-8f2c91" },
        at: expect.any(Date) as Date,
      },
    ]);
    expect(sandbox.callCount("SendTextMessage")).toBe(1);
    expect(sandbox.requests[0]?.body).toMatchObject({ DestinationPhoneNumber: CARDHOLDER });
  });

  it("refuses an opted-out destination with ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT", async () => {
    sandbox.optOut(CARDHOLDER);

    const error = await rejectionOf(send());

    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({
      name: "ConflictException",
      Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT",
      ResourceType: "opt-out-list",
      $fault: "client",
    });
    expect(sandbox.sent).toHaveLength(0);
  });

  it("refuses a destination that is not E.164 with ValidationException INVALID_PARAMETER", async () => {
    const error = await rejectionOf(send({ DestinationPhoneNumber: "4255550182" }));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({
      Reason: "INVALID_PARAMETER",
      Fields: [{ Name: "DestinationPhoneNumber", Message: expect.any(String) as string }],
    });
  });

  it("requires OriginationIdentity and a MessageBody of at most 1600 characters", async () => {
    const missingOrigination = await rejectionOf(send({ OriginationIdentity: undefined }));
    const tooLong = await rejectionOf(send({ MessageBody: "x".repeat(1601) }));

    expect(missingOrigination).toBeInstanceOf(ValidationException);
    expect(missingOrigination).toMatchObject({ Reason: "MISSING_PARAMETER" });
    expect(tooLong).toBeInstanceOf(ValidationException);
    await expect(send({ MessageBody: "x".repeat(1600) })).resolves.toHaveProperty("MessageId");
  });

  it("is retried by the SDK after an injected ThrottlingException", async () => {
    sandbox.failNext("SendTextMessage", { name: "ThrottlingException", message: "Rate exceeded" });

    const output = await send();

    expect(output.$metadata.attempts).toBe(2);
    expect(sandbox.callCount("SendTextMessage")).toBe(2);
    expect(sandbox.sent.map((m) => m.messageId)).toEqual([output.MessageId]);
  });

  it("surfaces ThrottlingException once the SDK runs out of attempts", async () => {
    const twoAttempts = clientFor(sandbox.url, 2);
    sandbox.failNext("SendTextMessage", { name: "ThrottlingException", message: "Rate exceeded" }, 3);

    const error = await rejectionOf(send({}, twoAttempts));
    twoAttempts.destroy();

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: "Rate exceeded", $metadata: { attempts: 2, httpStatusCode: 400 } });
    expect(sandbox.callCount("SendTextMessage")).toBe(2);
    expect(sandbox.sent).toHaveLength(0);
  });

  it("answers an injected InternalServerException with status 500, which the SDK retries", async () => {
    sandbox.failNext("SendTextMessage", { name: "InternalServerException" });

    const output = await send();

    expect(output.$metadata.attempts).toBe(2);
    expect(sandbox.sent).toHaveLength(1);
  });
});

describe("DescribePhoneNumbers", () => {
  it("lists the configured numbers", async () => {
    const { PhoneNumbers } = await sms.send(new DescribePhoneNumbersCommand({}));

    expect(PhoneNumbers).toEqual([
      expect.objectContaining({
        PhoneNumberId: PHONE_NUMBER_ID,
        PhoneNumberArn: `arn:aws:sms-voice:us-east-1:000000000000:phone-number/${PHONE_NUMBER_ID}`,
        PhoneNumber: ORIGINATION,
        Status: "ACTIVE",
        MessageType: "TRANSACTIONAL",
        NumberCapabilities: ["SMS"],
        NumberType: "TOLL_FREE",
        TwoWayEnabled: true,
        OptOutListName: "Default",
        CreatedTimestamp: expect.any(Date) as Date,
      }),
    ]);
  });

  it("finds a number by id and by ARN", async () => {
    const arn = sandbox.phoneNumbers[0]?.PhoneNumberArn ?? "";

    const byId = await sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [PHONE_NUMBER_ID] }));
    const byArn = await sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [arn] }));

    expect(byId.PhoneNumbers?.map((n) => n.PhoneNumber)).toEqual([ORIGINATION]);
    expect(byArn.PhoneNumbers?.map((n) => n.PhoneNumberId)).toEqual([PHONE_NUMBER_ID]);
  });

  it("raises ResourceNotFoundException for an unknown id", async () => {
    const error = await rejectionOf(
      sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: ["phone-ffffffffffffffffffffffffffffffff"] })),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      ResourceType: "phone-number",
      ResourceId: "phone-ffffffffffffffffffffffffffffffff",
    });
  });
});

describe("waitForSms", () => {
  const toCardholder = (m: SentSms) => m.destinationPhoneNumber === CARDHOLDER;

  it("resolves with a message sent after the wait started", async () => {
    const waiting = sandbox.waitForSms(toCardholder);
    const { MessageId } = await send();

    await expect(waiting).resolves.toMatchObject({ messageId: MessageId });
  });

  it("resolves with a message sent before the wait started", async () => {
    const { MessageId } = await send();

    await expect(sandbox.waitForSms(toCardholder)).resolves.toMatchObject({ messageId: MessageId });
  });

  it("ignores messages that do not match and rejects after the timeout", async () => {
    await send({ DestinationPhoneNumber: "+14255550199" });

    await expect(sandbox.waitForSms(toCardholder, 50)).rejects.toThrow(/no matching SMS within 50 ms/);
  });

  it("notifies 'sent' listeners", async () => {
    const seen: SentSms[] = [];
    const listener = (m: SentSms) => seen.push(m);
    sandbox.on("sent", listener);
    await send();
    sandbox.off("sent", listener);
    await send();

    expect(seen).toHaveLength(1);
  });
});

describe("opt-out list", () => {
  it("adds, describes and deletes opted-out numbers through the API", async () => {
    const put = await sms.send(
      new PutOptedOutNumberCommand({ OptOutListName: "Default", OptedOutNumber: CARDHOLDER }),
    );
    expect(put).toMatchObject({
      OptOutListName: "Default",
      OptedOutNumber: CARDHOLDER,
      EndUserOptedOut: false,
      OptedOutTimestamp: expect.any(Date) as Date,
    });
    expect(sandbox.isOptedOut(CARDHOLDER)).toBe(true);
    await expect(send()).rejects.toBeInstanceOf(ConflictException);

    const described = await sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Default" }));
    expect(described.OptedOutNumbers?.map((n) => n.OptedOutNumber)).toEqual([CARDHOLDER]);

    await sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: "Default", OptedOutNumber: CARDHOLDER }));
    expect(sandbox.isOptedOut(CARDHOLDER)).toBe(false);
    await expect(send()).resolves.toHaveProperty("MessageId");
  });

  it("marks numbers opted out by the handset as EndUserOptedOut and filters on it", async () => {
    sandbox.optOut(CARDHOLDER);
    await sms.send(new PutOptedOutNumberCommand({ OptOutListName: "Default", OptedOutNumber: "+14255550199" }));

    const byHandset = await sms.send(
      new DescribeOptedOutNumbersCommand({
        OptOutListName: "Default",
        Filters: [{ Name: "end-user-opted-out", Values: ["true"] }],
      }),
    );
    expect(byHandset.OptedOutNumbers).toEqual([
      { OptedOutNumber: CARDHOLDER, EndUserOptedOut: true, OptedOutTimestamp: expect.any(Date) as Date },
    ]);

    sandbox.optIn(CARDHOLDER);
    expect(sandbox.isOptedOut(CARDHOLDER)).toBe(false);
  });

  it("raises ResourceNotFoundException for an unknown list or a number not on the list", async () => {
    const unknownList = await rejectionOf(sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Other" })));
    const notOptedOut = await rejectionOf(
      sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: "Default", OptedOutNumber: CARDHOLDER })),
    );

    expect(unknownList).toBeInstanceOf(ResourceNotFoundException);
    expect(unknownList).toMatchObject({ ResourceType: "opt-out-list", ResourceId: "Other" });
    expect(notOptedOut).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("wire protocol", () => {
  it("answers an unknown operation with 400 UnknownOperationException", async () => {
    const response = await rawCall("PinpointSMSVoiceV2.SendVoiceMessage", "{}");

    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(await response.json()).toMatchObject({ __type: "UnknownOperationException" });
  });

  it("answers malformed JSON with ValidationException", async () => {
    const response = await rawCall("PinpointSMSVoiceV2.SendTextMessage", "{not json");

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: "ValidationException", Reason: "CANNOT_PARSE" });
  });

  it("refuses a body over 1 MB", async () => {
    const response = await rawCall("PinpointSMSVoiceV2.SendTextMessage", "x".repeat(1024 * 1024 + 1));

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ __type: "ValidationException", Reason: "MAXIMUM_SIZE_EXCEEDED" });
  });

  it("refuses a chunked body once it passes 1 MB", async () => {
    const response = await chunkedCall("PinpointSMSVoiceV2.SendTextMessage", "x".repeat(64 * 1024), 17);

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ __type: "ValidationException" });
    expect(sandbox.callCount("SendTextMessage")).toBe(0);
  });
});
