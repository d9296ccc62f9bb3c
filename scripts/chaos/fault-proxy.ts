// A loopback HTTP proxy that fails a share of the calls it recognises, either before forwarding
// (the call never reached the service behind it) or after (the call took effect but the client sees
// an error, so the SDK's retry repeats it). Used in front of the SMS sandbox (Pinpoint SMS Voice v2,
// awsJson1_0) and of the emulator's SNS endpoint (awsQuery).
import { randomUUID } from "node:crypto";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface InjectedFault {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FaultRule {
  /** Names the rule in the statistics. */
  name: string;
  /** Whether the call is one this rule may fail (e.g. its operation). */
  matches(req: IncomingMessage, body: string): boolean;
  /** Share of matching calls answered with a fault instead of being forwarded. */
  failShare: number;
  /** Share of matching calls forwarded, then answered with a fault (the effect happened). */
  failAfterForwardShare: number;
  /** The fault to answer with; `random` in [0, 1) picks among kinds. */
  fault(random: number): InjectedFault;
}

export interface RuleStats {
  matched: number;
  failedBefore: number;
  failedAfter: number;
  /** Matching calls refused because the service behind was down (an outage, not a random fault). */
  refusedWhileDown: number;
}

export interface FaultProxy {
  readonly url: string;
  /** When false no random fault is injected. */
  enabled: boolean;
  /** While true every matching call is refused before forwarding (an outage), whatever `enabled` says. */
  down: boolean;
  readonly stats: Record<string, RuleStats>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, rules: FaultRule[], random: () => number): Promise<FaultProxy> {
  const upstream = new URL(target);
  const stats: Record<string, RuleStats> = Object.fromEntries(rules.map((rule) => [rule.name, { matched: 0, failedBefore: 0, failedAfter: 0, refusedWhileDown: 0 }]));

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (status: number, headers: IncomingMessage["headers"], payload: Buffer) => void, onError: () => void) => {
    const outgoing = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => onResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on("error", onError);
      },
    );
    outgoing.on("error", onError);
    outgoing.end(body);
  };

  const answer = (res: ServerResponse, fault: InjectedFault) => {
    res.writeHead(fault.status, { ...fault.headers, "content-length": Buffer.byteLength(fault.body) });
    res.end(fault.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const matching = proxy.enabled || proxy.down ? rules.find((candidate) => candidate.matches(req, body.toString("utf8"))) : undefined;
      if (matching && proxy.down) {
        stats[matching.name]!.refusedWhileDown += 1;
        answer(res, matching.fault(random()));
        return;
      }
      const rule = proxy.enabled ? matching : undefined;
      const ruleStats = rule ? stats[rule.name] : undefined;
      if (ruleStats) ruleStats.matched += 1;
      const roll = random();
      if (rule && ruleStats && roll < rule.failShare) {
        ruleStats.failedBefore += 1;
        answer(res, rule.fault(random()));
        return;
      }
      const failAfter = rule !== undefined && ruleStats !== undefined && roll < rule.failShare + rule.failAfterForwardShare;
      forward(
        req,
        body,
        (status, headers, payload) => {
          if (failAfter && rule && ruleStats) {
            ruleStats.failedAfter += 1;
            answer(res, rule.fault(random()));
            return;
          }
          res.writeHead(status, headers);
          res.end(payload);
        },
        () => res.destroy(),
      );
    });
    req.on("error", () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    enabled: true,
    down: false,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return proxy;
}

/** SendTextMessage answered with ThrottlingException (400) or InternalServerException (500), as Pinpoint SMS Voice v2 does. */
export function smsSendFaults(failShare: number, failAfterForwardShare: number): FaultRule {
  return {
    name: "sms:SendTextMessage",
    matches: (req) => req.headers["x-amz-target"] === "PinpointSMSVoiceV2.SendTextMessage",
    failShare,
    failAfterForwardShare,
    fault: (random) => {
      const name = random < 0.5 ? "ThrottlingException" : "InternalServerException";
      return {
        status: name === "ThrottlingException" ? 400 : 500,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": name, "x-amzn-requestid": randomUUID() },
        body: JSON.stringify({ __type: name, Message: "injected by the chaos run" }),
      };
    },
  };
}

const SNS_PUBLISH = /(?:^|&)Action=(?:Publish|PublishBatch)(?:&|$)/;

/** SNS Publish/PublishBatch (awsQuery) answered with HTTP 500 InternalFailure. */
export function snsPublishFaults(failShare: number, failAfterForwardShare: number): FaultRule {
  return {
    name: "sns:Publish",
    matches: (_req, body) => SNS_PUBLISH.test(body),
    failShare,
    failAfterForwardShare,
    fault: () => ({
      status: 500,
      headers: { "content-type": "text/xml", "x-amzn-requestid": randomUUID() },
      body:
        '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type>' +
        `<Code>InternalFailure</Code><Message>injected by the chaos run</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    }),
  };
}
