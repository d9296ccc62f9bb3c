// A fresh "account" per test for the provisioner: fauxqs (SNS, SQS, STS), the SMS sandbox
// (Pinpoint SMS Voice v2, whose delivery events go where the text's configuration set says) and the
// KMS stub, with every SDK call the provisioner makes recorded.
import { DescribeConfigurationSetsCommand, PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient, GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { parseProvisionArgs } from "../../provision/args.ts";
import { createProvisionClients, destroyClients } from "../../provision/clients.ts";
import type { ProvisionClients } from "../../provision/clients.ts";
import { provision } from "../../provision/provision.ts";
import type { ProvisionResult } from "../../provision/provision.ts";
import { startSmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import type { DeliveryEventPublisher, PhoneNumberConfig, SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { eventDestinationPublisher } from "./event-destination-publisher.ts";
import { startKmsStub } from "./kms-stub.ts";
import type { KmsStub } from "./kms-stub.ts";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const SMS_NUMBER = { phoneNumber: "+18885550100", phoneNumberId: "phone-0123456789abcdef0123456789abcdef" };
export const VOICE_NUMBER = { phoneNumber: "+18885550199", phoneNumberId: "phone-ffffffffffffffffffffffffffffffff" };

const READ_ONLY = /^(Describe|Get|List)/;

export interface RunOutcome {
  result: ProvisionResult;
  report: string;
  environment: Record<string, string>;
}

export interface AccountSnapshot {
  queues: Record<string, Record<string, string>>;
  topics: Record<string, Record<string, string>>;
  subscriptions: string[];
  /** Each configuration set's event destinations. */
  configurationSets: Record<string, unknown>;
}

export interface ProvisionHarness {
  fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  sandbox: SmsSandbox;
  kms: KmsStub;
  /** Clients outside the provisioner's (not recorded), for arranging and asserting. */
  sns: SNSClient;
  sqs: SQSClient;
  sms: PinpointSMSVoiceV2Client;
  /** Every call the provisioner's clients made, as "Service.Command". */
  readonly calls: string[];
  mutatingCalls(): string[];
  run(argv: string[]): Promise<RunOutcome>;
  snapshot(): Promise<AccountSnapshot>;
  stop(): Promise<void>;
}

function recorder(service: string, calls: string[]) {
  return <I, O>(next: (args: I) => Promise<O>, context: { commandName?: string }) =>
    (args: I): Promise<O> => {
      calls.push(`${service}.${(context.commandName ?? "?").replace(/Command$/, "")}`);
      return next(args);
    };
}

function recordCalls(clients: ProvisionClients, calls: string[]): void {
  const options = { step: "initialize", name: "recordProvisionCalls" } as const;
  clients.sts.middlewareStack.add(recorder("STS", calls), options);
  clients.sns.middlewareStack.add(recorder("SNS", calls), options);
  clients.sqs.middlewareStack.add(recorder("SQS", calls), options);
  clients.sms.middlewareStack.add(recorder("SMS", calls), options);
  clients.kms.middlewareStack.add(recorder("KMS", calls), options);
}

function parseEnvironment(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

export async function startProvisionHarness(
  phoneNumbers: PhoneNumberConfig[] = [
    { ...SMS_NUMBER, twoWayEnabled: false },
    { ...VOICE_NUMBER, numberCapabilities: ["VOICE"], twoWayEnabled: false },
  ],
): Promise<ProvisionHarness> {
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const endpoint = fauxqs.address;
  const sns = new SNSClient({ region: REGION, endpoint });
  const sqs = new SQSClient({ region: REGION, endpoint, useQueueUrlAsEndpoint: false });
  let publishDeliveryEvent: DeliveryEventPublisher = () => Promise.resolve();
  const sandbox = await startSmsSandbox({ region: REGION, phoneNumbers, deliveryEvents: { publisher: (event) => publishDeliveryEvent(event) } });
  const sms = new PinpointSMSVoiceV2Client({ region: REGION, endpoint: sandbox.url });
  publishDeliveryEvent = eventDestinationPublisher(sandbox, sms, sns);
  const kms = await startKmsStub(REGION);
  const calls: string[] = [];

  const snapshot = async (): Promise<AccountSnapshot> => {
    const queueUrls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const queues: AccountSnapshot["queues"] = {};
    for (const url of queueUrls) {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
      queues[url.split("/").pop() ?? url] = Attributes;
    }
    const topics: AccountSnapshot["topics"] = {};
    for (const { TopicArn = "" } of (await sns.send(new ListTopicsCommand({}))).Topics ?? []) {
      topics[TopicArn] = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes ?? {};
    }
    const subscriptions = ((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? [])
      .map((s) => `${s.TopicArn ?? ""} -> ${s.Endpoint ?? ""}`)
      .sort();
    const { ConfigurationSets = [] } = await sms.send(new DescribeConfigurationSetsCommand({}));
    const configurationSets = Object.fromEntries(ConfigurationSets.map((set) => [set.ConfigurationSetName ?? "", set.EventDestinations]));
    return { queues, topics, subscriptions, configurationSets };
  };

  return {
    fauxqs,
    sandbox,
    kms,
    sns,
    sqs,
    sms,
    calls,
    mutatingCalls: () => calls.filter((call) => !READ_ONLY.test(call.split(".")[1] ?? "")),
    async run(argv) {
      const options = parseProvisionArgs(argv);
      if (options === "help") throw new Error("run: --help is not a provisioning run");
      const clients = createProvisionClients(REGION, { sts: endpoint, sns: endpoint, sqs: endpoint, sms: sandbox.url, kms: kms.url });
      recordCalls(clients, calls);
      const report: string[] = [];
      let environment = "";
      try {
        const result = await provision(options, clients, {
          report: (text) => report.push(text),
          environment: (text) => (environment = text),
        });
        return { result, report: report.join("\n"), environment: parseEnvironment(environment) };
      } finally {
        destroyClients(clients);
      }
    },
    snapshot,
    async stop() {
      sns.destroy();
      sqs.destroy();
      sms.destroy();
      await Promise.all([fauxqs.stop(), sandbox.close(), kms.close()]);
    },
  };
}
