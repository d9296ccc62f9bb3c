// The configuration set operations of the SMS sandbox, through the real SDK client: what
// `npm run provision` calls to set up delivery events.
import {
  ConflictException,
  CreateConfigurationSetCommand,
  CreateEventDestinationCommand,
  DescribeConfigurationSetsCommand,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException,
  UpdateEventDestinationCommand,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import type { SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";

const TOPIC = "arn:aws:sns:us-east-1:000000000000:sms-events";
const SET_ARN = "arn:aws:sms-voice:us-east-1:000000000000:configuration-set/fraud";

let sandbox: SmsSandbox;
let sms: PinpointSMSVoiceV2Client;

beforeEach(async () => {
  sandbox = await startSmsSandbox();
  sms = new PinpointSMSVoiceV2Client({ region: "us-east-1", endpoint: sandbox.url });
});

afterEach(async () => {
  sms.destroy();
  await sandbox.close();
});

const destination = { ConfigurationSetName: "fraud", EventDestinationName: "events", MatchingEventTypes: ["TEXT_DELIVERED" as const], SnsDestination: { TopicArn: TOPIC } };

describe("SMS sandbox configuration sets", () => {
  it("creates a set once, describes it by name or ARN with its event destinations", async () => {
    const created = await sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: "fraud" }));
    expect(created.ConfigurationSetArn).toBe(SET_ARN);
    await expect(sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: "fraud" }))).rejects.toBeInstanceOf(ConflictException);

    const added = await sms.send(new CreateEventDestinationCommand({ ...destination, ConfigurationSetName: SET_ARN }));

    expect(added.EventDestination).toEqual({ EventDestinationName: "events", Enabled: true, MatchingEventTypes: ["TEXT_DELIVERED"], SnsDestination: { TopicArn: TOPIC } });
    const { ConfigurationSets } = await sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: ["fraud"] }));
    expect(ConfigurationSets).toEqual([expect.objectContaining({ ConfigurationSetName: "fraud", EventDestinations: [added.EventDestination] })]);
    await expect(sms.send(new CreateEventDestinationCommand(destination))).rejects.toBeInstanceOf(ConflictException);
  });

  it("updates only what an UpdateEventDestination names", async () => {
    await sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: "fraud" }));
    await sms.send(new CreateEventDestinationCommand(destination));

    const { EventDestination } = await sms.send(
      new UpdateEventDestinationCommand({ ConfigurationSetName: "fraud", EventDestinationName: "events", Enabled: false }),
    );

    expect(EventDestination).toEqual({ EventDestinationName: "events", Enabled: false, MatchingEventTypes: ["TEXT_DELIVERED"], SnsDestination: { TopicArn: TOPIC } });
  });

  it("refuses what AWS refuses: an unknown set or destination, no event type, TEXT_SENT", async () => {
    await expect(sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: ["nope"] }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(sms.send(new CreateEventDestinationCommand(destination))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await sms.send(new CreateConfigurationSetCommand({ ConfigurationSetName: "fraud" }));
    await expect(sms.send(new UpdateEventDestinationCommand({ ConfigurationSetName: "fraud", EventDestinationName: "events" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(sms.send(new CreateEventDestinationCommand({ ...destination, MatchingEventTypes: [] }))).rejects.toBeInstanceOf(ValidationException);
    await expect(sms.send(new CreateEventDestinationCommand({ ...destination, MatchingEventTypes: ["TEXT_SENT"] }))).rejects.toBeInstanceOf(ValidationException);
  });
});
