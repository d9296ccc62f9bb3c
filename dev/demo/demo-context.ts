import type { VerificationRequest } from "../../src/domain/messages.ts";
import type { Decision } from "../../src/domain/verification.ts";
import type { ReceivedDecision } from "../decision-feed.ts";
import type { LocalSystem } from "../local-system.ts";
import { newTransactionId } from "../request-form.ts";
import type { DeliveryEvent, HandsetMessage, HandsetReachability, ReceivedSms, SentSms } from "../sms-sandbox/sms-sandbox.ts";

const SMS_WAIT_MS = 15_000;
/** Long enough for a 30 s reply window, plus the contract's 5 s to publish EXPIRED, plus slack. */
const DECISION_WAIT_MS = 60_000;

/** One decision a scenario expects, and the one the system published. */
export interface DemoOutcome {
  label: string;
  expected: Decision;
  expectedCorrelation?: "previousPublishedMessageId" | "referenceCode" | "phoneNumber";
  /** The undeliverableReason the decision must carry. */
  expectedReason?: string;
  /** The decision must be recorded within `ms` of `since` (epoch ms), e.g. the contract's 5 s after a failure event. */
  decidedWithin?: { since: number; ms: number; after: string };
  /** What the handset did, for the printed line. */
  story: string;
  received: ReceivedDecision;
}

/** What scenarios do, each step waiting on an event (an SMS sent, a decision received), never on time. */
export class DemoContext {
  readonly #system: LocalSystem;

  constructor(system: LocalSystem) {
    this.#system = system;
  }

  /**
   * Sends a verification request and waits for the question SMS it causes and for the service to
   * have recorded it (a real handset cannot answer faster than that).
   */
  async request(name: string, fields: Partial<VerificationRequest> & { phoneNumber: string }): Promise<{ request: VerificationRequest; question: SentSms }> {
    const request: VerificationRequest = {
      type: "verification.requested",
      transactionId: newTransactionId(`demo-${name}`),
      amountMinor: 12540,
      currency: "USD",
      merchant: "ACME STORE #42",
      cardLast4: "4242",
      locale: "en-US",
      metadata: { scenario: name },
      ...fields,
    };
    const question = this.#system.sandbox.waitForSms((sms) => sms.context?.["transactionId"] === request.transactionId, SMS_WAIT_MS);
    const recorded = this.#system.handled.waitFor(
      (handled) => handled.queue === "requests" && handled.transactionId === request.transactionId,
      SMS_WAIT_MS,
    );
    await this.#system.sendRequest(request);
    const [sms] = await Promise.all([question, recorded]);
    return { request, question: sms };
  }

  /** The next SMS the service sends the handset that is not one of `seen`. */
  nextSmsTo(phoneNumber: string, seen: ReadonlySet<string>): Promise<SentSms> {
    return this.#system.sandbox.waitForSms((sms) => sms.destinationPhoneNumber === phoneNumber && !seen.has(sms.messageId), SMS_WAIT_MS);
  }

  text(from: string, body: string, options: Pick<HandsetMessage, "previousPublishedMessageId"> = {}): Promise<ReceivedSms> {
    return this.#system.sandbox.receiveFromHandset({ from, body, ...options });
  }

  decision(transactionId: string): Promise<ReceivedDecision> {
    return this.#system.decisions.waitFor(transactionId, DECISION_WAIT_MS);
  }

  async referenceCode(transactionId: string): Promise<string> {
    const verification = await this.#system.service.context.store.get(transactionId);
    if (!verification?.referenceCode) throw new Error(`${transactionId} has no reference code`);
    return verification.referenceCode;
  }

  /** What the handset's carrier does with the next texts (the sandbox then reports their failure). */
  setCarrier(phoneNumber: string, reachability: HandsetReachability): void {
    this.#system.sandbox.setHandsetReachability(phoneNumber, reachability);
  }

  /** The text's final delivery event (delivered or failed), already reported or the next one. */
  finalDelivery(messageId: string): Promise<DeliveryEvent> {
    const { sandbox } = this.#system;
    const isFinal = (event: DeliveryEvent) => event.messageId === messageId && event.isFinal;
    const reported = sandbox.deliveryEvents.find(isFinal);
    if (reported) return Promise.resolve(reported);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sandbox.off("delivery", listener);
        reject(new Error(`no final delivery event for ${messageId} within ${SMS_WAIT_MS} ms`));
      }, SMS_WAIT_MS);
      const listener = (event: DeliveryEvent) => {
        if (!isFinal(event)) return;
        clearTimeout(timer);
        sandbox.off("delivery", listener);
        resolve(event);
      };
      sandbox.on("delivery", listener);
    });
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.#system.sandbox.isOptedOut(phoneNumber);
  }
}
