// The sandbox's maxPartsPerSecond as the real SDK client sees it: ThrottlingException above the rate.
import { PinpointSMSVoiceV2Client, SendTextMessageCommand, ThrottlingException } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms-sandbox/sms-sandbox.ts";

const NUMBER = "+18885550100";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: NUMBER }], maxPartsPerSecond: 0.5 });
  // One attempt: the SDK must surface the throttling, not retry it away.
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

describe("SMS sandbox with maxPartsPerSecond", () => {
  it("throttles SendTextMessage above the rate, records only what it accepted, and counts the throttles", async () => {
    const send = (index: number) =>
      sms.send(
        new SendTextMessageCommand({ DestinationPhoneNumber: `+1425555010${index}`, OriginationIdentity: NUMBER, MessageBody: "Reply YES or NO" }),
      );
    // One part per 2 s: however slow the machine, four calls at once get one slot.
    const results = await Promise.allSettled([0, 1, 2, 3].map(send));
    const refused = results.filter((result) => result.status === "rejected");
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const result of refused) expect(result.reason).toBeInstanceOf(ThrottlingException);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.throttled).toBe(3);
  });
});
