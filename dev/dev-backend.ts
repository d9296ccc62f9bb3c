import { EventEmitter } from "node:events";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { VerificationRequest } from "../src/domain/messages.ts";
import type { DecisionFeed, ReceivedDecision } from "./decision-feed.ts";
import { inboundMessage, outboundMessage, pageDelivery, pageMessages, type PageEvent, type PageInfo, type PageStatus } from "./dev-feed.ts";
import type { DevBackend, HandsetForm } from "./dev-server.ts";
import type { HandledMessages } from "./handled-messages.ts";
import type { LocalEmulator } from "./local-emulator.ts";
import type { PendingVerifications } from "./pending-verifications.ts";
import { reachabilityFromForm } from "./reachability-form.ts";
import { requestFromForm } from "./request-form.ts";
import { HandsetMessageError, type DeliveryEvent, type ReceivedSms, type SentSms, type SmsSandbox } from "./sms-sandbox/sms-sandbox.ts";

export interface BackendParts {
  info: PageInfo;
  sqs: SQSClient;
  requestsQueueUrl: string;
  emulator: LocalEmulator;
  sandbox: SmsSandbox;
  decisions: DecisionFeed;
  handled: HandledMessages;
  pending: PendingVerifications;
}

export interface LocalBackend extends DevBackend {
  /** Sends a request to the requests queue, as a card system would. */
  sendRequest(request: VerificationRequest): Promise<void>;
  stop(): void;
}

const STATUS_INTERVAL_MS = 1000;

/** Joins the sandbox, the decision feed, the pending list and the queues into what the dev page shows. */
export function createLocalBackend(parts: BackendParts): LocalBackend {
  const { sandbox, decisions, pending, emulator } = parts;
  const events = new EventEmitter<{ event: [PageEvent] }>();
  events.setMaxListeners(0);
  const emit = (event: PageEvent) => events.emit("event", event);

  const handsets = () => [...new Set([...sandbox.sent.map((s) => s.destinationPhoneNumber), ...sandbox.received.map((r) => r.payload.originationNumber)])];
  const status = (): PageStatus => ({
    queues: emulator.depths(),
    optedOut: handsets().filter((n) => sandbox.isOptedOut(n)),
    notReachable: Object.fromEntries(sandbox.handsetsNotReachable()),
  });

  const onSent = (sms: SentSms) => {
    emit({ type: "message", data: outboundMessage(sms, null) });
    const transactionId = sms.context?.["transactionId"];
    if (transactionId) void pending.track(transactionId);
  };
  const onReceived = (sms: ReceivedSms) => {
    emit({ type: "message", data: inboundMessage(sms) });
    if (sms.optOut) pushStatus();
  };
  const onDelivery = (event: DeliveryEvent) => emit({ type: "delivery", data: pageDelivery(event) });
  const onDecision = (decision: ReceivedDecision) => {
    emit({ type: "decision", data: decision });
    void pending.decided(decision.event.transactionId);
  };
  sandbox.on("sent", onSent);
  sandbox.on("received", onReceived);
  sandbox.on("delivery", onDelivery);
  decisions.on(onDecision);
  const stopPending = pending.onChange((list) => emit({ type: "pending", data: list }));
  // A handled request or reply may have changed a verification's state (SENDING → OPEN, a code).
  const stopHandled = parts.handled.on(() => void pending.refresh());

  let lastStatus = JSON.stringify(status());
  function pushStatus() {
    const next = status();
    const serialized = JSON.stringify(next);
    if (serialized === lastStatus) return;
    lastStatus = serialized;
    emit({ type: "status", data: next });
  }
  const ticker = setInterval(pushStatus, STATUS_INTERVAL_MS);

  const sendRequest = async (request: VerificationRequest) => {
    await parts.sqs.send(new SendMessageCommand({ QueueUrl: parts.requestsQueueUrl, MessageBody: JSON.stringify(request) }));
    await pending.track(request.transactionId);
  };

  return {
    snapshot: () => ({
      info: parts.info,
      messages: pageMessages(sandbox.sent, sandbox.received, sandbox.deliveryEvents),
      pending: [...pending.list],
      decisions: [...decisions.decisions],
      ...status(),
    }),
    subscribe(listener) {
      events.on("event", listener);
      return () => events.off("event", listener);
    },
    async submitRequest(form) {
      const request = requestFromForm(form);
      await sendRequest(request);
      return { transactionId: request.transactionId };
    },
    async sendFromHandset(form: HandsetForm) {
      if (typeof form.from !== "string" || typeof form.body !== "string") {
        throw new HandsetMessageError("from and body must be strings");
      }
      const received = await sandbox.receiveFromHandset({
        from: form.from.replace(/[\s().-]/g, ""),
        body: form.body,
        ...(form.newThread === true ? { previousPublishedMessageId: null } : {}),
      });
      return inboundMessage(received);
    },
    setHandsetReachability(form) {
      const { handset, reachability } = reachabilityFromForm(form);
      sandbox.setHandsetReachability(handset, reachability);
      pushStatus();
      return { handset, reachability };
    },
    sendRequest,
    stop() {
      clearInterval(ticker);
      sandbox.off("sent", onSent);
      sandbox.off("received", onReceived);
      sandbox.off("delivery", onDelivery);
      decisions.off(onDecision);
      stopPending();
      stopHandled();
      events.removeAllListeners();
    },
  };
}
