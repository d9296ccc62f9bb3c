// What the dev page shows, as one snapshot plus a stream of changes (sent over Server-Sent Events).
import type { ReceivedDecision } from "./decision-feed.ts";
import type { QueueDepth } from "./local-emulator.ts";
import type { PendingVerification } from "./pending-verifications.ts";
import type { ReceivedSms, SentSms, TwoWayPayload } from "./sms-sandbox/sms-sandbox.ts";

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
  | { type: "status"; data: PageStatus };

export function outboundMessage(sms: SentSms): PageMessage {
  return {
    direction: "out",
    id: sms.messageId,
    handset: sms.destinationPhoneNumber,
    from: sms.originationIdentity,
    body: sms.messageBody,
    at: sms.at.toISOString(),
    transactionId: sms.context?.["transactionId"] ?? null,
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

export function pageMessages(sent: readonly SentSms[], received: readonly ReceivedSms[]): PageMessage[] {
  return [...sent.map(outboundMessage), ...received.map(inboundMessage)].sort((a, b) => a.at.localeCompare(b.at));
}
