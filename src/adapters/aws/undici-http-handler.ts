import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from "@smithy/types";
import { Agent, type Dispatcher } from "undici";

export interface UndiciHttpHandlerOptions {
  /** How long opening a connection may take. */
  connectionTimeoutMs: number;
  /** How long the response's headers, and then each gap in its body, may take. */
  requestTimeoutMs: number;
  /** Open connections per origin (the SDK's own handler keeps 50). */
  connections?: number;
}

/** Socket errors after which the call never reached the service or its answer was lost: retried. */
const TRANSIENT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

/**
 * The AWS SDK clients' request handler, on undici instead of `node:http`: the same SDK client with
 * its serialisation, signing and retries, configured with another transport (its `requestHandler`
 * option). Measured in `npm run bench:sdk`: a call costs the caller less CPU, as undici sets no
 * per-request timers and hands the body over whole instead of as a stream the SDK collects.
 *
 * Unlike the SDK's own handler, whose `requestTimeout` only logs a warning unless
 * `throwOnRequestTimeout` is set, a response that stalls fails the call: a network failure or a
 * timeout is given the name `TimeoutError`, as the SDK's handler names its own, so the SDK's retry
 * strategy classifies it as transient and retries it.
 */
export class UndiciHttpHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  readonly metadata = { handlerProtocol: "http/1.1" };
  private readonly agent: Agent;
  private readonly requestTimeoutMs: number;

  constructor(options: UndiciHttpHandlerOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.agent = new Agent({
      connections: options.connections ?? 50,
      connect: { timeout: options.connectionTimeoutMs },
    });
  }

  async handle(request: HttpRequest, { abortSignal, requestTimeout }: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = abortSignal as AbortSignal | undefined;
    if (signal?.aborted) throw abortError(signal);
    const timeout = requestTimeout ?? this.requestTimeoutMs;
    try {
      const answer = await this.agent.request({
        origin: `${request.protocol}//${request.hostname}${request.port === undefined ? "" : `:${request.port}`}`,
        path: pathWithQuery(request),
        method: request.method,
        headers: request.headers,
        body: request.body as Dispatcher.DispatchOptions["body"],
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(signal ? { signal } : {}),
      });
      const body = await answer.body.bytes();
      return { response: { statusCode: answer.statusCode, headers: flatHeaders(answer.headers), body } };
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw classified(error);
    }
  }

  updateHttpClientConfig(): void {
    // Nothing to update: the options are fixed when the clients are built.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    this.agent.destroy().catch(() => undefined);
  }
}

function pathWithQuery(request: HttpRequest): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      pairs.push(one === null ? escapeUri(name) : `${escapeUri(name)}=${escapeUri(one)}`);
    }
  }
  return pairs.length === 0 ? request.path : `${request.path}?${pairs.join("&")}`;
}

/** RFC 3986, as the SDK encodes a query string. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return flat;
}

function abortError(signal: AbortSignal): Error {
  const error = new Error("Request aborted", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

function classified(error: unknown): unknown {
  if (error instanceof Error && TRANSIENT_CODES.has((error as NodeJS.ErrnoException).code ?? "")) {
    return Object.assign(error, { name: "TimeoutError" });
  }
  return error;
}
