// What the contract says a queue body is, written from its text ("Verification request", "Inbound
// SMS") and independent of the service's schemas: the fuzz tests compare every classification with it,
// so a body accepted or refused against the contract fails them either way.
import { codes as iso4217Codes } from "currency-codes";

const MAX_BODY_BYTES = 64 * 1024;
const ISO_4217: ReadonlySet<string> = new Set(iso4217Codes());

type Json = unknown;
type Rule = (value: Json) => boolean;

const isString = (value: Json): value is string => typeof value === "string";
/** "Chars" are Unicode code points (a surrogate pair is one character, as a reader counts it). */
const chars = (value: string): number => Array.from(value).length;
const text = (min: number, max: number, pattern?: RegExp): Rule => (value) =>
  isString(value) && chars(value) >= min && chars(value) <= max && (pattern === undefined || pattern.test(value));
const integer = (min: number, max: number): Rule => (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
const optional = (rule: Rule): Rule => (value) => value === undefined || rule(value);
const nullable = (rule: Rule): Rule => (value) => value === null || rule(value);

function isPlainObject(value: Json): value is Record<string, Json> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const E164 = /^\+[1-9][0-9]{7,14}$/;

const metadata: Rule = (value) =>
  isPlainObject(value) &&
  Object.keys(value).length <= 20 &&
  Object.entries(value).every(([key, entry]) => text(1, 64)(key) && text(0, 256)(entry));

const REQUEST_FIELDS: Readonly<Record<string, Rule>> = {
  type: (value) => value === "verification.requested",
  transactionId: text(1, 128, /^[A-Za-z0-9._:-]+$/),
  phoneNumber: text(1, 16, E164),
  amountMinor: integer(0, Number.MAX_SAFE_INTEGER),
  currency: (value) => isString(value) && ISO_4217.has(value),
  merchant: text(1, 64),
  cardLast4: text(4, 4, /^[0-9]{4}$/),
  expiresInSeconds: optional(integer(30, 86_400)),
  locale: optional(text(1, 35, /^[A-Za-z0-9-]+$/)),
  metadata: optional(metadata),
};
const CANCELLATION_FIELDS: Readonly<Record<string, Rule>> = {
  type: (value) => value === "verification.cancelled",
  transactionId: REQUEST_FIELDS["transactionId"]!,
};
const INBOUND_FIELDS: Readonly<Record<string, Rule>> = {
  originationNumber: text(1, 16, E164),
  destinationNumber: text(1, 64),
  messageKeyword: optional(nullable(text(0, 64))),
  messageBody: text(0, 1600),
  inboundMessageId: text(1, 256),
  previousPublishedMessageId: optional(nullable(text(0, 256))),
};

/** Every field follows its rule (a missing field is `undefined`); `strict`: no other field. */
function follows(fields: Readonly<Record<string, Rule>>, payload: Json, strict: boolean): boolean {
  if (!isPlainObject(payload)) return false;
  if (strict && Object.keys(payload).some((key) => !Object.hasOwn(fields, key))) return false;
  return Object.entries(fields).every(([name, rule]) => rule(Object.hasOwn(payload, name) ? payload[name] : undefined));
}

/** The payload of a body: the JSON itself, or the JSON string in an SNS notification envelope's Message. */
function payloadOf(body: string): { ok: true; payload: Json } | { ok: false } {
  if (body.length === 0 || Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES) return { ok: false };
  const outer = parse(body);
  if (!outer.ok) return outer;
  const value = outer.payload;
  if (isPlainObject(value) && value["Type"] === "Notification" && isString(value["Message"])) return parse(value["Message"]);
  return outer;
}

function parse(textValue: string): { ok: true; payload: Json } | { ok: false } {
  try {
    return { ok: true, payload: JSON.parse(textValue) as Json };
  } catch {
    return { ok: false };
  }
}

export type QueueKind = "requests" | "inbound";

/** True when the contract makes this body a valid message of that queue. */
export function contractAccepts(queue: QueueKind, body: string): boolean {
  const unwrapped = payloadOf(body);
  if (!unwrapped.ok) return false;
  const { payload } = unwrapped;
  if (queue === "inbound") return follows(INBOUND_FIELDS, payload, false);
  return follows(REQUEST_FIELDS, payload, true) || follows(CANCELLATION_FIELDS, payload, true);
}
