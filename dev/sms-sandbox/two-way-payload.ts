import { randomUUID } from "node:crypto";
import { matchKeyword, NO_KEYWORD, type KeywordRule } from "./inbound-keywords.ts";

/** The JSON AWS End User Messaging SMS publishes to a number's two-way SNS topic, field for field. */
export interface TwoWayPayload {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword: string;
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId: string;
}

export interface TwoWayInput {
  /** The handset. */
  originationNumber: string;
  /** The sandbox number texted. */
  destinationNumber: string;
  messageBody: string;
  /** The last message sent to the handset from that number; "" when there is none. */
  previousPublishedMessageId: string;
  registeredKeywords: readonly KeywordRule[];
}

export function buildTwoWayPayload(input: TwoWayInput): { payload: TwoWayPayload; keyword: KeywordRule | undefined } {
  const keyword = matchKeyword(input.messageBody, input.registeredKeywords);
  return {
    keyword,
    payload: {
      originationNumber: input.originationNumber,
      destinationNumber: input.destinationNumber,
      messageKeyword: keyword ? keyword.keyword.toUpperCase() : NO_KEYWORD,
      messageBody: input.messageBody,
      inboundMessageId: randomUUID(),
      previousPublishedMessageId: input.previousPublishedMessageId,
    },
  };
}
