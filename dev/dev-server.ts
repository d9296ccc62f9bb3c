// The dev page's HTTP server: the static files under web/, a JSON API, and Server-Sent Events.
import { readFile, readdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import type { PageEvent, PageMessage, PageSnapshot } from "./dev-feed.ts";
import { ReachabilityFormError, type ReachabilityForm } from "./reachability-form.ts";
import { RequestFormError, type RequestFormInput } from "./request-form.ts";
import { HandsetMessageError, type HandsetReachability } from "./sms-sandbox/sms-sandbox.ts";

export interface HandsetForm {
  from?: unknown;
  body?: unknown;
  /** true: no previousPublishedMessageId, as for a message that starts a new thread. */
  newThread?: unknown;
}

export interface DevBackend {
  snapshot(): PageSnapshot;
  subscribe(listener: (event: PageEvent) => void): () => void;
  submitRequest(form: RequestFormInput): Promise<{ transactionId: string }>;
  sendFromHandset(form: HandsetForm): Promise<PageMessage>;
  /** Switches what the handset's carrier does with later texts: deliver them, or fail them. */
  setHandsetReachability(form: ReachabilityForm): { handset: string; reachability: HandsetReachability };
}

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

const WEB_DIR = new URL("./web/", import.meta.url);
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};
const MAX_JSON_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;
const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface DevServerOptions {
  host: string;
  port: number;
  /** Take any free port when `port` is in use. */
  fallbackToFreePort?: boolean;
}

export async function startDevServer(backend: DevBackend, options: DevServerOptions): Promise<DevServer> {
  const files = await staticFiles();
  const streams = new Set<ServerResponse>();

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "");
    // A page on another site must not reach this API through a rebound DNS name.
    if (isLoopback(options.host) && !LOOPBACK_NAMES.has(hostname)) throw new HttpError(403, "unexpected Host header");
    const path = new URL(req.url ?? "/", "http://dev").pathname;
    if (req.method === "GET" && path === "/api/snapshot") return sendJson(res, 200, backend.snapshot());
    if (req.method === "GET" && path === "/api/events") return openStream(req, res);
    if (req.method === "POST" && path === "/api/verifications") {
      const form = (await readJson(req)) as RequestFormInput;
      return sendJson(res, 202, await withFormErrors(() => backend.submitRequest(form)));
    }
    if (req.method === "POST" && path === "/api/handset-messages") {
      const form = (await readJson(req)) as HandsetForm;
      return sendJson(res, 202, await withFormErrors(() => backend.sendFromHandset(form)));
    }
    if (req.method === "POST" && path === "/api/handset-reachability") {
      const form = (await readJson(req)) as ReachabilityForm;
      return sendJson(res, 200, await withFormErrors(() => Promise.resolve(backend.setHandsetReachability(form))));
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const name = path === "/" ? "index.html" : path.slice(1);
      if (files.has(name)) return sendFile(res, name, req.method === "HEAD");
    }
    throw new HttpError(404, `no route for ${req.method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (res.headersSent) res.destroy();
      else sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    streams.add(res);
    const unsubscribe = backend.subscribe((event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`));
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  };

  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    if (!options.fallbackToFreePort || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    await listen(server, 0, options.host);
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function withFormErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RequestFormError || error instanceof HandsetMessageError || error instanceof ReachabilityFormError) {
      throw new HttpError(400, error.message);
    }
    throw error;
  }
}

async function staticFiles(): Promise<Set<string>> {
  const names = await readdir(WEB_DIR);
  return new Set(names.filter((name) => Object.hasOwn(CONTENT_TYPES, extname(name))));
}

async function sendFile(res: ServerResponse, name: string, headOnly: boolean): Promise<void> {
  const content = await readFile(new URL(name, WEB_DIR));
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": CONTENT_TYPES[extname(name)] ?? "application/octet-stream",
    "content-length": content.length,
  });
  res.end(headOnly ? undefined : content);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  // Requiring JSON makes a cross-site form post fail its CORS preflight.
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
    throw new HttpError(415, "send application/json");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new HttpError(413, "body too large");
    chunks.push(chunk);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value;
  } catch {
    throw new HttpError(400, "the body must be a JSON object");
  }
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}
