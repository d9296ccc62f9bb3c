import {
  ConflictException,
  type PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { PermanentSmsError } from "../../errors.ts";
import type { OutboundSms, SmsSender } from "../../ports.ts";

export interface PinpointSenderSettings {
  originationIdentity: string;
  configurationSetName: string | undefined;
}

export class PinpointSmsSender implements SmsSender {
  readonly #client: PinpointSMSVoiceV2Client;
  readonly #settings: PinpointSenderSettings;

  constructor(client: PinpointSMSVoiceV2Client, settings: PinpointSenderSettings) {
    this.#client = client;
    this.#settings = settings;
  }

  async send(sms: OutboundSms): Promise<string> {
    try {
      const output = await this.#client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: sms.destinationPhoneNumber,
          OriginationIdentity: this.#settings.originationIdentity,
          MessageBody: sms.body,
          MessageType: "TRANSACTIONAL",
          ...(this.#settings.configurationSetName ? { ConfigurationSetName: this.#settings.configurationSetName } : {}),
          Context: { transactionId: sms.transactionId },
        }),
      );
      if (!output.MessageId) throw new Error("SendTextMessage answered without a MessageId");
      return output.MessageId;
    } catch (error) {
      throw classify(error);
    }
  }
}

/** Refusals that no retry can change become PermanentSmsError; everything else stays retryable. */
function classify(error: unknown): unknown {
  if (error instanceof ConflictException && error.Reason === "DESTINATION_PHONE_NUMBER_OPTED_OUT") {
    return new PermanentSmsError("destination opted out", { cause: error });
  }
  if (error instanceof ValidationException) {
    return new PermanentSmsError(`refused: ${error.Reason ?? "validation"}`, { cause: error });
  }
  return error;
}
