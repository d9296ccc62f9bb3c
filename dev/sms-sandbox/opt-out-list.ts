import { sandboxArn } from "./arn.ts";

export interface OptedOutEntry {
  phoneNumber: string;
  optedOutAt: Date;
  /** true when the handset opted out (STOP), false when added through the API. */
  endUserOptedOut: boolean;
}

// The account's "Default" opt-out list, the one every sandbox number uses.
export class OptOutList {
  readonly name = "Default";
  readonly arn: string;
  readonly #entries = new Map<string, OptedOutEntry>();

  constructor(region: string) {
    this.arn = sandboxArn(region, `opt-out-list/${this.name}`);
  }

  /** Accepts the list's name or ARN, as the API does. */
  matches(nameOrArn: string): boolean {
    return nameOrArn === this.name || nameOrArn === this.arn;
  }

  add(phoneNumber: string, endUserOptedOut: boolean): OptedOutEntry {
    const existing = this.#entries.get(phoneNumber);
    if (existing) return existing;
    const entry = { phoneNumber, optedOutAt: new Date(), endUserOptedOut };
    this.#entries.set(phoneNumber, entry);
    return entry;
  }

  remove(phoneNumber: string): OptedOutEntry | undefined {
    const entry = this.#entries.get(phoneNumber);
    this.#entries.delete(phoneNumber);
    return entry;
  }

  get(phoneNumber: string): OptedOutEntry | undefined {
    return this.#entries.get(phoneNumber);
  }

  has(phoneNumber: string): boolean {
    return this.#entries.has(phoneNumber);
  }

  entries(): OptedOutEntry[] {
    return [...this.#entries.values()];
  }

  clear(): void {
    this.#entries.clear();
  }
}
