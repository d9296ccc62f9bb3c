// CreateConfigurationSet, DescribeConfigurationSets, CreateEventDestination, UpdateEventDestination:
// what setting up delivery events calls.
import type { SandboxConfigurationSet, SandboxEventDestination, SnsDestination } from "./configuration-sets.ts";
import { optionalBoolean, optionalFilters, optionalStringList, paginate, requiredString } from "./input.ts";
import type { Input } from "./input.ts";
import type { SandboxState } from "./operations.ts";
import { AwsJsonError, resourceNotFound, validationError } from "./protocol.ts";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const EVENT_TYPE = /^[A-Z][A-Z_]*$/;
const MAX_EVENT_TYPES = 43;

function requiredName(input: Input, field: string): string {
  const name = requiredString(input, field);
  if (!NAME.test(name)) throw validationError("INVALID_PARAMETER", `${field} must be 1-64 characters of [A-Za-z0-9_-]`, { name: field, message: "invalid name" });
  return name;
}

function requireSet(input: Input, state: SandboxState): SandboxConfigurationSet {
  const nameOrArn = requiredString(input, "ConfigurationSetName");
  const set = state.configurationSets.find(nameOrArn);
  if (!set) throw resourceNotFound("configuration-set", nameOrArn);
  return set;
}

function eventTypes(input: Input, required: boolean): string[] | undefined {
  const types = optionalStringList(input, "MatchingEventTypes");
  if (types === undefined && !required) return undefined;
  if (!types || types.length === 0 || types.length > MAX_EVENT_TYPES || !types.every((t) => EVENT_TYPE.test(t)) || types.includes("TEXT_SENT")) {
    throw validationError("INVALID_PARAMETER", `MatchingEventTypes must be 1-${MAX_EVENT_TYPES} event types (TEXT_SENT is not supported)`, {
      name: "MatchingEventTypes",
      message: "invalid event types",
    });
  }
  return [...types];
}

/** The SNS destination a request names; the sandbox has no CloudWatch Logs or Firehose to deliver to. */
function snsDestinationOf(input: Input): SnsDestination {
  for (const other of ["CloudWatchLogsDestination", "KinesisFirehoseDestination"]) {
    if (input[other] !== undefined && input[other] !== null) throw validationError("INVALID_PARAMETER", `The sandbox supports SNS destinations only, not ${other}`, { name: other, message: "not supported" });
  }
  const sns = input["SnsDestination"];
  if (typeof sns !== "object" || sns === null) throw validationError("MISSING_PARAMETER", "SnsDestination is required", { name: "SnsDestination", message: "is required" });
  const topicArn = requiredString(sns as Input, "TopicArn");
  if (!/^arn:\S+$/.test(topicArn)) throw validationError("INVALID_ARN", "SnsDestination.TopicArn must be an ARN", { name: "TopicArn", message: "invalid ARN" });
  return { TopicArn: topicArn };
}

function destinationResult(set: SandboxConfigurationSet, destination: SandboxEventDestination): unknown {
  return { ConfigurationSetArn: set.ConfigurationSetArn, ConfigurationSetName: set.ConfigurationSetName, EventDestination: destination };
}

function createConfigurationSet(input: Input, state: SandboxState): unknown {
  const name = requiredName(input, "ConfigurationSetName");
  const set = state.configurationSets.create(name);
  if (!set) {
    throw new AwsJsonError("ConflictException", `Configuration set ${name} already exists`, 400, {
      Reason: "RESOURCE_ALREADY_EXISTS",
      ResourceType: "configuration-set",
      ResourceId: name,
    });
  }
  return { ConfigurationSetArn: set.ConfigurationSetArn, ConfigurationSetName: name, Tags: [], CreatedTimestamp: set.CreatedTimestamp };
}

function describeConfigurationSets(input: Input, state: SandboxState): unknown {
  const wanted = optionalStringList(input, "ConfigurationSetNames");
  const filter = optionalFilters(input, "Filters")[0];
  if (filter) throw validationError("INVALID_FILTER_VALUES", `Unsupported filter ${filter.name}`);
  const sets =
    wanted === undefined
      ? state.configurationSets.list()
      : wanted.map((nameOrArn) => {
          const set = state.configurationSets.find(nameOrArn);
          if (!set) throw resourceNotFound("configuration-set", nameOrArn);
          return set;
        });
  const { page, nextToken } = paginate(sets, input);
  return { ConfigurationSets: page, NextToken: nextToken };
}

function createEventDestination(input: Input, state: SandboxState): unknown {
  const set = requireSet(input, state);
  const name = requiredName(input, "EventDestinationName");
  if (set.EventDestinations.some((d) => d.EventDestinationName === name)) {
    throw new AwsJsonError("ConflictException", `Event destination ${name} already exists`, 400, {
      Reason: "RESOURCE_ALREADY_EXISTS",
      ResourceType: "event-destination",
      ResourceId: name,
    });
  }
  const destination: SandboxEventDestination = {
    EventDestinationName: name,
    Enabled: true,
    MatchingEventTypes: eventTypes(input, true) ?? [],
    SnsDestination: snsDestinationOf(input),
  };
  set.EventDestinations.push(destination);
  return destinationResult(set, destination);
}

function updateEventDestination(input: Input, state: SandboxState): unknown {
  const set = requireSet(input, state);
  const name = requiredString(input, "EventDestinationName");
  const index = set.EventDestinations.findIndex((d) => d.EventDestinationName === name);
  const existing = set.EventDestinations[index];
  if (!existing) throw resourceNotFound("event-destination", name);
  const updated: SandboxEventDestination = {
    EventDestinationName: name,
    Enabled: optionalBoolean(input, "Enabled") ?? existing.Enabled,
    MatchingEventTypes: eventTypes(input, false) ?? existing.MatchingEventTypes,
    SnsDestination: input["SnsDestination"] === undefined || input["SnsDestination"] === null ? existing.SnsDestination : snsDestinationOf(input),
  };
  set.EventDestinations[index] = updated;
  return destinationResult(set, updated);
}

export const CONFIGURATION_SET_OPERATIONS = {
  CreateConfigurationSet: createConfigurationSet,
  DescribeConfigurationSets: describeConfigurationSets,
  CreateEventDestination: createEventDestination,
  UpdateEventDestination: updateEventDestination,
} as const;
