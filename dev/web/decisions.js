import { el } from "./dom.js";
import { json, time } from "./format.js";

/** The decision events, newest first, each with the event JSON and the SNS attributes subscribers filter on. */
export function createDecisions(list, counter, emptyNote) {
  const seen = new Set();

  function add(received) {
    if (seen.has(received.snsMessageId)) return;
    seen.add(received.snsMessageId);
    const { event } = received;
    const reply = event.reply ? `answer ${event.reply.answer} · correlated by ${event.reply.correlatedBy}` : "no reply";
    const reason = event.undeliverableReason ? ` · ${event.undeliverableReason}` : "";
    const delivery = event.delivery ? ` · question ${event.delivery.status.toLowerCase()}` : "";
    list.prepend(
      el(
        "li",
        { class: "decision", dataset: { decision: event.decision, transactionId: event.transactionId } },
        el("div", { class: "decision-head" }, el("span", { class: "pill" }, event.decision), el("code", {}, event.transactionId), el("time", { datetime: event.decidedAt }, time(event.decidedAt))),
        el("div", { class: "decision-sub" }, `${event.phoneNumberMasked} · ${reply}${reason}${delivery}`),
        el(
          "details",
          {},
          el("summary", {}, "event JSON and SNS message attributes"),
          el("pre", {}, json(event)),
          el("pre", {}, json({ MessageAttributes: received.attributes, MessageId: received.snsMessageId, TopicArn: received.topicArn })),
        ),
      ),
    );
    counter.textContent = String(seen.size);
    emptyNote.hidden = true;
  }

  return { add };
}
