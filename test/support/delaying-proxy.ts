import { EventEmitter } from "node:events";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface DelayingProxy {
  url: string;
  /** Milliseconds each request waits before it is forwarded. */
  delayMs: number;
  /** Emits "request" when a request arrives, before the delay. */
  events: EventEmitter;
  close(): Promise<void>;
}

/** An HTTP proxy on loopback that holds each request for `delayMs`: makes a dependency slow on demand. */
export async function startDelayingProxy(target: string, delayMs = 0): Promise<DelayingProxy> {
  const events = new EventEmitter();
  const upstream = new URL(target);
  const proxy: DelayingProxy = {
    url: "",
    delayMs,
    events,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    events.emit("request", req.headers["x-amz-target"]);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      setTimeout(() => {
        const forwarded = request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
          (upstreamRes: IncomingMessage) => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
          },
        );
        forwarded.on("error", () => res.destroy());
        forwarded.end(Buffer.concat(chunks));
      }, proxy.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
