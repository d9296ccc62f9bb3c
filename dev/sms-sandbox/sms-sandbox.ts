// An in-process stand-in for AWS End User Messaging SMS (Pinpoint SMS Voice
// v2) speaking its awsJson1_0 wire protocol, so the real SDK client can be
// pointed at it (endpoint = sandbox.url) in tests and in local dev mode.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationSets } from "./configuration-sets.ts";
import { CONTROL_PREFIX, handleControl } from "./control-routes.ts";
import { DeliveryReports } from "./delivery-reports.ts";
import type { DeliveryEvent, DeliveryEventListener, DeliveryEventPublisher, DeliveryTiming, HandsetReachability } from "./delivery-reports.ts";
import { FaultInjector } from "./fault-injector.ts";
import type { InjectedError } from "./fault-injector.ts";
import { acceptHandsetMessage } from "./handset-message.ts";
import type { HandsetMessage } from "./handset-message.ts";
import type { KeywordRule } from "./inbound-keywords.ts";
import { isE164 } from "./input.ts";
import { PhoneNumberKeywords } from "./keywords.ts";
import { OPERATIONS } from "./operations.ts";
import type { SandboxState } from "./operations.ts";
import { OptOutList } from "./opt-out-list.ts";
import { DEFAULT_PHONE_NUMBERS, describePhoneNumber } from "./phone-numbers.ts";
import { describePools } from "./pools.ts";
import type { PoolConfig, SandboxPool } from "./pools.ts";
import type { PhoneNumberConfig, SandboxPhoneNumber } from "./phone-numbers.ts";
import { AwsJsonError, operationFromTarget, parseJsonObject, readBody, writeError, writeJson } from "./protocol.ts";
import { ReceivedMessages } from "./received-messages.ts";
import type { ReceivedSms, ReceivedSmsListener } from "./received-messages.ts";
import { SendRateLimit } from "./send-rate-limit.ts";
import { SentMessages } from "./sent-messages.ts";
import type { SentSms, SentSmsListener } from "./sent-messages.ts";
import type { InboundPublisher } from "./sns-inbound-publisher.ts";

export type {
  DeliveryEvent,
  DeliveryEventListener,
  DeliveryEventPublisher,
  DeliveryTiming,
  HandsetReachability,
} from "./delivery-reports.ts";
export type { InjectedError } from "./fault-injector.ts";
export { HandsetMessageError } from "./handset-message.ts";
export type { HandsetMessage } from "./handset-message.ts";
export type { PhoneNumberConfig, SandboxPhoneNumber } from "./phone-numbers.ts";
export type { PoolConfig, SandboxPool } from "./pools.ts";
export type { ReceivedSms, ReceivedSmsListener } from "./received-messages.ts";
export type { SentSms, SentSmsListener } from "./sent-messages.ts";
export type { InboundPublisher } from "./sns-inbound-publisher.ts";
export type { TwoWayPayload } from "./two-way-payload.ts";

export interface SmsSandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Region named in the ARNs the sandbox returns. Default us-east-1. */
  region?: string;
  /** The account's phone numbers. Default: one toll-free number, +18885550100. */
  phoneNumbers?: PhoneNumberConfig[];
  /** Phone pools over some of those numbers. Default: none. */
  pools?: PoolConfig[];
  /** Where handset messages go (the two-way SNS topic, see snsInboundPublisher). Default: recorded only. */
  inboundPublisher?: InboundPublisher;
  /**
   * Where delivery events go (the configuration set's event destination: an SNS topic, see
   * snsJsonPublisher), with their timing. Without a publisher they are only recorded.
   */
  deliveryEvents?: DeliveryTiming & { publisher?: DeliveryEventPublisher };
  /**
   * Message parts per second SendTextMessage accepts (a toll-free number: 3); above it, it answers
   * ThrottlingException as AWS does. Default: no limit.
   */
  maxPartsPerSecond?: number;
}

export interface RecordedRequest {
  operation: string;
  body: unknown;
}

export interface SmsSandbox {
  /** Endpoint for the SDK client, e.g. http://127.0.0.1:12345 */
  readonly url: string;
  readonly region: string;
  readonly phoneNumbers: readonly SandboxPhoneNumber[];
  readonly pools: readonly SandboxPool[];
  /** Name of the opt-out list every sandbox number uses ("Default"). */
  readonly optOutListName: string;
  /** Every SMS accepted by SendTextMessage (not DryRun), oldest first. */
  readonly sent: readonly SentSms[];
  /** Every well-formed call, including those answered with an injected or validation error. */
  readonly requests: readonly RecordedRequest[];
  /** Every message simulated handsets sent, oldest first. */
  readonly received: readonly ReceivedSms[];
  /** Every delivery event reported, oldest first. */
  readonly deliveryEvents: readonly DeliveryEvent[];
  /** Texts to the handset are then queued and delivered (reachable) or fail at the carrier a moment later. */
  setHandsetReachability(phoneNumber: string, reachability: HandsetReachability): void;
  handsetReachability(phoneNumber: string): HandsetReachability;
  /** The handsets switched to unreachable or blocked (every other one is reachable). */
  handsetsNotReachable(): ReadonlyMap<string, HandsetReachability>;
  /** SendTextMessage calls answered ThrottlingException for going over maxPartsPerSecond. */
  readonly throttled: number;
  callCount(operation: string): number;
  /** Resolves with the first recorded SMS matching, else with the next one sent; rejects after timeoutMs. */
  waitForSms(predicate: (sms: SentSms) => boolean, timeoutMs?: number): Promise<SentSms>;
  on(event: "sent", listener: SentSmsListener): this;
  on(event: "received", listener: ReceivedSmsListener): this;
  on(event: "delivery", listener: DeliveryEventListener): this;
  off(event: "sent", listener: SentSmsListener): this;
  off(event: "received", listener: ReceivedSmsListener): this;
  off(event: "delivery", listener: DeliveryEventListener): this;
  /**
   * A simulated handset texts a sandbox number: updates the opt-out list as AWS does (STOP and the
   * other opt-out words add the handset, START/UNSTOP remove it, unless the number manages its own
   * opt-outs), records the message, then publishes the two-way payload. Rejects with
   * HandsetMessageError for a message AWS could not receive.
   */
  receiveFromHandset(message: HandsetMessage): Promise<ReceivedSms>;
  /** The next `times` calls of `operation` answer with `error` instead of running. */
  failNext(operation: string, error: InjectedError, times?: number): void;
  /** Puts the number on the opt-out list as if the handset had texted STOP. */
  optOut(phoneNumber: string): void;
  optIn(phoneNumber: string): void;
  isOptedOut(phoneNumber: string): boolean;
  /** Forgets sent and received messages, recorded requests, pending faults and opt-outs. */
  reset(): void;
  close(): Promise<void>;
}

class SmsSandboxServer implements SmsSandbox {
  readonly region: string;
  readonly phoneNumbers: readonly SandboxPhoneNumber[];
  readonly pools: readonly SandboxPool[];
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server = createServer((req, res) => {
    this.#handle(req, res).catch(() => res.destroy());
  });
  #url = "";
  readonly #optOutList: OptOutList;
  readonly #sentMessages = new SentMessages();
  readonly #receivedMessages = new ReceivedMessages();
  readonly #faults = new FaultInjector();
  readonly #state: SandboxState;
  readonly #inboundPublisher: InboundPublisher | undefined;
  readonly #deliveryReports: DeliveryReports;
  #closed = false;

  constructor(
    region: string,
    phoneNumbers: PhoneNumberConfig[],
    pools: PoolConfig[],
    inboundPublisher: InboundPublisher | undefined,
    deliveryEvents: SmsSandboxOptions["deliveryEvents"] = {},
    maxPartsPerSecond: number | undefined = undefined,
  ) {
    this.region = region;
    this.#inboundPublisher = inboundPublisher;
    this.#deliveryReports = new DeliveryReports(deliveryEvents.publisher, deliveryEvents);
    this.#optOutList = new OptOutList(region);
    this.phoneNumbers = phoneNumbers.map((n) => describePhoneNumber(n, region, this.#optOutList.name));
    const described = describePools(pools, this.phoneNumbers, region, this.#optOutList.name);
    this.pools = described.map(({ pool }) => pool);
    this.#state = {
      phoneNumbers: this.phoneNumbers,
      pools: described,
      optOutList: this.#optOutList,
      keywords: new PhoneNumberKeywords(),
      configurationSets: new ConfigurationSets(region),
      recordSent: (sms) => {
        this.#sentMessages.record(sms);
        this.#deliveryReports.textSent(sms);
      },
      findSent: (messageId) => this.#sentMessages.list.find((sms) => sms.messageId === messageId),
      sendRateLimit: maxPartsPerSecond === undefined ? undefined : new SendRateLimit(maxPartsPerSecond),
    };
  }

  async listen(port: number, host: string): Promise<void> {
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.#url = `http://${urlHost}:${address.port}`;
  }

  get url(): string {
    return this.#url;
  }

  get optOutListName(): string {
    return this.#optOutList.name;
  }

  get sent(): readonly SentSms[] {
    return this.#sentMessages.list;
  }

  get received(): readonly ReceivedSms[] {
    return this.#receivedMessages.list;
  }

  get deliveryEvents(): readonly DeliveryEvent[] {
    return this.#deliveryReports.list;
  }

  setHandsetReachability(phoneNumber: string, reachability: HandsetReachability): void {
    if (!isE164(phoneNumber)) throw new Error(`setHandsetReachability: ${phoneNumber} is not an E.164 phone number`);
    this.#deliveryReports.setReachability(phoneNumber, reachability);
  }

  handsetReachability(phoneNumber: string): HandsetReachability {
    return this.#deliveryReports.reachabilityOf(phoneNumber);
  }

  handsetsNotReachable(): ReadonlyMap<string, HandsetReachability> {
    return this.#deliveryReports.notReachable();
  }

  get throttled(): number {
    return this.#state.sendRateLimit?.throttled ?? 0;
  }

  callCount(operation: string): number {
    return this.requests.filter((request) => request.operation === operation).length;
  }

  waitForSms(predicate: (sms: SentSms) => boolean, timeoutMs = 5000): Promise<SentSms> {
    return this.#sentMessages.waitFor(predicate, timeoutMs);
  }

  on(event: "sent", listener: SentSmsListener): this;
  on(event: "received", listener: ReceivedSmsListener): this;
  on(event: "delivery", listener: DeliveryEventListener): this;
  on(event: "sent" | "received" | "delivery", listener: SentSmsListener | ReceivedSmsListener | DeliveryEventListener): this {
    if (event === "sent") this.#sentMessages.on(listener as SentSmsListener);
    else if (event === "received") this.#receivedMessages.on(listener as ReceivedSmsListener);
    else this.#deliveryReports.on(listener as DeliveryEventListener);
    return this;
  }

  off(event: "sent", listener: SentSmsListener): this;
  off(event: "received", listener: ReceivedSmsListener): this;
  off(event: "delivery", listener: DeliveryEventListener): this;
  off(event: "sent" | "received" | "delivery", listener: SentSmsListener | ReceivedSmsListener | DeliveryEventListener): this {
    if (event === "sent") this.#sentMessages.off(listener as SentSmsListener);
    else if (event === "received") this.#receivedMessages.off(listener as ReceivedSmsListener);
    else this.#deliveryReports.off(listener as DeliveryEventListener);
    return this;
  }

  async receiveFromHandset(message: HandsetMessage): Promise<ReceivedSms> {
    const received = acceptHandsetMessage(message, {
      phoneNumbers: this.#state.phoneNumbers,
      sent: this.#sentMessages.list,
      optOutList: this.#optOutList,
      keywordsOf: (number) => this.#keywordsOf(number),
    });
    this.#receivedMessages.record(received);
    await this.#inboundPublisher?.(received.payload);
    return received;
  }

  #keywordsOf(phoneNumber: SandboxPhoneNumber): readonly KeywordRule[] {
    return this.#state.keywords.rules(phoneNumber.PhoneNumberId);
  }

  failNext(operation: string, error: InjectedError, times = 1): void {
    this.#faults.failNext(operation, error, times);
  }

  optOut(phoneNumber: string): void {
    if (!isE164(phoneNumber)) throw new Error(`optOut: ${phoneNumber} is not an E.164 phone number`);
    this.#optOutList.add(phoneNumber, true);
  }

  optIn(phoneNumber: string): void {
    this.#optOutList.remove(phoneNumber);
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.#optOutList.has(phoneNumber);
  }

  reset(): void {
    this.#sentMessages.clear();
    this.#receivedMessages.clear();
    this.requests.length = 0;
    this.#faults.clear();
    this.#optOutList.clear();
    this.#deliveryReports.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method === "GET" && req.url === "/health") {
        writeJson(res, 200, { status: "ok" });
        return;
      }
      if (req.url?.startsWith(CONTROL_PREFIX)) {
        await handleControl(req, res, this);
        return;
      }
      if (req.method !== "POST" || req.url !== "/") {
        throw new AwsJsonError("UnknownOperationException", `No route for ${req.method} ${req.url}`, 404);
      }
      const text = await readBody(req);
      const operation = operationFromTarget(req.headers["x-amz-target"]);
      const body = parseJsonObject(text);
      this.requests.push({ operation, body });
      const fault = this.#faults.take(operation);
      if (fault) throw fault;
      const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
      if (!run) throw new AwsJsonError("UnknownOperationException", `Unknown operation ${operation}`);
      writeJson(res, 200, run(body, this.#state));
    } catch (error) {
      writeError(
        res,
        error instanceof AwsJsonError
          ? error
          : new AwsJsonError("InternalServerException", error instanceof Error ? error.message : String(error), 500),
      );
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#sentMessages.close();
    this.#deliveryReports.close();
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      // The SDK keeps sockets alive; without this close() waits for them to idle out.
      this.#server.closeAllConnections();
    });
  }
}

export async function startSmsSandbox(options: SmsSandboxOptions = {}): Promise<SmsSandbox> {
  const { port = 0, host = "127.0.0.1", region = "us-east-1", phoneNumbers = DEFAULT_PHONE_NUMBERS } = options;
  const sandbox = new SmsSandboxServer(
    region,
    phoneNumbers,
    options.pools ?? [],
    options.inboundPublisher,
    options.deliveryEvents,
    options.maxPartsPerSecond,
  );
  await sandbox.listen(port, host);
  return sandbox;
}
