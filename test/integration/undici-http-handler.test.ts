import { once } from "node:events";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAwsClients } from "../../src/adapters/aws/aws-clients.ts";
import { UndiciHttpHandler } from "../../src/adapters/aws/undici-http-handler.ts";

/** What the scripted provider does with each request, in turn: answer, never answer, or cut the connection. */
type Behaviour = { status: number; body: string; headers?: Record<string, string | string[]> } | "stall" | "reset";

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const OK: Behaviour = { status: 200, body: JSON.stringify({ MessageId: "sent-1" }) };
const servers: Server[] = [];
const handlers: UndiciHttpHandler[] = [];

afterEach(() => {
  for (const handler of handlers.splice(0)) handler.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function scriptedProvider(...script: Behaviour[]): Promise<{ endpoint: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString() });
      const behaviour = script[Math.min(seen.length, script.length) - 1] ?? OK;
      if (behaviour === "stall") return;
      if (behaviour === "reset") {
        request.socket.destroy();
        return;
      }
      const headers: OutgoingHttpHeaders = { "content-type": "application/x-amz-json-1.0", ...behaviour.headers };
      response.writeHead(behaviour.status, headers);
      response.end(behaviour.body);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function smsClient(endpoint: string, options: { requestTimeoutMs?: number; maxAttempts?: number } = {}): PinpointSMSVoiceV2Client {
  const handler = new UndiciHttpHandler({ connectionTimeoutMs: 1_000, requestTimeoutMs: options.requestTimeoutMs ?? 5_000 });
  handlers.push(handler);
  return new PinpointSMSVoiceV2Client({
    region: "us-east-1",
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: handler,
  });
}

const sendText = (client: PinpointSMSVoiceV2Client, abortSignal?: AbortSignal) =>
  client.send(new SendTextMessageCommand({ DestinationPhoneNumber: "+15555550100", MessageBody: "Reply YES or NO" }), abortSignal ? { abortSignal } : {});

describe("the AWS clients' undici request handler", () => {
  it("is the request handler of every client the service builds", () => {
    const clients = createAwsClients({ region: "us-east-1", endpoints: { sqs: "http://127.0.0.1:1", sns: "http://127.0.0.1:1", sms: "http://127.0.0.1:1" } }, CREDENTIALS);
    try {
      for (const client of [clients.sqs, clients.sns, clients.sms]) {
        expect(client.config.requestHandler).toBeInstanceOf(UndiciHttpHandler);
      }
    } finally {
      clients.destroy();
    }
  });

  it("carries the signed request as the SDK built it, and its answer back", async () => {
    const provider = await scriptedProvider({ status: 200, body: JSON.stringify({ MessageId: "sent-42" }), headers: { "x-amzn-requestid": "req-1" } });
    const client = smsClient(provider.endpoint);
    const answer = await sendText(client);
    expect(answer.MessageId).toBe("sent-42");
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, requestId: "req-1", attempts: 1 });
    const [request] = provider.seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/");
    expect(request?.headers["x-amz-target"]).toBe("PinpointSMSVoiceV2.SendTextMessage");
    expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
    expect(JSON.parse(request?.body ?? "{}")).toEqual({ DestinationPhoneNumber: "+15555550100", MessageBody: "Reply YES or NO" });
    expect(Number(request?.headers["content-length"])).toBe(Buffer.byteLength(request?.body ?? ""));
  });

  it("hands an error answer to the SDK, which names the service's error and does not retry a client error", async () => {
    const provider = await scriptedProvider({ status: 400, body: JSON.stringify({ __type: "ValidationException", message: "bad number" }) });
    const client = smsClient(provider.endpoint);
    const error = (await sendText(client).catch((caught: unknown) => caught)) as Error & { $metadata?: { attempts?: number } };
    expect(error.name).toBe("ValidationException");
    expect(error.message).toBe("bad number");
    expect(error.$metadata?.attempts).toBe(1);
  });

  it("fails a response that stalls past the request timeout, and the SDK retries it", async () => {
    const provider = await scriptedProvider("stall", OK);
    const client = smsClient(provider.endpoint, { requestTimeoutMs: 200 });
    const answer = await sendText(client);
    expect(answer.MessageId).toBe("sent-1");
    expect(answer.$metadata.attempts).toBe(2);
    expect(provider.seen).toHaveLength(2);
  });

  it("names a stall it gives up on a TimeoutError", async () => {
    const provider = await scriptedProvider("stall");
    const client = smsClient(provider.endpoint, { requestTimeoutMs: 100, maxAttempts: 1 });
    const error = (await sendText(client).catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe("TimeoutError");
  });

  it("retries a call whose connection was cut before the answer", async () => {
    const provider = await scriptedProvider("reset", OK);
    const client = smsClient(provider.endpoint);
    const answer = await sendText(client);
    expect(answer.$metadata.attempts).toBe(2);
    expect(provider.seen).toHaveLength(2);
  });

  it("retries a refused connection, and fails after the last attempt", async () => {
    const provider = await scriptedProvider(OK);
    const closed = provider.endpoint;
    for (const server of servers.splice(0)) server.close();
    const client = smsClient(closed, { maxAttempts: 2 });
    const error = (await sendText(client).catch((caught: unknown) => caught)) as Error & { $metadata?: { attempts?: number } };
    expect(error.name).toBe("TimeoutError");
    expect((error as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect(error.$metadata?.attempts).toBe(2);
  });

  it("ends a waiting call at once when its abort signal fires, as an AbortError that is not retried", async () => {
    const provider = await scriptedProvider("stall");
    const client = smsClient(provider.endpoint);
    const controller = new AbortController();
    const call = sendText(client, controller.signal).catch((caught: unknown) => caught);
    await vi.waitUntil(() => provider.seen.length === 1, { timeout: 5_000, interval: 5 });
    controller.abort(new Error("shutting down"));
    const error = (await call) as Error;
    expect(error.name).toBe("AbortError");
    expect(provider.seen).toHaveLength(1);
  });
});

