/**
 * The order texts take when sending is paced to the origination's rate. Pure: no I/O.
 *
 * 1. questions, earliest deadline first: a late question costs a decision (UNDELIVERABLE NOT_SENT);
 * 2. texts owed to a reply (help, re-prompt, the list to choose from, opt-in): someone is waiting;
 * 3. confirmations and late-reply texts: informative, the decision is already out.
 */
import type { SmsKind } from "../ports.ts";

export const sendClasses = { question: 0, owedToReply: 1, afterDecision: 2 } as const;
export type SendClass = (typeof sendClasses)[keyof typeof sendClasses];

const classOfKind: Record<SmsKind, SendClass> = {
  question: sendClasses.question,
  help: sendClasses.owedToReply,
  reprompt: sendClasses.owedToReply,
  choose: sendClasses.owedToReply,
  opt_in: sendClasses.owedToReply,
  confirmation: sendClasses.afterDecision,
  late: sendClasses.afterDecision,
};

export function sendClassOf(kind: SmsKind): SendClass {
  return classOfKind[kind];
}

/** Wider than any deadline in ms (year 5138), so a class never overlaps the next. */
const CLASS_SPAN = 1e14;

/**
 * One number for the order (lower goes first), comparable across workers: the class, then a
 * question's deadline. Exact in a double: at most 2e14 + 1e14 < 2^53.
 */
export function sendRank(kind: SmsKind, deadline: number | undefined): number {
  const sendClass = sendClassOf(kind);
  const within = sendClass === sendClasses.question ? Math.min(Math.max(0, deadline ?? CLASS_SPAN - 1), CLASS_SPAN - 1) : 0;
  return sendClass * CLASS_SPAN + within;
}
