import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { createAwsClients, type AwsClients } from "../../src/adapters/aws/aws-clients.ts";

/** A provider that answers each request in turn as scripted: "stall" never answers. */
interface Answer {
  contentType: string;
  body: string;
}

const SNS_PUBLISHED: Answer = {
  contentType: "text/xml",
  body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>published-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
};
const SQS_EMPTY: Answer = { contentType: "application/x-amz-json-1.0", body: "{}" };
const SMS_SENT: Answer = { contentType: "application/x-amz-json-1.0", body: JSON.stringify({ MessageId: "sent-1" }) };
const TIMEOUTS = { connectionMs: 1_000, requestMs: 300, sqsRequestMs: 300 };
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

const servers: Server[] = [];
const clients: AwsClients[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function provider(script: Array<Answer | "stall">): Promise<{ clients: AwsClients; requests: () => number }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests += 1;
      const answer = script[Math.min(requests, script.length) - 1];
      if (answer === undefined || answer === "stall") return;
      response.writeHead(200, { "content-type": answer.contentType });
      response.end(answer.body);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const built = createAwsClients({ region: "us-east-1", endpoints: { sqs: endpoint, sns: endpoint, sms: endpoint } }, CREDENTIALS, TIMEOUTS);
  clients.push(built);
  return { clients: built, requests: () => requests };
}

type Call = (clients: AwsClients) => Promise<{ $metadata: { attempts?: number } }>;

const CALLS: Array<[string, Answer, Call]> = [
  ["SQS ReceiveMessage", SQS_EMPTY, (c) => c.sqs.send(new ReceiveMessageCommand({ QueueUrl: "http://127.0.0.1/000000000000/requests", WaitTimeSeconds: 0 }))],
  ["SNS Publish", SNS_PUBLISHED, (c) => c.sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:decisions", Message: "{}" }))],
  ["Pinpoint SendTextMessage", SMS_SENT, (c) => c.sms.send(new SendTextMessageCommand({ DestinationPhoneNumber: "+15555550100", MessageBody: "Reply YES or NO" }))],
];

describe("a call whose response stalls", () => {
  it.each(CALLS)("%s fails at the request timeout and the SDK retries it", { timeout: 5_000 }, async (_name, answer, call) => {
    const scripted = await provider(["stall", answer]);
    const result = await call(scripted.clients);
    expect(result.$metadata.attempts).toBe(2);
    expect(scripted.requests()).toBe(2);
  });

  it("ends, after the client's attempts, as a TimeoutError when the provider never answers", { timeout: 5_000 }, async () => {
    const scripted = await provider(["stall"]);
    const error = (await CALLS[1]?.[2](scripted.clients).catch((caught: unknown) => caught)) as Error & { $metadata?: { attempts?: number } };
    expect(error.name).toBe("TimeoutError");
    expect(error.$metadata?.attempts).toBe(3);
    expect(scripted.requests()).toBe(3);
  });
});
