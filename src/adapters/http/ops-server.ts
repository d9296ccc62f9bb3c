import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { transactionIdSchema } from "../../domain/messages.ts";
import { maskPhone } from "../../domain/phone.ts";
import type { Verification } from "../../domain/verification.ts";
import type { Logger } from "../../logger.ts";
import type { Registry } from "prom-client";

export interface Readiness {
  ok: boolean;
  /** The parts that are not ready, e.g. ["redis", "consumer:inbound"]. */
  failing: string[];
}

export interface OpsServerDependencies {
  readiness(): Promise<Readiness>;
  registry: Registry;
  findVerification(transactionId: string): Promise<Verification | null>;
  log: Logger;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The contract's operations endpoints: /healthz, /readyz, /metrics, /verifications/{transactionId}. */
export async function startOpsServer(port: number, deps: OpsServerDependencies): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      deps.log.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "ops request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, deps: OpsServerDependencies): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
  if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
  if (path === "/readyz") {
    const readiness = await deps.readiness();
    return sendJson(res, readiness.ok ? 200 : 503, readiness.ok ? { status: "ready" } : { status: "unavailable", failing: readiness.failing });
  }
  if (path === "/metrics") {
    const body = await deps.registry.metrics();
    res.writeHead(200, { "content-type": deps.registry.contentType });
    res.end(body);
    return;
  }
  if (path.startsWith("/verifications/")) {
    let transactionId: string;
    try {
      transactionId = decodeURIComponent(path.slice("/verifications/".length));
    } catch {
      return sendJson(res, 400, { error: "transactionId is not valid percent-encoding" });
    }
    if (!transactionIdSchema.safeParse(transactionId).success) {
      return sendJson(res, 400, { error: "transactionId must be 1-128 chars of [A-Za-z0-9._:-]" });
    }
    const verification = await deps.findVerification(transactionId);
    if (!verification) return sendJson(res, 404, { error: "unknown transactionId" });
    return sendJson(res, 200, describe(verification));
  }
  return sendJson(res, 404, { error: "not found" });
}

/** The verification's state without the phone number or any message text. */
function describe(v: Verification) {
  return {
    transactionId: v.transactionId,
    state: v.state,
    phoneNumberMasked: maskPhone(v.phoneNumber),
    requestedAt: new Date(v.requestedAt).toISOString(),
    expiresAt: new Date(v.deadline).toISOString(),
    outboundMessageId: v.outboundMessageId,
    decision: v.decision?.decision ?? null,
    decidedAt: v.decision ? new Date(v.decision.decidedAt).toISOString() : null,
    eventId: v.decision?.eventId ?? null,
    published: v.decision?.published ?? null,
    answer: v.decision?.reply?.answer ?? null,
    correlatedBy: v.decision?.reply?.correlatedBy ?? null,
    undeliverableReason: v.decision?.undeliverableReason ?? null,
    delivery: v.delivery ? { status: v.delivery.status, at: new Date(v.delivery.at).toISOString() } : null,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
