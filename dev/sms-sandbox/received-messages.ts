import { EventEmitter } from "node:events";
import type { KeywordAction } from "./inbound-keywords.ts";
import type { TwoWayPayload } from "./two-way-payload.ts";

/** A message a simulated handset sent to a sandbox number. */
export interface ReceivedSms {
  payload: TwoWayPayload;
  /** The matched keyword's action, if any. */
  keywordAction: KeywordAction | undefined;
  /** What the message did to the opt-out list. */
  optOut: "added" | "removed" | undefined;
  at: Date;
}

export type ReceivedSmsListener = (sms: ReceivedSms) => void;

export class ReceivedMessages {
  readonly list: ReceivedSms[] = [];
  readonly #events = new EventEmitter<{ received: [ReceivedSms] }>();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  record(sms: ReceivedSms): void {
    this.list.push(sms);
    this.#events.emit("received", sms);
  }

  on(listener: ReceivedSmsListener): void {
    this.#events.on("received", listener);
  }

  off(listener: ReceivedSmsListener): void {
    this.#events.off("received", listener);
  }

  clear(): void {
    this.list.length = 0;
  }
}
