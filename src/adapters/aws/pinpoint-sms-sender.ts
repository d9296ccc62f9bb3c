import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { OutboundSms, SmsSender } from "../../ports.ts";
import { classifySendError } from "./classify-send-error.ts";

export interface PinpointSenderSettings {
  originationIdentity: string;
  configurationSetName: string | undefined;
  /** SMS_MESSAGE_FEEDBACK: questions are sent with MessageFeedbackEnabled (a reply reports RECEIVED). */
  messageFeedback?: boolean;
  protectConfigurationId?: string | undefined;
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
          ...(sms.timeToLiveSeconds !== undefined ? { TimeToLive: sms.timeToLiveSeconds } : {}),
          ...(this.#settings.messageFeedback && sms.kind === "question" ? { MessageFeedbackEnabled: true } : {}),
          ...(this.#settings.protectConfigurationId ? { ProtectConfigurationId: this.#settings.protectConfigurationId } : {}),
        }),
        sms.signal ? { abortSignal: sms.signal } : {},
      );
      if (!output.MessageId) throw new Error("SendTextMessage answered without a MessageId");
      return output.MessageId;
    } catch (error) {
      throw classifySendError(error);
    }
  }
}
