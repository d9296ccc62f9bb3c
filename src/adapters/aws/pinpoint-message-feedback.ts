import { type PinpointSMSVoiceV2Client, PutMessageFeedbackCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { MessageFeedback } from "../../ports.ts";

/** PutMessageFeedback RECEIVED for a text sent with MessageFeedbackEnabled. */
export class PinpointMessageFeedback implements MessageFeedback {
  readonly #client: PinpointSMSVoiceV2Client;

  constructor(client: PinpointSMSVoiceV2Client) {
    this.#client = client;
  }

  async received(messageId: string): Promise<void> {
    await this.#client.send(new PutMessageFeedbackCommand({ MessageId: messageId, MessageFeedbackStatus: "RECEIVED" }));
  }
}
