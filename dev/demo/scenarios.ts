import type { DemoContext, DemoOutcome } from "./demo-context.ts";

export interface Scenario {
  name: string;
  /** How many decisions it waits for. */
  decisions: number;
  run(demo: DemoContext): Promise<DemoOutcome[]>;
}

// Fictional numbers (555-01xx): one handset per scenario so they can all run at once.
const HANDSETS = {
  approve: "+12065550101",
  deny: "+12065550102",
  expire: "+12065550103",
  stop: "+12065550104",
  twoPending: "+12065550105",
  unreachable: "+12065550106",
} as const;

/** The contract: a failure event decides UNDELIVERABLE within 5 s. */
const UNDELIVERABLE_WITHIN_MS = 5_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "approve",
    decisions: 1,
    async run(demo) {
      const { request } = await demo.request("approve", { phoneNumber: HANDSETS.approve });
      await demo.text(HANDSETS.approve, "Yes");
      return [
        {
          label: "approve",
          expected: "APPROVED",
          expectedCorrelation: "previousPublishedMessageId",
          story: 'handset replies "Yes"',
          received: await demo.decision(request.transactionId),
        },
      ];
    },
  },
  {
    name: "deny",
    decisions: 1,
    async run(demo) {
      const { request } = await demo.request("deny", {
        phoneNumber: HANDSETS.deny,
        amountMinor: 89900,
        currency: "EUR",
        merchant: "NIGHT OWL ELECTRONICS",
        locale: "en-IE",
      });
      await demo.text(HANDSETS.deny, "NO");
      return [
        {
          label: "deny",
          expected: "DENIED",
          expectedCorrelation: "previousPublishedMessageId",
          story: 'handset replies "NO"',
          received: await demo.decision(request.transactionId),
        },
      ];
    },
  },
  {
    name: "no reply",
    decisions: 1,
    async run(demo) {
      const { request } = await demo.request("expire", { phoneNumber: HANDSETS.expire, expiresInSeconds: 30, merchant: "CORNER KIOSK" });
      return [
        {
          label: "no reply",
          expected: "EXPIRED",
          story: "no reply within the 30 s window",
          received: await demo.decision(request.transactionId),
        },
      ];
    },
  },
  {
    name: "STOP",
    decisions: 1,
    async run(demo) {
      const { request } = await demo.request("stop", { phoneNumber: HANDSETS.stop, merchant: "GADGET HUB" });
      await demo.text(HANDSETS.stop, "STOP");
      const received = await demo.decision(request.transactionId);
      if (!demo.isOptedOut(HANDSETS.stop)) throw new Error("STOP did not put the handset on the sandbox's opt-out list");
      return [{ label: "STOP", expected: "OPTED_OUT", story: 'handset texts "STOP" (now on the opt-out list)', received }];
    },
  },
  {
    name: "handset unreachable",
    decisions: 1,
    async run(demo) {
      demo.setCarrier(HANDSETS.unreachable, "unreachable");
      const { request, question } = await demo.request("unreachable", { phoneNumber: HANDSETS.unreachable, merchant: "FUEL STOP 7", expiresInSeconds: 600 });
      const failure = await demo.finalDelivery(question.messageId);
      const received = await demo.decision(request.transactionId);
      const decidedAt = Date.parse(received.event.decidedAt);
      return [
        {
          label: "unreachable",
          expected: "UNDELIVERABLE",
          expectedReason: "TEXT_CARRIER_UNREACHABLE",
          decidedWithin: { since: failure.eventTimestamp, ms: UNDELIVERABLE_WITHIN_MS, after: `the carrier's ${failure.eventType}` },
          story:
            `the carrier reports ${failure.eventType}; decided ${seconds(decidedAt - Date.parse(received.event.requestedAt))} after the request ` +
            `(${decidedAt - failure.eventTimestamp} ms after the event), not after its ${request.expiresInSeconds} s window`,
          received,
        },
      ];
    },
  },
  {
    name: "two pending on one phone",
    decisions: 2,
    async run(demo) {
      const phone = HANDSETS.twoPending;
      const taxi = await demo.request("taxi", { phoneNumber: phone, amountMinor: 1850, currency: "GBP", merchant: "CITY TAXI", locale: "en-GB" });
      const pizza = await demo.request("pizza", { phoneNumber: phone, amountMinor: 3200, merchant: "PIZZA PALACE" });
      const seen = new Set([taxi.question.messageId, pizza.question.messageId]);
      // A message that opens a new thread carries no previousPublishedMessageId, so with two open
      // the service cannot tell which one it answers: it texts back the list with their codes.
      const askForCode = demo.nextSmsTo(phone, seen);
      await demo.text(phone, "yes", { previousPublishedMessageId: null });
      seen.add((await askForCode).messageId);
      const [taxiCode, pizzaCode] = await Promise.all([demo.referenceCode(taxi.request.transactionId), demo.referenceCode(pizza.request.transactionId)]);

      await demo.text(phone, `NO ${taxiCode}`);
      const taxiDecision = await demo.decision(taxi.request.transactionId);
      await demo.text(phone, `YES ${pizzaCode}`);
      const pizzaDecision = await demo.decision(pizza.request.transactionId);
      return [
        {
          label: "two pending: taxi",
          expected: "DENIED",
          expectedCorrelation: "referenceCode",
          story: `"yes" in a new thread is ambiguous, the service lists the codes; handset replies "NO ${taxiCode}"`,
          received: taxiDecision,
        },
        {
          label: "two pending: pizza",
          expected: "APPROVED",
          expectedCorrelation: "referenceCode",
          story: `handset replies "YES ${pizzaCode}"`,
          received: pizzaDecision,
        },
      ];
    },
  },
];
