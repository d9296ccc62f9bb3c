// Phone pools: DescribePools, ListPoolOriginationIdentities, and which number a message sent from a
// pool leaves from. AWS picks a pool number suited to the destination; the sandbox takes the first.
import { randomUUID } from "node:crypto";
import { sandboxArn } from "./arn.ts";
import { optionalFilters, optionalStringList, paginate, requiredString } from "./input.ts";
import type { Input } from "./input.ts";
import type { SandboxPhoneNumber } from "./phone-numbers.ts";
import { resourceNotFound, validationError } from "./protocol.ts";

export interface PoolConfig {
  poolId?: string;
  /** E.164 numbers of the sandbox's phone numbers (at least one) that belong to the pool. */
  phoneNumbers: string[];
}

/** A pool as DescribePools describes it (PoolInformation), and its numbers. */
export interface SandboxPool {
  PoolArn: string;
  PoolId: string;
  Status: "ACTIVE";
  MessageType: "TRANSACTIONAL";
  TwoWayEnabled: boolean;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
  SharedRoutesEnabled: boolean;
  DeletionProtectionEnabled: boolean;
  /** Epoch seconds: awsJson's default timestamp format. */
  CreatedTimestamp: number;
}

export interface PoolWithNumbers {
  pool: SandboxPool;
  numbers: SandboxPhoneNumber[];
}

/** Builds the pools and marks each member number with its PoolId, as DescribePhoneNumbers shows it. */
export function describePools(configs: readonly PoolConfig[], phoneNumbers: readonly SandboxPhoneNumber[], region: string, optOutListName: string): PoolWithNumbers[] {
  return configs.map((config) => {
    if (config.phoneNumbers.length === 0) throw new Error("SMS sandbox: a pool needs at least one phone number");
    const id = config.poolId ?? `pool-${randomUUID().replaceAll("-", "")}`;
    const numbers = config.phoneNumbers.map((e164) => {
      const number = phoneNumbers.find((n) => n.PhoneNumber === e164);
      if (!number) throw new Error(`SMS sandbox: pool ${id} names ${e164}, which is not one of the sandbox's phone numbers`);
      if (number.PoolId !== undefined) throw new Error(`SMS sandbox: ${e164} is already in pool ${number.PoolId}`);
      number.PoolId = id;
      return number;
    });
    return {
      pool: {
        PoolArn: sandboxArn(region, `pool/${id}`),
        PoolId: id,
        Status: "ACTIVE",
        MessageType: "TRANSACTIONAL",
        TwoWayEnabled: numbers.every((n) => n.TwoWayEnabled),
        SelfManagedOptOutsEnabled: false,
        OptOutListName: optOutListName,
        SharedRoutesEnabled: false,
        DeletionProtectionEnabled: false,
        CreatedTimestamp: Math.floor(Date.now() / 1000),
      },
      numbers,
    };
  });
}

/** The pool an id or ARN names, as the API accepts either. */
export function findPool(pools: readonly PoolWithNumbers[], idOrArn: string): PoolWithNumbers | undefined {
  return pools.find(({ pool }) => pool.PoolId === idOrArn || pool.PoolArn === idOrArn);
}

const POOL_FILTERS: Record<string, (p: SandboxPool) => string> = {
  status: (p) => p.Status,
  "message-type": (p) => p.MessageType,
  "two-way-enabled": (p) => String(p.TwoWayEnabled),
  "self-managed-opt-outs-enabled": (p) => String(p.SelfManagedOptOutsEnabled),
  "opt-out-list-name": (p) => p.OptOutListName,
  "shared-routes-enabled": (p) => String(p.SharedRoutesEnabled),
  "deletion-protection-enabled": (p) => String(p.DeletionProtectionEnabled),
};

export function describePoolsOperation(input: Input, pools: readonly PoolWithNumbers[]): unknown {
  const ids = optionalStringList(input, "PoolIds");
  const filters = optionalFilters(input, "Filters");
  const unknownFilter = filters.find((filter) => !Object.hasOwn(POOL_FILTERS, filter.name));
  if (unknownFilter) throw validationError("INVALID_FILTER_VALUES", `Unknown filter ${unknownFilter.name}`);
  const selected =
    ids === undefined
      ? pools
      : ids.map((id) => {
          const found = findPool(pools, id);
          if (!found) throw resourceNotFound("pool", id);
          return found;
        });
  const { page, nextToken } = paginate(
    selected.map(({ pool }) => pool).filter((pool) => filters.every((filter) => filter.values.includes(POOL_FILTERS[filter.name]!(pool)))),
    input,
  );
  return { Pools: page.map((pool) => ({ ...pool })), NextToken: nextToken };
}

const IDENTITY_FILTERS: Record<string, (n: SandboxPhoneNumber) => string[]> = {
  "iso-country-code": (n) => [n.IsoCountryCode],
  "number-capability": (n) => n.NumberCapabilities,
};

export function listPoolOriginationIdentities(input: Input, pools: readonly PoolWithNumbers[]): unknown {
  const id = requiredString(input, "PoolId");
  const found = findPool(pools, id);
  if (!found) throw resourceNotFound("pool", id);
  const filters = optionalFilters(input, "Filters");
  const unknownFilter = filters.find((filter) => !Object.hasOwn(IDENTITY_FILTERS, filter.name));
  if (unknownFilter) throw validationError("INVALID_FILTER_VALUES", `Unknown filter ${unknownFilter.name}`);
  const { page, nextToken } = paginate(
    found.numbers.filter((n) => filters.every((filter) => filter.values.some((value) => IDENTITY_FILTERS[filter.name]!(n).includes(value)))),
    input,
  );
  return {
    PoolArn: found.pool.PoolArn,
    PoolId: found.pool.PoolId,
    OriginationIdentities: page.map((n) => ({
      OriginationIdentityArn: n.PhoneNumberArn,
      OriginationIdentity: n.PhoneNumberId,
      IsoCountryCode: n.IsoCountryCode,
      NumberCapabilities: [...n.NumberCapabilities],
      PhoneNumber: n.PhoneNumber,
    })),
    NextToken: nextToken,
  };
}
