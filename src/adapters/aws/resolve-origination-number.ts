import { DescribePhoneNumbersCommand, type PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";

const e164 = /^\+[1-9]\d{7,14}$/;
const phoneNumberIdOrArn = /^(phone-[0-9a-f]+|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:phone-number\/phone-[0-9a-f]+)$/i;

/**
 * The E.164 number replies must be addressed to: the identity itself when it is a number, the
 * number behind a phone number id/ARN (looked up once at start-up), and none for a pool or sender id.
 */
export async function resolveOriginationNumber(
  client: PinpointSMSVoiceV2Client,
  originationIdentity: string,
): Promise<string | undefined> {
  if (e164.test(originationIdentity)) return originationIdentity;
  if (!phoneNumberIdOrArn.test(originationIdentity)) return undefined;
  const found = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [originationIdentity] }));
  const number = found.PhoneNumbers?.[0]?.PhoneNumber;
  if (!number) throw new Error(`ORIGINATION_IDENTITY ${originationIdentity} names no phone number`);
  return number;
}
