import { EventEmitter } from "node:events";
import type { SentSms } from "./sent-messages.ts";

/** What a handset's carrier does with texts: deliver them, or fail them as unreachable or blocked. */
export type HandsetReachability = "reachable" | "unreachable" | "blocked";

/** One SMS event as AWS End User Messaging SMS publishes it to a configuration set's event destination. */
export interface DeliveryEvent {
  eventType: string;
  eventVersion: "1.0";
  eventTimestamp: number;
  isFinal: boolean;
  originationPhoneNumber: string;
  destinationPhoneNumber: string;
  isInternationalSend: boolean;
  messageId: string;
  messageRequestTimestamp: number;
  messageEncoding: "GSM" | "UCS2";
  messageType: string;
  messageStatus: string;
  messageStatusDescription: string;
  context?: Record<string, string>;
  totalMessageParts: number;
}

export type DeliveryEventPublisher = (event: DeliveryEvent) => Promise<void>;
export type DeliveryEventListener = (event: DeliveryEvent) => void;

export interface DeliveryTiming {
  /** After the send, when TEXT_QUEUED is reported (default 50 ms). */
  queuedAfterMs?: number;
  /** After the send, when the final event (delivered, or the handset's failure) is reported (default 500 ms). */
  finalAfterMs?: number;
}

const finalEvents: Record<HandsetReachability, { eventType: string; status: string; description: string }> = {
  reachable: { eventType: "TEXT_DELIVERED", status: "DELIVERED", description: "Message has been accepted by the handset" },
  unreachable: {
    eventType: "TEXT_CARRIER_UNREACHABLE",
    status: "CARRIER_UNREACHABLE",
    description: "The destination carrier could not be reached",
  },
  blocked: { eventType: "TEXT_BLOCKED", status: "BLOCKED", description: "The destination phone number is blocked" },
};

/** Close enough for a sandbox: plain ASCII as GSM, anything else as UCS-2. */
function encodingOf(body: string): "GSM" | "UCS2" {
  return [...body].every((char) => char.charCodeAt(0) < 128) ? "GSM" : "UCS2";
}

/**
 * The carrier side of the sandbox: every accepted text is reported queued, then delivered or (for
 * a handset switched to unreachable or blocked) failed a moment later, through the publisher (an
 * SNS topic, as an event destination does). Each text's status is kept on its SentSms.
 */
export class DeliveryReports {
  readonly list: DeliveryEvent[] = [];
  readonly #publisher: DeliveryEventPublisher | undefined;
  readonly #queuedAfterMs: number;
  readonly #finalAfterMs: number;
  readonly #reachability = new Map<string, HandsetReachability>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #events = new EventEmitter<{ delivery: [DeliveryEvent] }>();

  constructor(publisher: DeliveryEventPublisher | undefined, timing: DeliveryTiming = {}) {
    this.#publisher = publisher;
    this.#queuedAfterMs = timing.queuedAfterMs ?? 50;
    this.#finalAfterMs = timing.finalAfterMs ?? 500;
    this.#events.setMaxListeners(0);
  }

  setReachability(phoneNumber: string, reachability: HandsetReachability): void {
    if (reachability === "reachable") this.#reachability.delete(phoneNumber);
    else this.#reachability.set(phoneNumber, reachability);
  }

  reachabilityOf(phoneNumber: string): HandsetReachability {
    return this.#reachability.get(phoneNumber) ?? "reachable";
  }

  /** The handsets switched to unreachable or blocked. */
  notReachable(): ReadonlyMap<string, HandsetReachability> {
    return new Map(this.#reachability);
  }

  /** Schedules the events of a text just accepted (the handset's reachability is read when it is sent). */
  textSent(sms: SentSms): void {
    const final = finalEvents[this.reachabilityOf(sms.destinationPhoneNumber)];
    this.#later(this.#queuedAfterMs, () => this.#report(sms, "TEXT_QUEUED", "QUEUED", "Message is queued at the carrier", false));
    this.#later(this.#finalAfterMs, () => this.#report(sms, final.eventType, final.status, final.description, true));
  }

  on(listener: DeliveryEventListener): void {
    this.#events.on("delivery", listener);
  }

  off(listener: DeliveryEventListener): void {
    this.#events.off("delivery", listener);
  }

  clear(): void {
    this.list.length = 0;
    this.#reachability.clear();
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, delayMs);
    this.#timers.add(timer);
  }

  #report(sms: SentSms, eventType: string, status: string, description: string, isFinal: boolean): void {
    const event: DeliveryEvent = {
      eventType,
      eventVersion: "1.0",
      eventTimestamp: Date.now(),
      isFinal,
      originationPhoneNumber: sms.originationIdentity,
      destinationPhoneNumber: sms.destinationPhoneNumber,
      isInternationalSend: false,
      messageId: sms.messageId,
      messageRequestTimestamp: sms.at.getTime(),
      messageEncoding: encodingOf(sms.messageBody),
      messageType: sms.messageType ?? "TRANSACTIONAL",
      messageStatus: status,
      messageStatusDescription: description,
      ...(sms.context ? { context: sms.context } : {}),
      totalMessageParts: 1,
    };
    sms.deliveryStatus = status;
    this.list.push(event);
    this.#events.emit("delivery", event);
    // A publish that fails is lost, as an event destination's would be after its retries.
    this.#publisher?.(event).catch(() => undefined);
  }
}
