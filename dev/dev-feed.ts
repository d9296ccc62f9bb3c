// What the dev page shows, as one snapshot plus a stream of changes (sent over Server-Sent Events).
import { deliveryStatusOf, type DeliveryStatus } from "../src/domain/sms-delivery-event.ts";
import type { ReceivedDecision } from "./decision-feed.ts";
import type { QueueDepth } from "./local-emulator.ts";
import type { PendingVerification } from "./pending-verifications.ts";
import type { DeliveryEvent, HandsetReachability, ReceivedSms, SentSms, TwoWayPayload } from "./sms-sandbox/sms-sandbox.ts";

/** A text's latest delivery event, as the carrier (the sandbox) reported it. */
export interface PageDelivery {
  messageId: string;
  handset: string;
  eventType: string;
  /** What the service makes of the event type (null for a type it ignores). */
  status: DeliveryStatus | null;
  isFinal: boolean;
  at: string;
}

export type PageMessage =
  | {
      direction: "out";
      id: string;
      handset: string;
      /** The OriginationIdentity the service sent from. */
      from: string;
      body: string;
      at: string;
      transactionId: string | null;
      /** null until the carrier reports the text. */
      delivery: PageDelivery | null;
    }
  | {
      direction: "in";
      id: string;
      handset: string;
      /** The sandbox number texted. */
      to: string;
      body: string;
      at: string;
      optOut: "added" | "removed" | null;
      /** Exactly what was published to the two-way SNS topic. */
      payload: TwoWayPayload;
    };

export interface PageStatus {
  queues: QueueDepth[];
  optedOut: string[];
  /** The handsets switched to unreachable or blocked; every other one is reachable. */
  notReachable: Record<string, HandsetReachability>;
}

export interface PageInfo {
  originationNumber: string;
  emulatorEndpoint: string;
  smsSandboxUrl: string;
  redis: string;
  namespace: string;
  /** The service's operations server (/healthz, /readyz, /metrics). */
  opsUrl: string;
  topology: {
    requestsQueue: string;
    inboundTopic: string;
    inboundQueue: string;
    decisionsTopic: string;
    decisionsQueue: string;
    /** The configuration set's event destination (delivery events) and the queue the service reads them from. */
    smsEventsTopic: string;
    smsEventsQueue: string;
  };
}

export interface PageSnapshot extends PageStatus {
  info: PageInfo;
  messages: PageMessage[];
  pending: PendingVerification[];
  decisions: ReceivedDecision[];
}

export type PageEvent =
  | { type: "message"; data: PageMessage }
  | { type: "pending"; data: PendingVerification[] }
  | { type: "decision"; data: ReceivedDecision }
  | { type: "delivery"; data: PageDelivery }
  | { type: "status"; data: PageStatus };

export function pageDelivery(event: DeliveryEvent): PageDelivery {
  return {
    messageId: event.messageId,
    handset: event.destinationPhoneNumber,
    eventType: event.eventType,
    status: deliveryStatusOf(event.eventType),
    isFinal: event.isFinal,
    at: new Date(event.eventTimestamp).toISOString(),
  };
}

/** Each text's latest delivery, by messageId: a final event is never replaced by a later non-final one. */
export function latestDeliveries(events: readonly DeliveryEvent[]): Map<string, PageDelivery> {
  const latest = new Map<string, PageDelivery>();
  for (const event of events) {
    if (latest.get(event.messageId)?.isFinal && !event.isFinal) continue;
    latest.set(event.messageId, pageDelivery(event));
  }
  return latest;
}

export function outboundMessage(sms: SentSms, delivery: PageDelivery | null): PageMessage {
  return {
    direction: "out",
    id: sms.messageId,
    handset: sms.destinationPhoneNumber,
    from: sms.originationIdentity,
    body: sms.messageBody,
    at: sms.at.toISOString(),
    transactionId: sms.context?.["transactionId"] ?? null,
    delivery,
  };
}

export function inboundMessage(sms: ReceivedSms): PageMessage {
  return {
    direction: "in",
    id: sms.payload.inboundMessageId,
    handset: sms.payload.originationNumber,
    to: sms.payload.destinationNumber,
    body: sms.payload.messageBody,
    at: sms.at.toISOString(),
    optOut: sms.optOut ?? null,
    payload: sms.payload,
  };
}

export function pageMessages(sent: readonly SentSms[], received: readonly ReceivedSms[], deliveryEvents: readonly DeliveryEvent[]): PageMessage[] {
  const deliveries = latestDeliveries(deliveryEvents);
  const outbound = sent.map((sms) => outboundMessage(sms, deliveries.get(sms.messageId) ?? null));
  return [...outbound, ...received.map(inboundMessage)].sort((a, b) => a.at.localeCompare(b.at));
}
