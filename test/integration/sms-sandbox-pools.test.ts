// The sandbox's phone pools and origination identities, through the real SDK client: what the
// service relies on when ORIGINATION_IDENTITY is a phone number id/ARN or a pool.
import {
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  ListPoolOriginationIdentitiesCommand,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException,
  SendTextMessageCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";

const FIRST = "+18885550100";
const SECOND = "+18885550101";
const OUTSIDE = "+18885550199";
const FIRST_ID = "phone-00000000000000000000000000000001";
const POOL_ID = "pool-0123456789abcdef0123456789abcdef";
const POOL_ARN = `arn:aws:sms-voice:us-east-1:000000000000:pool/${POOL_ID}`;
const CARDHOLDER = "+14255550182";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  sandbox = await startSmsSandbox({
    phoneNumbers: [{ phoneNumber: FIRST, phoneNumberId: FIRST_ID }, { phoneNumber: SECOND }, { phoneNumber: OUTSIDE }],
    pools: [{ poolId: POOL_ID, phoneNumbers: [FIRST, SECOND] }],
  });
  sms = new PinpointSMSVoiceV2Client({ endpoint: sandbox.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});
afterAll(async () => {
  sms.destroy();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const send = (originationIdentity: string) =>
  sms.send(new SendTextMessageCommand({ DestinationPhoneNumber: CARDHOLDER, OriginationIdentity: originationIdentity, MessageBody: "hello", MessageType: "TRANSACTIONAL" }));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("DescribePools and ListPoolOriginationIdentities", () => {
  it("describe the pool by id and by ARN, and list its numbers", async () => {
    const byId = await sms.send(new DescribePoolsCommand({ PoolIds: [POOL_ID] }));
    const byArn = await sms.send(new DescribePoolsCommand({ PoolIds: [POOL_ARN] }));
    const all = await sms.send(new DescribePoolsCommand({}));
    expect(byId.Pools).toEqual([
      expect.objectContaining({ PoolId: POOL_ID, PoolArn: POOL_ARN, Status: "ACTIVE", MessageType: "TRANSACTIONAL", TwoWayEnabled: true, OptOutListName: "Default" }),
    ]);
    expect(byArn.Pools?.map((p) => p.PoolId)).toEqual([POOL_ID]);
    expect(all.Pools?.map((p) => p.PoolId)).toEqual([POOL_ID]);

    const listed = await sms.send(new ListPoolOriginationIdentitiesCommand({ PoolId: POOL_ARN }));
    expect(listed.PoolId).toBe(POOL_ID);
    expect(listed.OriginationIdentities?.map((o) => o.PhoneNumber)).toEqual([FIRST, SECOND]);
    expect(listed.OriginationIdentities?.[0]).toMatchObject({
      OriginationIdentity: FIRST_ID,
      OriginationIdentityArn: `arn:aws:sms-voice:us-east-1:000000000000:phone-number/${FIRST_ID}`,
      IsoCountryCode: "US",
      NumberCapabilities: ["SMS"],
    });
  });

  it("show each member number's PoolId in DescribePhoneNumbers", async () => {
    const { PhoneNumbers } = await sms.send(new DescribePhoneNumbersCommand({}));
    expect(PhoneNumbers?.map((n) => [n.PhoneNumber, n.PoolId])).toEqual([
      [FIRST, POOL_ID],
      [SECOND, POOL_ID],
      [OUTSIDE, undefined],
    ]);
  });

  it("raise ResourceNotFoundException for an unknown pool", async () => {
    const unknown = "pool-ffffffffffffffffffffffffffffffff";
    expect(await rejectionOf(sms.send(new DescribePoolsCommand({ PoolIds: [unknown] })))).toMatchObject({ name: "ResourceNotFoundException", ResourceType: "pool", ResourceId: unknown });
    expect(await rejectionOf(sms.send(new ListPoolOriginationIdentitiesCommand({ PoolId: unknown })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("SendTextMessage origination identities", () => {
  it("sends from the number an E.164 number, id or ARN names, and from a pool's number", async () => {
    for (const identity of [FIRST, FIRST_ID, `arn:aws:sms-voice:us-east-1:000000000000:phone-number/${FIRST_ID}`, POOL_ID, POOL_ARN]) {
      await send(identity);
    }
    await send(OUTSIDE);
    expect(sandbox.sent.map((m) => [m.originationIdentity, m.originationNumber])).toEqual([
      [FIRST, FIRST],
      [FIRST_ID, FIRST],
      [`arn:aws:sms-voice:us-east-1:000000000000:phone-number/${FIRST_ID}`, FIRST],
      [POOL_ID, FIRST],
      [POOL_ARN, FIRST],
      [OUTSIDE, OUTSIDE],
    ]);
  });

  it("refuses an id or ARN that names no number or pool, as AWS does", async () => {
    for (const [identity, type] of [
      ["phone-ffffffffffffffffffffffffffffffff", "phone-number"],
      ["arn:aws:sms-voice:us-east-1:000000000000:phone-number/phone-ffffffffffffffffffffffffffffffff", "phone-number"],
      ["pool-ffffffffffffffffffffffffffffffff", "pool"],
      ["arn:aws:sms-voice:us-east-1:000000000000:pool/pool-ffffffffffffffffffffffffffffffff", "pool"],
    ] as const) {
      expect(await rejectionOf(send(identity)), identity).toMatchObject({ name: "ResourceNotFoundException", ResourceType: type, ResourceId: identity });
    }
    expect(sandbox.sent).toHaveLength(0);
  });

  it("threads a handset's reply to the pool's number onto the message the pool sent", async () => {
    const { MessageId } = await send(POOL_ID);
    const received = await sandbox.receiveFromHandset({ from: CARDHOLDER, to: FIRST, body: "YES" });
    expect(received.payload.previousPublishedMessageId).toBe(MessageId);
    expect(received.payload.destinationNumber).toBe(FIRST);
  });
});
