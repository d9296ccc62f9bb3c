// The account's configuration sets and their event destinations, as DescribeConfigurationSets
// describes them. The sandbox reports delivery events whatever a text's configuration set says.
import { sandboxArn } from "./arn.ts";

export interface SnsDestination {
  TopicArn: string;
}

/** An event destination as the API describes it (EventDestination). */
export interface SandboxEventDestination {
  EventDestinationName: string;
  Enabled: boolean;
  MatchingEventTypes: string[];
  /** The sandbox keeps SNS destinations only (CloudWatch Logs and Firehose are refused). */
  SnsDestination: SnsDestination;
}

/** A configuration set as the API describes it (ConfigurationSetInformation). */
export interface SandboxConfigurationSet {
  ConfigurationSetArn: string;
  ConfigurationSetName: string;
  EventDestinations: SandboxEventDestination[];
  /** Epoch seconds: awsJson's default timestamp format. */
  CreatedTimestamp: number;
}

export class ConfigurationSets {
  readonly #region: string;
  readonly #sets = new Map<string, SandboxConfigurationSet>();

  constructor(region: string) {
    this.#region = region;
  }

  arnOf(name: string): string {
    return sandboxArn(this.#region, `configuration-set/${name}`);
  }

  /** By name or ARN, as every operation that takes a ConfigurationSetName accepts either. */
  find(nameOrArn: string): SandboxConfigurationSet | undefined {
    return [...this.#sets.values()].find((set) => set.ConfigurationSetName === nameOrArn || set.ConfigurationSetArn === nameOrArn);
  }

  /** undefined when a set of that name exists already. */
  create(name: string): SandboxConfigurationSet | undefined {
    if (this.#sets.has(name)) return undefined;
    const set = { ConfigurationSetArn: this.arnOf(name), ConfigurationSetName: name, EventDestinations: [], CreatedTimestamp: Math.floor(Date.now() / 1000) };
    this.#sets.set(name, set);
    return set;
  }

  list(): SandboxConfigurationSet[] {
    return [...this.#sets.values()];
  }
}
