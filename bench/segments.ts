/** Figure 6: how often the verification question fits one SMS segment, over realistic requests. */
import { countSegments, toGsmFriendly } from "../src/domain/sms-segments.ts";
import { renderQuestion } from "../src/domain/sms-text.ts";
import { generateRealisticRequests } from "./realistic-requests.ts";
import { Random } from "./random.ts";
import { ratio } from "./statistics.ts";

export const BRAND = "Your bank";

export interface SegmentFigures {
  requests: number;
  seed: number;
  /** Questions (no reference code, the usual case) that fit one segment. */
  oneSegment: number;
  oneSegmentShare: number | null;
  /** The same requests rendered with a reference code (another verification open for the phone). */
  withReferenceCode: { oneSegment: number; oneSegmentShare: number | null };
  /** Encoding of the question without a code. */
  encodings: { "GSM-7": number; "UCS-2": number };
  /** Number of questions needing 1, 2, 3 or more segments. */
  segments: { "1": number; "2": number; "3+": number };
  /** Questions whose merchant was shortened to fit. */
  merchantShortened: number;
}

function shownMerchant(merchant: string): string {
  return toGsmFriendly(merchant).replace(/\s+/gu, " ").trim();
}

export function measureSegments(count: number, seed: number): SegmentFigures {
  const requests = generateRealisticRequests(count, seed);
  const codes = new Random(seed ^ 0x5eed);
  let oneSegment = 0;
  let oneSegmentWithCode = 0;
  let merchantShortened = 0;
  const encodings = { "GSM-7": 0, "UCS-2": 0 };
  const segments = { "1": 0, "2": 0, "3+": 0 };
  for (const request of requests) {
    const input = { brand: BRAND, ...request };
    const question = renderQuestion({ ...input, referenceCode: null });
    const counted = countSegments(question);
    encodings[counted.encoding] += 1;
    if (counted.segments === 1) oneSegment += 1;
    segments[counted.segments === 1 ? "1" : counted.segments === 2 ? "2" : "3+"] += 1;
    if (!question.includes(shownMerchant(request.merchant))) merchantShortened += 1;
    const withCode = renderQuestion({ ...input, referenceCode: String(codes.int(100, 999)) });
    if (countSegments(withCode).segments === 1) oneSegmentWithCode += 1;
  }
  return {
    requests: count,
    seed,
    oneSegment,
    oneSegmentShare: ratio(oneSegment, count),
    withReferenceCode: { oneSegment: oneSegmentWithCode, oneSegmentShare: ratio(oneSegmentWithCode, count) },
    encodings,
    segments,
    merchantShortened,
  };
}
