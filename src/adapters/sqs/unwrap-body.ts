import { PoisonMessageError } from "../../errors.ts";

/** Far above any valid request or reply; larger bodies are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface UnwrappedBody {
  payload: unknown;
  /** When SNS accepted the message, if it came in an SNS envelope. */
  publishedAt: number | undefined;
}

/** Parses an SQS body that is either the payload itself or an SNS notification envelope around it. */
export function unwrapBody(body: string | undefined): UnwrappedBody {
  if (body === undefined || body.length === 0) throw new PoisonMessageError("empty_body", "the message has no body");
  if (Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES) {
    throw new PoisonMessageError("body_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const outer = parseJson(body);
  if (isEnvelope(outer)) {
    const timestamp = typeof outer.Timestamp === "string" ? Date.parse(outer.Timestamp) : Number.NaN;
    return { payload: parseJson(outer.Message), publishedAt: Number.isFinite(timestamp) ? timestamp : undefined };
  }
  return { payload: outer, publishedAt: undefined };
}

function isEnvelope(value: unknown): value is { Type: "Notification"; Message: string; Timestamp?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { Type?: unknown }).Type === "Notification" &&
    typeof (value as { Message?: unknown }).Message === "string"
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PoisonMessageError("invalid_json", "the body is not JSON");
  }
}
