import type { Verification } from "../../domain/verification.ts";
import type {
  CancellationLookup,
  CreateResult,
  DecideResult,
  DueDeadline,
  NewVerification,
  OwedText,
  ReplyInput,
  ReplyOutcome,
  ReplyResult,
  TransactionClaim,
  VerificationStore,
} from "../../ports.ts";
import { deadlineMember, parseDeadlineMember, RedisKeys } from "./redis-keys.ts";
import { registerScripts, type RedisClient, type Scripts } from "./scripts.ts";
import { parseVerification } from "./verification-record.ts";

const DAY_SECONDS = 86_400;
/** A message index outlives the longest reply window (a day) by a day, for late replies. */
const MESSAGE_INDEX_TTL_SECONDS = 2 * DAY_SECONDS;

export interface StoreOptions {
  namespace?: string;
  /** How long a decided verification (and its idempotency) is kept. */
  decidedTtlSeconds?: number;
  random?: () => number;
}

/** All verification state in Redis; each state change is one Lua script, one round trip. */
export class RedisVerificationStore implements VerificationStore {
  readonly #client: RedisClient;
  readonly #scripts: Scripts;
  readonly #keys: RedisKeys;
  readonly #decidedTtl: number;
  readonly #random: () => number;

  constructor(client: RedisClient, options: StoreOptions = {}) {
    this.#client = client;
    this.#scripts = registerScripts(client);
    this.#keys = new RedisKeys(options.namespace);
    this.#decidedTtl = options.decidedTtlSeconds ?? DAY_SECONDS;
    this.#random = options.random ?? Math.random;
  }

  async claimTransaction(transactionId: string, phoneNumber: string, ttlSeconds: number): Promise<TransactionClaim> {
    const claim = String(
      await this.#scripts.claimTransaction([this.#keys.transaction(transactionId)], [phoneNumber, ttlSeconds]),
    );
    if (claim === "new") return { kind: "new" };
    if (claim === "cancelled") return { kind: "cancelledEarlier" };
    return { kind: "existing", ...parseClaim(claim) };
  }

  async lookupForCancellation(transactionId: string): Promise<CancellationLookup> {
    const claim = String(
      await this.#scripts.rememberCancellation([this.#keys.transaction(transactionId)], [DAY_SECONDS]),
    );
    if (claim === "!cancelled") return { kind: "remembered" };
    return { kind: "known", phoneNumber: parseClaim(claim).phoneNumber };
  }

  async create(input: NewVerification): Promise<CreateResult> {
    const phone = input.phoneNumber;
    const openTtl = Math.ceil((input.deadline - input.requestedAt) / 1000) + DAY_SECONDS;
    const reply = (await this.#scripts.createVerification(
      [
        this.#keys.verification(phone, input.transactionId),
        this.#keys.open(phone),
        this.#keys.optOut(phone),
        this.#keys.cancellation(phone, input.transactionId),
      ],
      [
        input.transactionId,
        phone,
        input.amountMinor,
        input.currency,
        input.merchant,
        input.cardLast4,
        input.locale ?? "",
        input.metadata ? JSON.stringify(input.metadata) : "",
        input.requestedAt,
        input.deadline,
        input.cancelledEarlier ? "1" : "0",
        input.eventId,
        openTtl,
        this.#decidedTtl,
        this.#codeCandidates().join(","),
      ],
    )) as [string, unknown, number];
    const verification = required(parseVerification(reply[1]));
    const kind = reply[0] as CreateResult["kind"];
    if (kind === "created") return { kind, verification, othersOpen: Number(reply[2]) };
    return { kind, verification };
  }

  async scheduleDeadline(phoneNumber: string, transactionId: string, deadline: number): Promise<void> {
    await this.#client.zadd(this.#keys.deadlines(), "NX", deadline, deadlineMember(phoneNumber, transactionId));
  }

  async recordSent(phoneNumber: string, transactionId: string, messageId: string): Promise<Verification | null> {
    const reply = (await this.#scripts.recordSent(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.message(phoneNumber, messageId)],
      [messageId, transactionId, MESSAGE_INDEX_TTL_SECONDS],
    )) as [string, unknown];
    return parseVerification(reply[1]);
  }

  async indexMessage(phoneNumber: string, transactionId: string, messageId: string): Promise<void> {
    await this.#client.set(this.#keys.message(phoneNumber, messageId), transactionId, "EX", MESSAGE_INDEX_TTL_SECONDS);
  }

  async decide(
    phoneNumber: string,
    transactionId: string,
    decision: string,
    options: { now: number; eventId: string; onlyIfDue?: boolean },
  ): Promise<DecideResult> {
    const reply = (await this.#scripts.decide(
      [
        this.#keys.verification(phoneNumber, transactionId),
        this.#keys.open(phoneNumber),
        this.#keys.recent(phoneNumber),
        this.#keys.cancellation(phoneNumber, transactionId),
      ],
      [
        decision,
        options.now,
        options.eventId,
        this.#decidedTtl,
        options.onlyIfDue ? "1" : "0",
        decision === "CANCELLED" ? "1" : "0",
      ],
    )) as [string, unknown];
    const verification = parseVerification(reply[1]);
    if (reply[0] === "missing" || !verification) return { kind: "missing" };
    const kind = reply[0] === "not_due" ? "notDue" : (reply[0] as "decided" | "already");
    return { kind, verification };
  }

  async handleReply(input: ReplyInput): Promise<ReplyResult> {
    const phone = input.phoneNumber;
    const referenced = input.previousPublishedMessageId;
    const reply = (await this.#scripts.handleReply(
      [
        this.#keys.open(phone),
        this.#keys.handledInbound(phone, input.inboundMessageId),
        referenced ? this.#keys.message(phone, referenced) : this.#keys.message(phone, ""),
        this.#keys.optOut(phone),
        this.#keys.recent(phone),
      ],
      [
        this.#keys.verificationPrefix(phone),
        input.intent,
        input.answer ?? "",
        input.referenceCode ?? "",
        input.inboundMessageId,
        input.now,
        input.receivedAt,
        input.eventIdSeed,
        DAY_SECONDS,
        referenced ? "1" : "0",
        this.#decidedTtl,
      ],
    )) as [string, ...unknown[]];
    const [outcome, owed, ...rest] = reply;
    return {
      outcome: outcome as ReplyOutcome,
      owedText: typeof owed === "string" && owed !== "" ? (owed as OwedText) : null,
      verifications: rest.map(parseVerification).filter((v): v is Verification => v !== null),
    };
  }

  async clearOwedText(phoneNumber: string, inboundMessageId: string): Promise<void> {
    await this.#scripts.clearOwedText([this.#keys.handledInbound(phoneNumber, inboundMessageId)], []);
  }

  async claimConfirmation(
    phoneNumber: string,
    transactionId: string,
    now: number,
    leaseMs: number,
  ): Promise<"claimed" | "taken" | "opted_out" | "done"> {
    const claim = await this.#scripts.claimConfirmation(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.optOut(phoneNumber)],
      [now, leaseMs],
    );
    return String(claim) as "claimed" | "taken" | "opted_out" | "done";
  }

  async markPublished(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#scripts.setField([this.#keys.verification(phoneNumber, transactionId)], ["pub", "1"]);
  }

  async markConfirmationSent(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#scripts.setField([this.#keys.verification(phoneNumber, transactionId)], ["conf", "sent"]);
  }

  async releasePublishLease(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#scripts.setField([this.#keys.verification(phoneNumber, transactionId)], ["plr", "1"]);
  }

  async claimDueDeadlines(now: number, limit: number, leaseMs: number): Promise<DueDeadline[]> {
    const members = (await this.#scripts.claimDue([this.#keys.deadlines()], [now, limit, leaseMs])) as string[];
    return members.map(parseDeadlineMember).filter((due): due is DueDeadline => due !== null);
  }

  async completeDeadline(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#client.zrem(this.#keys.deadlines(), deadlineMember(phoneNumber, transactionId));
  }

  async rescheduleDeadline(phoneNumber: string, transactionId: string, at: number): Promise<void> {
    await this.#client.zadd(this.#keys.deadlines(), "XX", at, deadlineMember(phoneNumber, transactionId));
  }

  async get(transactionId: string): Promise<Verification | null> {
    const claim = await this.#client.get(this.#keys.transaction(transactionId));
    if (!claim || claim === "!cancelled") return null;
    const { phoneNumber } = parseClaim(claim);
    return parseVerification(await this.#client.hgetall(this.#keys.verification(phoneNumber, transactionId)).then(toFlat));
  }

  /** Random distinct 3-digit codes; the script keeps the first one no open verification of the phone uses. */
  #codeCandidates(): string[] {
    const candidates = new Set<string>();
    while (candidates.size < 24) candidates.add(String(100 + Math.floor(this.#random() * 900)));
    return [...candidates];
  }
}

function parseClaim(claim: string): { phoneNumber: string; cancelledEarlier: boolean } {
  const [phoneNumber = "", marker] = claim.split("|");
  return { phoneNumber, cancelledEarlier: marker === "cancelled" };
}

function toFlat(hash: Record<string, string>): string[] {
  return Object.entries(hash).flat();
}

function required<T>(value: T | null): T {
  if (value === null) throw new Error("the verification script returned no verification");
  return value;
}
