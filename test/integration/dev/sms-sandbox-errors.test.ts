// Every exception the Pinpoint SMS Voice v2 model declares, as the real SDK client sees it from
// the sandbox: injected on each operation the project calls, and the sandbox's own refusals.
import {
  AccessDeniedException,
  ConflictException,
  DescribeKeywordsCommand,
  DescribeOptedOutNumbersCommand,
  DescribePhoneNumbersCommand,
  InternalServerException,
  PinpointSMSVoiceV2Client,
  PutKeywordCommand,
  ResourceNotFoundException,
  SendTextMessageCommand,
  ServiceQuotaExceededException,
  ThrottlingException,
  UpdatePhoneNumberCommand,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms-sandbox/sms-sandbox.ts";

const NUMBER = "+18885550100";
const HANDSET = "+14255550182";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: NUMBER }, { phoneNumber: "+18885550111" }, { phoneNumber: "+14255550100" }] });
  // One attempt: the SDK must surface each error as it is, not retry it away.
  sms = new PinpointSMSVoiceV2Client({
    region: "us-east-1",
    endpoint: sandbox.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sms?.destroy();
  await sandbox?.close();
});

beforeEach(() => sandbox.reset());

const OPERATIONS = {
  SendTextMessage: () =>
    sms.send(new SendTextMessageCommand({ DestinationPhoneNumber: HANDSET, OriginationIdentity: NUMBER, MessageBody: "Reply YES or NO" })),
  DescribePhoneNumbers: () => sms.send(new DescribePhoneNumbersCommand({})),
  DescribeOptedOutNumbers: () => sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Default" })),
  UpdatePhoneNumber: () => sms.send(new UpdatePhoneNumberCommand({ PhoneNumberId: numberId(), SelfManagedOptOutsEnabled: false })),
  PutKeyword: () =>
    sms.send(new PutKeywordCommand({ OriginationIdentity: numberId(), Keyword: "CARD", KeywordMessage: "Call us", KeywordAction: "AUTOMATIC_RESPONSE" })),
  DescribeKeywords: () => sms.send(new DescribeKeywordsCommand({ OriginationIdentity: numberId() })),
} as const;

function numberId(): string {
  return sandbox.phoneNumbers[0]?.PhoneNumberId ?? "";
}

const EXCEPTIONS = [
  { type: AccessDeniedException, fault: "client", status: 400, reason: "ACCOUNT_DISABLED" },
  { type: ConflictException, fault: "client", status: 400, reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT" },
  { type: InternalServerException, fault: "server", status: 500, reason: undefined },
  { type: ResourceNotFoundException, fault: "client", status: 400, reason: undefined },
  { type: ServiceQuotaExceededException, fault: "client", status: 400, reason: "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT" },
  { type: ThrottlingException, fault: "client", status: 400, reason: undefined },
  { type: ValidationException, fault: "client", status: 400, reason: "INVALID_PARAMETER" },
] as const;

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe.each(Object.entries(OPERATIONS))("%s", (operation, call) => {
  it("succeeds", async () => {
    await expect(call()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });

  it.each(EXCEPTIONS)("raises $type.name as the SDK models it", async ({ type, fault, status, reason }) => {
    sandbox.failNext(operation, { name: type.name, message: `injected ${type.name}`, ...(reason ? { reason } : {}) });

    const error = await failure(call);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ name: type.name, message: `injected ${type.name}`, $fault: fault, $metadata: { httpStatusCode: status } });
    if (reason) expect(error).toHaveProperty("Reason", reason);
    await expect(call()).resolves.toBeDefined();
  });
});

describe("the sandbox's own refusals", () => {
  it("SendTextMessage: an unknown MessageType is a ValidationException", async () => {
    const error = await failure(() =>
      sms.send(new SendTextMessageCommand({ DestinationPhoneNumber: HANDSET, OriginationIdentity: NUMBER, MessageBody: "x", MessageType: "BULK" as "TRANSACTIONAL" })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: "INVALID_PARAMETER", Fields: [{ Name: "MessageType" }] });
  });

  it("DescribePhoneNumbers: filters, pages, and refuses an unknown filter, a bad page size or token", async () => {
    const tollFree = await sms.send(new DescribePhoneNumbersCommand({ Filters: [{ Name: "number-type", Values: ["TOLL_FREE"] }] }));
    expect(tollFree.PhoneNumbers?.map((n) => n.PhoneNumber)).toEqual([NUMBER, "+18885550111"]);

    const first = await sms.send(new DescribePhoneNumbersCommand({ MaxResults: 2 }));
    const second = await sms.send(new DescribePhoneNumbersCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect([...(first.PhoneNumbers ?? []), ...(second.PhoneNumbers ?? [])]).toHaveLength(3);
    expect(second.NextToken).toBeUndefined();

    const unknownFilter = await failure(() => sms.send(new DescribePhoneNumbersCommand({ Filters: [{ Name: "colour" as "status", Values: ["blue"] }] })));
    const badSize = await failure(() => sms.send(new DescribePhoneNumbersCommand({ MaxResults: 101 })));
    const badToken = await failure(() => sms.send(new DescribePhoneNumbersCommand({ NextToken: "not-a-token" })));
    expect(unknownFilter).toMatchObject({ name: "ValidationException", Reason: "INVALID_FILTER_VALUES" });
    expect(badSize).toMatchObject({ name: "ValidationException", Reason: "INVALID_PARAMETER" });
    expect(badToken).toMatchObject({ name: "ValidationException", Reason: "INVALID_NEXT_TOKEN" });
  });

  it("DescribeOptedOutNumbers: selects numbers, refuses an unknown filter", async () => {
    sandbox.optOut(HANDSET);
    sandbox.optOut("+14255550199");

    const selected = await sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Default", OptedOutNumbers: [HANDSET] }));
    expect(selected.OptedOutNumbers?.map((n) => n.OptedOutNumber)).toEqual([HANDSET]);

    const error = await failure(() =>
      sms.send(new DescribeOptedOutNumbersCommand({ OptOutListName: "Default", Filters: [{ Name: "colour" as "end-user-opted-out", Values: ["blue"] }] })),
    );
    expect(error).toMatchObject({ name: "ValidationException", Reason: "INVALID_FILTER_VALUES" });
  });
});
