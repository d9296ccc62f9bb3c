import type { Verification } from "../../domain/verification.ts";
import { CONFIRMATION_LEASE_MS, EXPIRY_PUBLISH_LEASE_MS, PUBLISH_LEASE_MS, SEND_LEASE_MS } from "../../domain/verification.ts";
import type {
  CancellationLookup,
  ConfirmationClaim,
  CreateResult,
  DecideOptions,
  DeliveryInput,
  DeliveryOutcome,
  DeliveryResult,
  DecideResult,
  DueClaim,
  DueDeadline,
  NewVerification,
  OwedText,
  PublishedClaim,
  ReplyInput,
  ReplyOutcome,
  ReplyResult,
  SendClaim,
  TransactionClaim,
  VerificationStore,
} from "../../ports.ts";
import { deadlineMember, parseDeadlineMember, RedisKeys } from "./redis-keys.ts";
import { registerScripts, type RedisClient, type Scripts } from "./scripts.ts";
import { namedArguments } from "./named-arguments.ts";
import { FIELD, parseVerification } from "./verification-record.ts";

const DAY_SECONDS = 86_400;
export const DEFAULT_RETENTION_SECONDS = 7 * DAY_SECONDS;

export interface StoreOptions {
  namespace?: string;
  /**
   * How long a decided verification and its idempotency record are kept (DECISION_RETENTION_SECONDS),
   * counted from its deadline or its decision, whichever is later.
   */
  retentionSeconds?: number;
  random?: () => number;
}

/** All verification state in Redis; each state change is one Lua script, one round trip. */
export class RedisVerificationStore implements VerificationStore {
  readonly #client: RedisClient;
  readonly #scripts: Scripts;
  readonly #keys: RedisKeys;
  readonly #retentionMs: number;
  readonly #random: () => number;

  constructor(client: RedisClient, options: StoreOptions = {}) {
    this.#client = client;
    this.#scripts = registerScripts(client);
    this.#keys = new RedisKeys(options.namespace);
    this.#retentionMs = (options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS) * 1000;
    this.#random = options.random ?? Math.random;
  }

  async claimTransaction(transactionId: string, phoneNumber: string, windowSeconds: number): Promise<TransactionClaim> {
    // Ends with its verification (deadline + retention), as long as it is decided by its deadline.
    const lifetimeMs = windowSeconds * 1000 + this.#retentionMs;
    const claim = await this.#withEarlierClaim(
      transactionId,
      () => this.#scripts.claimTransaction([this.#keys.transactionIndex(transactionId)], [transactionId, phoneNumber, lifetimeMs]),
      (result) => result === "new",
    );
    if (claim === "new") return { kind: "new" };
    if (claim === "cancelled") return { kind: "cancelledEarlier" };
    return { kind: "existing", ...parseClaim(claim) };
  }

  async lookupForCancellation(transactionId: string): Promise<CancellationLookup> {
    const claim = await this.#withEarlierClaim(
      transactionId,
      () => this.#scripts.rememberCancellation([this.#keys.transactionIndex(transactionId)], [transactionId, this.#retentionMs]),
      (result) => result === "!cancelled",
    );
    if (claim === "!cancelled") return { kind: "remembered" };
    return { kind: "known", phoneNumber: parseClaim(claim).phoneNumber };
  }

  /**
   * Runs a script that may record a claim in the transaction index, reading the claim's own key of
   * releases before the index at the same time (another slot, so not in the script). When the
   * script recorded a claim where an earlier release had one, the earlier claim wins: it is moved
   * into the index and the script runs again on it. (Such keys are not deleted: a worker racing
   * this one must still find them. They expire with their verifications.)
   */
  async #withEarlierClaim(transactionId: string, run: () => Promise<unknown>, recorded: (result: string) => boolean): Promise<string> {
    const earlierKey = this.#keys.legacyTransaction(transactionId);
    const [result, earlier] = await Promise.all([run().then(String), this.#client.get(earlierKey)]);
    if (earlier === null || !recorded(result)) return result;
    // It keeps the end it had.
    const leftMs = await this.#client.pttl(earlierKey);
    if (leftMs <= 0) return result;
    await this.#scripts.adoptClaim([this.#keys.transactionIndex(transactionId)], [transactionId, earlier, leftMs]);
    return String(await run());
  }

  /** The claim of a transactionId, from the index or else from its own key of releases before it. */
  async #claimOf(transactionId: string): Promise<string | null> {
    const [claim, earlier] = await Promise.all([
      this.#scripts.readClaim([this.#keys.transactionIndex(transactionId)], [transactionId]),
      this.#client.get(this.#keys.legacyTransaction(transactionId)),
    ]);
    return typeof claim === "string" ? claim : earlier;
  }

  async create(input: NewVerification): Promise<CreateResult> {
    const phone = input.phoneNumber;
    const reply = (await this.#scripts.createVerification(
      [
        this.#keys.verification(phone, input.transactionId),
        this.#keys.phoneIndex(phone),
        this.#keys.optOut(phone),
        this.#keys.cancellation(phone, input.transactionId),
        this.#keys.due(phone),
      ],
      [
        namedArguments({
          transactionId: input.transactionId,
          phone,
          amountMinor: String(input.amountMinor),
          currency: input.currency,
          merchant: input.merchant,
          cardLast4: input.cardLast4,
          locale: input.locale ?? "",
          metadata: input.metadata ? JSON.stringify(input.metadata) : "",
          now: input.requestedAt,
          deadline: input.deadline,
          cancelledEarlier: input.cancelledEarlier,
          eventId: input.eventId,
          retention: this.#retentionMs,
          codes: this.#codeCandidates().join(","),
          sendLease: SEND_LEASE_MS,
          publishLease: PUBLISH_LEASE_MS,
        }),
      ],
    )) as [string, unknown, number];
    const verification = required(parseVerification(reply[1], phone, input.transactionId));
    const kind = reply[0] as CreateResult["kind"];
    if (kind === "created") return { kind, verification, othersOpen: Number(reply[2]) };
    return { kind, verification };
  }

  async claimSend(phoneNumber: string, transactionId: string, now: number, leaseMs: number): Promise<SendClaim> {
    const claim = await this.#scripts.claimSend(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.optOut(phoneNumber)],
      [now, leaseMs],
    );
    return String(claim) as SendClaim;
  }

  async releaseSend(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#scripts.setField([this.#keys.verification(phoneNumber, transactionId)], [FIELD.sendLeaseUntil, "0"]);
  }

  async recordSent(phoneNumber: string, transactionId: string, messageId: string): Promise<Verification | null> {
    const reply = (await this.#scripts.recordSent(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.phoneIndex(phoneNumber)],
      [messageId, transactionId, phoneNumber],
    )) as [string, unknown];
    return parseVerification(reply[1], phoneNumber, transactionId);
  }

  async indexMessage(phoneNumber: string, transactionId: string, messageId: string): Promise<void> {
    await this.#scripts.indexText([this.#keys.phoneIndex(phoneNumber)], [messageId, transactionId, phoneNumber]);
  }

  async decide(
    phoneNumber: string,
    transactionId: string,
    decision: string,
    options: DecideOptions,
  ): Promise<DecideResult> {
    const reply = (await this.#scripts.decide(
      [
        this.#keys.verification(phoneNumber, transactionId),
        this.#keys.phoneIndex(phoneNumber),
        this.#keys.recent(phoneNumber),
        this.#keys.cancellation(phoneNumber, transactionId),
        this.#keys.due(phoneNumber),
      ],
      [
        namedArguments({
          decision,
          now: options.now,
          eventId: options.eventId,
          retention: this.#retentionMs,
          onlyIfDue: options.onlyIfDue === true,
          rememberCancellation: decision === "CANCELLED",
          reason: options.undeliverableReason ?? "",
          publishLease: options.onlyIfDue ? EXPIRY_PUBLISH_LEASE_MS : PUBLISH_LEASE_MS,
          member: deadlineMember(phoneNumber, transactionId),
          transactionId,
          phone: phoneNumber,
        }),
      ],
    )) as [string, unknown];
    const verification = parseVerification(reply[1], phoneNumber, transactionId);
    if (reply[0] === "missing" || !verification) return { kind: "missing" };
    const kind = reply[0] === "not_due" ? "notDue" : (reply[0] as "decided" | "already");
    return { kind, verification };
  }

  async handleReply(input: ReplyInput): Promise<ReplyResult> {
    const phone = input.phoneNumber;
    const reply = (await this.#scripts.handleReply(
      [
        this.#keys.phoneIndex(phone),
        this.#keys.handledInbound(phone, input.inboundMessageId),
        this.#keys.optOut(phone),
        this.#keys.recent(phone),
        this.#keys.due(phone),
      ],
      [
        namedArguments({
          prefix: this.#keys.verificationPrefix(phone),
          intent: input.intent,
          answer: input.answer ?? "",
          code: input.referenceCode ?? "",
          inboundId: input.inboundMessageId,
          now: input.now,
          receivedAt: input.receivedAt,
          eventIdSeed: input.eventIdSeed,
          handledTtl: DAY_SECONDS,
          previous: input.previousPublishedMessageId ?? "",
          retention: this.#retentionMs,
          publishLease: PUBLISH_LEASE_MS,
          phone,
        }),
      ],
    )) as [string, ...unknown[]];
    const [outcome, owed, ...rest] = reply;
    return {
      outcome: outcome as ReplyOutcome,
      owedText: typeof owed === "string" && owed !== "" ? (owed as OwedText) : null,
      verifications: rest.map((flat) => parseVerification(flat, phone)).filter((v): v is Verification => v !== null),
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
  ): Promise<ConfirmationClaim> {
    const claim = await this.#scripts.claimConfirmation(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.optOut(phoneNumber)],
      [now, leaseMs],
    );
    return String(claim) as ConfirmationClaim;
  }

  async markPublished(
    phoneNumber: string,
    transactionId: string,
    now: number,
    claimConfirmationForMs: number,
  ): Promise<PublishedClaim> {
    const claim = await this.#scripts.markPublished(
      [this.#keys.verification(phoneNumber, transactionId), this.#keys.due(phoneNumber), this.#keys.optOut(phoneNumber)],
      [deadlineMember(phoneNumber, transactionId), now, CONFIRMATION_LEASE_MS, claimConfirmationForMs],
    );
    return String(claim) as PublishedClaim;
  }

  async alignClaim(verification: Verification, now: number): Promise<void> {
    const decidedAt = verification.decision?.decidedAt ?? verification.deadline;
    const remainingMs = Math.max(verification.deadline, decidedAt) + this.#retentionMs - now;
    if (remainingMs <= 0) return;
    const { transactionId, phoneNumber } = verification;
    await this.#scripts.keepClaim([this.#keys.transactionIndex(transactionId)], [transactionId, phoneNumber, remainingMs]);
  }

  async markConfirmationSent(phoneNumber: string, transactionId: string, messageId: string | null): Promise<void> {
    await this.#scripts.confirmationSent(
      [
        this.#keys.verification(phoneNumber, transactionId),
        this.#keys.phoneIndex(phoneNumber),
        this.#keys.due(phoneNumber),
      ],
      [deadlineMember(phoneNumber, transactionId), transactionId, messageId ?? "", phoneNumber],
    );
  }

  async releasePublishLease(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#scripts.setField([this.#keys.verification(phoneNumber, transactionId)], [FIELD.publishLeaseReleased, "1"]);
  }

  async claimDue(now: number, limitPerBucket: number, leaseMs: number): Promise<DueClaim> {
    const buckets = Array.from({ length: this.#keys.bucketCount }, (_, bucket) => bucket);
    const claimed = await Promise.all(
      buckets.map(
        async (bucket) =>
          (await this.#scripts.claimDue(this.#keys.dueKeysOfBucket(bucket), [now, limitPerBucket, leaseMs])) as string[],
      ),
    );
    return {
      due: claimed.flat().map(parseDeadlineMember).filter((due): due is DueDeadline => due !== null),
      more: claimed.some((members) => members.length >= limitPerBucket),
    };
  }

  // The sweep's own moves reach the bucket's unsplit due set as well, where a verification recorded
  // before the split has its entry (redis-keys.ts).
  async completeDeadline(phoneNumber: string, transactionId: string): Promise<void> {
    const member = deadlineMember(phoneNumber, transactionId);
    await Promise.all([this.#client.zrem(this.#keys.due(phoneNumber), member), this.#client.zrem(this.#keys.legacyDue(phoneNumber), member)]);
  }

  async rescheduleDeadline(phoneNumber: string, transactionId: string, at: number): Promise<void> {
    const member = deadlineMember(phoneNumber, transactionId);
    await Promise.all([
      this.#client.zadd(this.#keys.due(phoneNumber), "XX", at, member),
      this.#client.zadd(this.#keys.legacyDue(phoneNumber), "XX", at, member),
    ]);
  }

  async get(transactionId: string): Promise<Verification | null> {
    const claim = await this.#claimOf(transactionId);
    if (!claim || claim === "!cancelled") return null;
    const { phoneNumber } = parseClaim(claim);
    return parseVerification(
      await this.#client.hgetall(this.#keys.verification(phoneNumber, transactionId)).then(toFlat),
      phoneNumber,
      transactionId,
    );
  }

  async phoneOf(transactionId: string): Promise<string | null> {
    const claim = await this.#claimOf(transactionId);
    if (!claim || claim === "!cancelled") return null;
    return parseClaim(claim).phoneNumber || null;
  }

  async recordDelivery(input: DeliveryInput): Promise<DeliveryResult> {
    const phone = input.phoneNumber;
    const reply = (await this.#scripts.recordDelivery(
      [this.#keys.phoneIndex(phone), this.#keys.due(phone)],
      [
        namedArguments({
          prefix: this.#keys.verificationPrefix(phone),
          messageId: input.messageId,
          contextTransactionId: input.contextTransactionId ?? "",
          status: input.status,
          eventType: input.eventType,
          at: input.at,
          now: input.now,
          eventId: input.eventId,
          retention: this.#retentionMs,
          publishLease: PUBLISH_LEASE_MS,
          phone,
        }),
      ],
    )) as [string, unknown];
    return { outcome: reply[0] as DeliveryOutcome, verification: parseVerification(reply[1], phone) };
  }

  async claimFeedback(phoneNumber: string, transactionId: string): Promise<string | null> {
    const messageId = String(await this.#scripts.claimFeedback([this.#keys.verification(phoneNumber, transactionId)], []));
    return messageId === "" ? null : messageId;
  }

  async releaseFeedback(phoneNumber: string, transactionId: string): Promise<void> {
    await this.#client.hdel(this.#keys.verification(phoneNumber, transactionId), FIELD.feedbackClaimed);
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
