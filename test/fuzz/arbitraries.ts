// fast-check arbitraries for the service's inbound edges: junk for the request queue and the
// inbound (two-way SMS) queue, raw or inside an SNS envelope, and near-valid payloads with one
// field mutated. Every body is accepted by SQS: characters SQS refuses (and the emulator refuses
// astral characters too) are written as JSON escapes inside string literals.
import fc from "fast-check";

export const ORIGINATION = "+18885550100";

/** What a generated body is, for failure messages. */
export interface Junk {
  kind: string;
  body: string;
}

// ---------------------------------------------------------------------------------------------
// Serialization

const SQS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g;

/** Replaces every character SQS (or the emulator) refuses with a `\uXXXX` escape: same JSON value. */
export function sqsSafe(text: string): string {
  return text.replace(SQS_REFUSED, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A JSON fragment written as is (numbers JSON.stringify cannot produce: 1e309, -0, 30.0, 1E400). */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** JSON.stringify that writes RawJson fragments verbatim, then makes the text SQS-safe. */
export function toBody(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  // JSON.stringify escapes U+0000 as \u0000, so the placeholders cannot collide with data.
  return sqsSafe(text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, index: string) => raws[Number(index)] ?? "null"));
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** E.164 numbers for junk; never +1425… (the valid traffic's numbers) so junk cannot answer it. */
export const e164 = fc.stringMatching(/^\+[1-9]\d{7,14}$/).filter((n) => !n.startsWith("+1425"));

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** Strings a parser, a regex, a normaliser or Redis may choke on. */
export const unicodeEdge: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "\uD800",
    "\uDBFF\uDBFF",
    "\uDC00\uD800",
    "a\uDFFFb",
    "\uFFFE\uFFFF",
    "\u0000",
    "\u0007\u001B[31m",
    "\u007F\u0085\u2028\u2029",
    "\u200B\u200D\uFEFF",
    "\u202Eevil\u202C",
    "e\u0301".repeat(300),
    "Z\u0351\u0352\u0357\u0358".repeat(100),
    "👍🏽🇺🇸👨‍👩‍👧‍👦",
    "ＹＥＳ",
    "ǰ",
    "ßẞ",
    "İı",
    "%s%d%n${x}{{x}}",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "\\",
    '"',
    "__proto__",
    "constructor",
    "{fv}:{+1}",
    "نعم",
    "हाँ",
    "\r\n\r\nHTTP/1.1 200 OK",
  ),
  fc.string({ unit: fc.oneof(loneSurrogate, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 80 }),
);

/** Bytes one `unit` takes inside a JSON string on the wire (escapes included). */
const wireBytes = (unit: string) => Buffer.byteLength(toBody(unit), "utf8") - 2;

/**
 * A string that takes `min`…`max` bytes on the wire (for a length check, at least `min` characters
 * when `chars` is set): ASCII, multi-byte, or characters written as escapes.
 */
const hugeString = (min: number, max: number, options: { chars?: boolean } = {}) =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom("x", "é", "€", "\u0001", "😀", "\uD800"))
    .map(([size, unit]) => unit.repeat(Math.max(1, Math.ceil(options.chars ? size / unit.length : size / wireBytes(unit)))));

/** A JSON value nested `depth` levels (arrays or objects), as text. */
const deeplyNestedText = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth)));

const deeplyNested = deeplyNestedText.map((text) => new RawJson(text));

/** Any value of the wrong type for a field. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, [], {}, [1, 2], { a: 1 }, "", " "),
  fc.jsonValue({ maxDepth: 3 }),
);

const outOfRangeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(-1, -0.5, 0.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.constantFrom("1e309", "-1e309", "1E400", "-0", "0.0", "30.0000000000000001", "123456789012345678901234567890", "1e-400").map(
    (text) => new RawJson(text),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer().map(String),
);

/** Keys nobody expects. */
const unknownKey = (phoneShapedKeys: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom("amount", "phone", "Type", "Message", "__proto__", "constructor", "prototype", "toString", "", " ", "type "),
    fc.string({ maxLength: 20 }),
    unicodeEdge.map((s) => s.slice(0, 30)),
    ...(phoneShapedKeys ? [e164] : []),
  );

// ---------------------------------------------------------------------------------------------
// Valid payloads (the base of near-valid mutations)

const currency = fc.constantFrom("USD", "EUR", "JPY", "BHD", "GBP", "CHF", "INR", "KWD", "CLP", "ISK");
const locale = fc.constantFrom("en-US", "fr-FR", "de", "es-MX", "ja-JP", "ar-SA-u-nu-arab", "zz", "en-US-u-ca-buddhist", "x-klingon");

export const validRequestArb = fc.record(
  {
    type: fc.constant("verification.requested"),
    transactionId: fc.stringMatching(/^fz-[A-Za-z0-9._:-]{1,40}$/),
    phoneNumber: e164,
    amountMinor: fc.oneof(fc.nat({ max: 10_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    currency,
    merchant: fc.string({ minLength: 1, maxLength: 64 }),
    cardLast4: fc.stringMatching(/^\d{4}$/),
    expiresInSeconds: fc.integer({ min: 30, max: 86_400 }),
    locale,
    // Contract v2 bounds, and the keys an object spread or a record parse would lose.
    metadata: fc.dictionary(
      fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom("__proto__", "constructor", "toString", "prototype")),
      fc.string({ maxLength: 256 }),
      { maxKeys: 20 },
    ),
  },
  { requiredKeys: ["type", "transactionId", "phoneNumber", "amountMinor", "currency", "merchant", "cardLast4"] },
);

export const validReplyArb = fc.record({
  originationNumber: e164,
  destinationNumber: fc.constant(ORIGINATION),
  messageKeyword: fc.constantFrom("", "KEYWORD_YES", "STOP"),
  messageBody: fc.oneof(fc.constantFrom("YES", "no", "STOP", "HELP", "yes 417", "maybe", "START"), fc.string({ maxLength: 60 })),
  inboundMessageId: fc.uuid(),
  previousPublishedMessageId: fc.oneof(fc.constant(""), fc.uuid()),
});

/** Field-specific bad values, on top of wrong types and unicode edges. */
const requestFieldJunk: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constantFrom("verification.approved", "verification.Requested", "verification.cancelled", "", "VERIFICATION.REQUESTED"),
  transactionId: fc.oneof(
    fc.constantFrom("", "x".repeat(129), "txn 1", "txn/1", "txn\u0000", "{tag}", "../../etc", "txn-é", "*"),
    unicodeEdge,
  ),
  phoneNumber: fc.oneof(
    e164.map((n) => n.slice(1)),
    e164.map((n) => ` ${n}`),
    e164.map((n) => `${n}\n`),
    e164.map((n) => n.replace("+", "＋")),
    e164.map((n) => `${n.slice(0, 3)} ${n.slice(3)}`),
    fc.constantFrom("+0123456789", "+1", "+1234567890123456", "+١٤٢٥٥٥٥٠١٨٢", "tel:+14155550100"),
  ),
  amountMinor: outOfRangeNumber,
  currency: fc.constantFrom("usd", "US", "USDD", "BTC", "EUR ", "€", "XTS", ""),
  merchant: fc.oneof(fc.constant(""), hugeString(65, 200, { chars: true }), hugeString(20_000, 60_000), unicodeEdge),
  cardLast4: fc.constantFrom("424", "42424", "４２４２", "42a2", "", "4242\n"),
  expiresInSeconds: fc.oneof(fc.constantFrom(29, 86_401, 30.5, 0, -30, 1e9, "600"), outOfRangeNumber),
  locale: fc.constantFrom("", "en_US", "x".repeat(36), "-", "--", "en-US\u0000", "en US", "😀"),
  metadata: fc.oneof(
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { minKeys: 21, maxKeys: 40 }),
    fc.dictionary(fc.string({ maxLength: 8 }), wrongType.filter((v) => typeof v !== "string"), { minKeys: 1, maxKeys: 3 }),
    fc.constantFrom([], null, "card_123", { "": "" }),
    deeplyNested,
    hugeString(1_000, 60_000).map((big) => ({ big })),
  ),
};

const replyFieldJunk: Record<string, fc.Arbitrary<unknown>> = {
  originationNumber: requestFieldJunk.phoneNumber!,
  destinationNumber: fc.oneof(fc.constantFrom("", "x".repeat(65), "+18885550101"), e164),
  messageKeyword: fc.oneof(hugeString(65, 200, { chars: true }), fc.constant(42)),
  messageBody: fc.oneof(hugeString(1_601, 5_000, { chars: true }), hugeString(20_000, 60_000), unicodeEdge, fc.constantFrom(42, null)),
  inboundMessageId: fc.oneof(fc.constantFrom("", 7), hugeString(257, 400, { chars: true }), unicodeEdge),
  previousPublishedMessageId: fc.oneof(hugeString(257, 400, { chars: true }), fc.constantFrom(7, {}), unicodeEdge),
};

type Mutation = (payload: Record<string, unknown>) => fc.Arbitrary<Record<string, unknown>>;

/** One field of a valid payload changed: deleted, wrong type, field-specific junk, unicode edge, nested; or an unknown field. */
function mutateOneField(fieldJunk: Record<string, fc.Arbitrary<unknown>>, phoneShapedKeys: boolean): Mutation {
  return (payload) => {
    const fields = Object.keys(fieldJunk);
    return fc.oneof(
      fc.constantFrom(...fields).chain((field) =>
        fc
          .oneof(
            { weight: 3, arbitrary: fieldJunk[field]! },
            wrongType,
            unicodeEdge,
            deeplyNested,
            fc.constant(undefined),
          )
          .map((value) => {
            const copy: Record<string, unknown> = { ...payload };
            if (value === undefined) delete copy[field];
            else copy[field] = value;
            return copy;
          }),
      ),
      fc.tuple(unknownKey(phoneShapedKeys), fc.oneof(wrongType, unicodeEdge, e164)).map(([key, value]) => {
        const copy: Record<string, unknown> = { ...payload };
        Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
        return copy;
      }),
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Bodies

export interface JunkOptions {
  /**
   * Unknown fields and metadata keys shaped like phone numbers. Off while the rejection reason
   * echoes key names into the log (see test/fuzz/message-classification.test.ts, "bug: keys").
   */
  phoneShapedKeys?: boolean;
}

/** Text that is not JSON, or JSON of the wrong shape. */
const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("}{", "{", "[", "null", "[]", "{}", "0", "-0", "true", '"str"', " ", "\t\n", "NaN", "undefined", "{'a':1}", "<xml/>"),
  fc.string({ minLength: 1, maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null"),
  e164.map((n) => `call me at ${n}`),
  deeplyNestedText,
);

/** A 200 KB body: junk, or a payload whose one field is huge. */
const oversized = (base: fc.Arbitrary<Record<string, unknown>>, field: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.integer({ min: 200_000, max: 210_000 }), fc.constantFrom("x", "{", "[", " ")).map(([size, unit]) => unit.repeat(size)),
    fc.tuple(base, hugeString(200_000, 210_000)).map(([payload, big]) => toBody({ ...payload, [field]: big })),
  );

const envelopeFields = fc.record({
  MessageId: fc.uuid(),
  TopicArn: fc.constant("arn:aws:sns:us-east-1:000000000000:some-topic"),
  Timestamp: fc.oneof(
    fc.constant(new Date().toISOString()),
    fc.constantFrom("garbage", "", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "1", "0001-01-01"),
    fc.constantFrom(12345, null, -1),
  ),
  SignatureVersion: fc.constant("1"),
});

/** An SNS envelope around `inner` (a body), or a broken envelope. */
function envelopes(inner: fc.Arbitrary<string>): fc.Arbitrary<Junk> {
  return fc.oneof(
    fc.tuple(inner, envelopeFields).map(([message, fields]) => ({
      kind: "envelope",
      body: toBody({ Type: "Notification", ...fields, Message: message }),
    })),
    fc
      .tuple(inner, envelopeFields, fc.constantFrom("notification", "SubscriptionConfirmation", "UnsubscribeConfirmation", 1, null, "", undefined))
      .map(([message, fields, type]) => ({ kind: "envelope:wrong-type", body: toBody({ Type: type, ...fields, Message: message }) })),
    fc.tuple(inner, envelopeFields).map(([message, fields]) => ({
      kind: "envelope:message-not-string",
      // The inner JSON embedded as an object, not a string (written verbatim: it may be nested too deep to re-serialize).
      body: toBody({ Type: "Notification", ...fields, Message: isJson(message) ? new RawJson(message) : { text: message } }),
    })),
    fc.tuple(inner, envelopeFields).map(([message, fields]) => ({
      kind: "envelope:in-envelope",
      body: toBody({ Type: "Notification", ...fields, Message: toBody({ Type: "Notification", ...fields, Message: message }) }),
    })),
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function bodiesFor(
  base: fc.Arbitrary<Record<string, unknown>>,
  fieldJunk: Record<string, fc.Arbitrary<unknown>>,
  hugeField: string,
  options: JunkOptions,
): fc.Arbitrary<Junk> {
  const mutate = mutateOneField(fieldJunk, options.phoneShapedKeys ?? false);
  const nearValid = base.chain(mutate).map(toBody);
  const raw: fc.Arbitrary<Junk> = fc.oneof(
    { weight: 5, arbitrary: nearValid.map((body) => ({ kind: "near-valid", body })) },
    { weight: 2, arbitrary: randomText.map((text) => ({ kind: "random", body: sqsSafe(text) })) },
    { weight: 1, arbitrary: oversized(base, hugeField).map((body) => ({ kind: "oversized", body })) },
  );
  const innerForEnvelope = fc.oneof({ weight: 4, arbitrary: nearValid }, randomText.map(sqsSafe), base.map(toBody));
  return fc.oneof({ weight: 3, arbitrary: raw }, { weight: 2, arbitrary: envelopes(innerForEnvelope) });
}

/** Junk for the request queue: raw or enveloped, near-valid, random, oversized. */
export const requestJunk = (options: JunkOptions = {}): fc.Arbitrary<Junk> =>
  bodiesFor(validRequestArb, requestFieldJunk, "merchant", options);

/** Junk for the inbound (two-way SMS) queue. */
export const inboundJunk = (options: JunkOptions = {}): fc.Arbitrary<Junk> =>
  bodiesFor(validReplyArb, replyFieldJunk, "messageBody", options);

// ---------------------------------------------------------------------------------------------
// PII in inputs

const E164_ANYWHERE = /\+\d{8,15}/g;

/** Every E.164-looking number in a body, its envelope's message, and every string or key inside them. */
export function phoneNumbersIn(body: string): Set<string> {
  const found = new Set<string>();
  const scan = (text: string) => {
    for (const match of text.matchAll(E164_ANYWHERE)) found.add(match[0]);
  };
  const walk = (value: unknown, depth: number): void => {
    if (depth > 50) return;
    if (typeof value === "string") {
      scan(value);
      const inner = tryParse(value);
      if (inner !== undefined && typeof inner === "object") walk(inner, depth + 1);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        scan(key);
        walk(item, depth + 1);
      }
    }
  };
  scan(body);
  walk(tryParse(body), 0);
  return found;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
