import type { Logger } from "../logger.ts";
import type { Clock, DecisionPublisher, MessageFeedback, SmsSender, VerificationStore } from "../ports.ts";
import type { BackgroundTasks } from "./background-tasks.ts";

export interface AppSettings {
  brandName: string;
  verificationTtlSeconds: number;
  /** When set, a reply decides only if it was sent to this number. */
  originationNumber: string | undefined;
  /**
   * How long a text owed to a reply (help, re-prompt, the list, opt-in, late) may wait to be sent
   * (SMS_MAX_PARTS_PER_SECOND queues it behind questions). It must end before the handler's own
   * limit: a text given up fails the reply's message, whose redelivery sends it, and never this
   * attempt too. The service gives it 3/4 of the handler's time.
   */
  replyTextSendWithinMs: number;
}

/** Everything a use case needs, passed as one object so tests can swap any part. */
export interface AppContext {
  store: VerificationStore;
  sms: SmsSender;
  publisher: DecisionPublisher;
  clock: Clock;
  log: Logger;
  settings: AppSettings;
  /** Work that must not hold up a message's acknowledgement; Redis keeps it recoverable. */
  background: BackgroundTasks;
  /** Set when SMS_MESSAGE_FEEDBACK=true: a reply that correlates to a question reports RECEIVED. */
  feedback?: MessageFeedback | undefined;
  newId(): string;
}
