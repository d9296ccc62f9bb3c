import { EventEmitter } from "node:events";

export interface SentSms {
  messageId: string;
  destinationPhoneNumber: string;
  originationIdentity: string;
  /** The sandbox number the message left from (the one the identity names, or a pool's number); absent for a sender id. */
  originationNumber?: string;
  messageBody: string;
  messageType: string | undefined;
  configurationSetName: string | undefined;
  context: Record<string, string> | undefined;
  timeToLive?: number | undefined;
  messageFeedbackEnabled?: boolean | undefined;
  protectConfigurationId?: string | undefined;
  at: Date;
  /** The messageStatus of its latest delivery event (QUEUED, DELIVERED, CARRIER_UNREACHABLE...). */
  deliveryStatus?: string;
  /** What PutMessageFeedback reported for it. */
  feedback?: "RECEIVED" | "FAILED";
}

export type SentSmsListener = (sms: SentSms) => void;

interface SentEvents {
  sent: [SentSms];
  closed: [];
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export class SentMessages {
  readonly list: SentSms[] = [];
  readonly #events = new EventEmitter<SentEvents>();

  constructor() {
    // Any number of tests may wait at once; this is not a leak.
    this.#events.setMaxListeners(0);
  }

  record(sms: SentSms): void {
    this.list.push(sms);
    this.#events.emit("sent", sms);
  }

  on(listener: SentSmsListener): void {
    this.#events.on("sent", listener);
  }

  off(listener: SentSmsListener): void {
    this.#events.off("sent", listener);
  }

  waitFor(predicate: (sms: SentSms) => boolean, timeoutMs: number): Promise<SentSms> {
    return new Promise((resolve, reject) => {
      let match: SentSms | undefined;
      try {
        match = this.list.find(predicate);
      } catch (error) {
        reject(asError(error));
        return;
      }
      if (match) {
        resolve(match);
        return;
      }
      const cleanUp = () => {
        clearTimeout(timer);
        this.#events.off("sent", onSent);
        this.#events.off("closed", onClosed);
      };
      const onSent = (sms: SentSms) => {
        try {
          if (!predicate(sms)) return;
        } catch (error) {
          cleanUp();
          reject(asError(error));
          return;
        }
        cleanUp();
        resolve(sms);
      };
      const onClosed = () => {
        cleanUp();
        reject(new Error("waitForSms: the SMS sandbox was closed before a matching SMS was sent"));
      };
      const timer = setTimeout(() => {
        cleanUp();
        reject(
          new Error(
            `waitForSms: no matching SMS within ${timeoutMs} ms (${this.list.length} SMS sent, none matched)`,
          ),
        );
      }, timeoutMs);
      this.#events.on("sent", onSent);
      this.#events.once("closed", onClosed);
    });
  }

  /** Rejects every pending waitFor. */
  close(): void {
    this.#events.emit("closed");
  }

  clear(): void {
    this.list.length = 0;
  }
}
