// Fuzzes the operations HTTP server with raw requests over TCP (so nothing is normalised on the way):
// random methods, paths, percent-encodings (invalid, overlong, surrogates), queries, absolute and
// asterisk forms, non-ASCII bytes, control characters and oversized targets. Every request gets an
// answer, never a 5xx; a well-formed request gets exactly what the contract's table says; the
// server stays healthy and logs no failure.
// Replay: FUZZ_SEED=<seed printed by fast-check>.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = (n: number) => ({ numRuns: n, ...(seed === undefined ? {} : { seed }) });
const ANSWER_MS = 5_000;

let h: Harness;
let known: { transactionId: string; phoneNumber: string };
/**
 * A bare Node.js HTTP server: what the parser alone makes of some bytes. It answers 299 with the
 * method and target it parsed (in a header, so HEAD keeps them); a refusal is the parser's own answer.
 */
let parserOnly: Server;
beforeAll(async () => {
  parserOnly = createServer((req, res) => {
    const parsed = Buffer.from(JSON.stringify({ method: req.method, url: req.url }), "utf8").toString("base64");
    res.writeHead(299, { "x-parsed": parsed, "content-length": 0 }).end();
  });
  await new Promise<void>((resolve) => parserOnly.listen(0, "127.0.0.1", resolve));
  h = await startHarness();
  const request = verificationRequest();
  known = { transactionId: String(request.transactionId), phoneNumber: String(request.phoneNumber) };
  await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  await h.sandbox.waitForSms((m) => m.context?.transactionId === known.transactionId);
});
afterAll(async () => {
  await h?.stop();
  await new Promise((resolve) => parserOnly?.close(resolve));
});

interface RawAnswer {
  status: number | null;
  text: string;
}

/** Writes the bytes as they are and reads until the server closes; rejects if it does not close in time. */
function rawRequest(bytes: Buffer, port = h.service.opsPort): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in ${ANSWER_MS} ms to ${JSON.stringify(bytes.toString("latin1").slice(0, 200))}`));
    }, ANSWER_MS);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined); // a reset after the answer is fine; no answer is caught below
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    });
    // No half-close: Node's HTTP server drops a request whose client ended its side first.
    // `Connection: close` (or the parser's refusal) makes the server close after answering.
    socket.write(bytes);
  });
}

const request = (method: string, target: string | Buffer) =>
  Buffer.concat([Buffer.from(`${method} `, "latin1"), Buffer.isBuffer(target) ? target : Buffer.from(target, "latin1"), Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "latin1")]);

// ---------------------------------------------------------------------------------------------
// Generators

const hex = fc.constantFrom(..."0123456789abcdefABCDEF");
const percent = fc.oneof(
  fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`),
  fc.constantFrom("%", "%g1", "%4", "%%", "%C3%A9", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82", "%00", "%0A", "%2F", "%3F", "%25", "%2B14255550182"),
);
const idChar = fc.constantFrom(..."ABCxyz019._:-");
const pchar = fc.constantFrom(..."abcXYZ0189-._~!$&'()*+,;=:@");
/** A transactionId-ish path segment: valid ids, percent-encoded ids, near misses. */
const idSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
  fc.array(fc.oneof(idChar, percent, pchar), { minLength: 0, maxLength: 30 }).map((parts) => parts.join("")),
  fc.constantFrom("", "a".repeat(128), "a".repeat(129), "..", ".", "txn%2Fx", "%74xn-1", "txn-1/extra", "+14255550182", "%2B14255550182"),
);
const knownId = fc.constant(null).map(() => known.transactionId);
const query = fc.oneof(fc.constant(""), fc.array(fc.oneof(pchar, percent, fc.constantFrom("=", "&", "?", "/")), { maxLength: 10 }).map((p) => `?${p.join("")}`));

/** Request targets a client could send (visible ASCII only): the contract gives their answer. */
const wellFormedTarget: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom("/healthz", "/readyz", "/metrics"), query).map(([p, q]) => p + q),
  fc.tuple(fc.oneof(idSegment, knownId), query).map(([id, q]) => `/verifications/${id}${q}`),
  fc.webPath().filter((p) => p.startsWith("/")),
  fc.constantFrom("/", "/healthz/", "/HEALTHZ", "//healthz", "/healthz/..", "/verifications", "/verifications/", "/./healthz", "/metrics%2F", "/readyz;x"),
  fc.array(fc.oneof(pchar, percent, fc.constant("/")), { maxLength: 40 }).map((p) => `/${p.join("")}`),
);

const wellFormedMethod = fc.oneof(
  { weight: 6, arbitrary: fc.constant("GET") },
  { weight: 2, arbitrary: fc.constant("HEAD") },
  fc.constantFrom("POST", "PUT", "DELETE", "OPTIONS", "PATCH"),
);

/** Targets and methods a parser may refuse: every answer must still be a 4xx, never a 5xx or silence. */
const malformed: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom("get", "FOO", "G ET", "", "GET\u0000", "CONNECT", "TRACE"), wellFormedTarget).map(([m, t]) => request(m, t)),
  fc.tuple(wellFormedMethod, fc.uint8Array({ minLength: 1, maxLength: 60 })).map(([m, bytes]) => request(m, Buffer.concat([Buffer.from("/verifications/"), Buffer.from(bytes)]))),
  fc.tuple(wellFormedMethod, fc.string({ unit: "binary", maxLength: 30 })).map(([m, s]) => request(m, Buffer.from(`/verifications/${s}`, "utf8"))),
  fc.tuple(wellFormedMethod, fc.integer({ min: 8_000, max: 100_000 })).map(([m, n]) => request(m, `/verifications/${"a".repeat(n)}`)),
  fc.tuple(wellFormedMethod, fc.constantFrom("*", "http://127.0.0.1/healthz", "127.0.0.1:80", "healthz", "/healthz#frag", "/a b", "/\t", "/\r\n")).map(([m, t]) => request(m, t)),
  fc.constantFrom(
    Buffer.from("GET /healthz HTTP/9.9\r\n\r\n"),
    Buffer.from("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n"),
    Buffer.from("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
    Buffer.from("GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
    Buffer.from(`GET /healthz HTTP/1.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
  ),
);

/** The contract's table for a request the HTTP parser accepted. */
function contractStatus(method: string, target: string): number {
  if (method !== "GET" && method !== "HEAD") return 405;
  const path = target.split("?")[0] ?? "";
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return 200;
  if (path.startsWith("/verifications/")) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice("/verifications/".length));
    } catch {
      return 400;
    }
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return 400;
    return id === known.transactionId ? 200 : 404;
  }
  return 404;
}

function noPhoneNumberIn(answer: RawAnswer): void {
  expect(answer.text).not.toContain(known.phoneNumber);
  expect(answer.text).not.toMatch(/\+\d{8,15}/);
}

describe("ops HTTP fuzz", () => {
  it("answers every well-formed request as the contract's table says", async () => {
    await fc.assert(
      fc.asyncProperty(wellFormedMethod, wellFormedTarget, async (method, target) => {
        const answer = await rawRequest(request(method, target));
        expect(answer.status, `${method} ${target}`).toBe(contractStatus(method, target));
        noPhoneNumberIn(answer);
      }),
      runs(1_500),
    );
  }, 60_000);

  it("answers every malformed request as the parser and the contract say: a 4xx when refused, never a 5xx or silence", async () => {
    const outcomes = { refused: 0, parsed: 0, closed: 0 };
    await fc.assert(
      fc.asyncProperty(malformed, async (bytes) => {
        const shown = JSON.stringify(bytes.toString("latin1").slice(0, 120));
        const [answer, parser] = await Promise.all([rawRequest(bytes), rawRequest(bytes, (parserOnly.address() as AddressInfo).port)]);
        const parsed = /^x-parsed: (\S+)/im.exec(parser.text)?.[1];
        if (parser.status === 299 && parsed !== undefined) {
          // The parser took it: the contract's table decides, as for any request.
          outcomes.parsed += 1;
          const { method, url } = JSON.parse(Buffer.from(parsed, "base64").toString("utf8")) as { method: string; url: string };
          expect(answer.status, `${shown} parsed as ${method} ${url}`).toBe(contractStatus(method, url));
        } else if (parser.status === null) {
          // Only a CONNECT nobody listens for is closed without an answer, by Node itself: closed, not hung.
          outcomes.closed += 1;
          expect(bytes.toString("latin1").startsWith("CONNECT "), `no HTTP answer to ${shown}`).toBe(true);
          expect(answer.status, shown).toBeNull();
        } else {
          outcomes.refused += 1;
          expect(parser.status, `the parser's refusal of ${shown}`).toBeGreaterThanOrEqual(400);
          expect(parser.status, `the parser's refusal of ${shown}`).toBeLessThan(500);
          expect(answer.status, shown).toBe(parser.status);
        }
        noPhoneNumberIn(answer);
      }),
      runs(800),
    );
    // The generator reaches each kind of outcome, or the checks above would not all have run.
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.parsed).toBeGreaterThan(50);
  }, 60_000);

  it("stays healthy, ready and quiet afterwards", async () => {
    const base = `http://127.0.0.1:${h.service.opsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const state = (await (await fetch(`${base}/verifications/${known.transactionId}`)).json()) as { transactionId: string };
    expect(state.transactionId).toBe(known.transactionId);
    expect(h.logLines.filter((line) => line.includes("ops request failed"))).toEqual([]);
    expect(h.logLines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
