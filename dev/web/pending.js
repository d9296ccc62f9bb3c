import { el } from "./dom.js";
import { countdown, money } from "./format.js";

/** The verifications waiting for an answer, with a live countdown to each deadline. */
export function createPending(list, counter, emptyNote) {
  let items = [];

  function render() {
    const now = Date.now();
    list.replaceChildren(
      ...items.map((p) =>
        el(
          "li",
          { class: "pending", dataset: { transactionId: p.transactionId } },
          el("span", { class: "what" }, `${p.merchant} · ${money(p.amountMinor, p.currency)}`),
          el("span", { class: "left", title: "time left to answer" }, countdown(Date.parse(p.deadline) - now)),
          el("span", { class: "who" }, `${p.phoneNumber} · card •••• ${p.cardLast4}`, p.referenceCode ? [" · code ", el("span", { class: "code" }, p.referenceCode)] : ""),
          el("span", { class: "state" }, p.state),
          el("span", { class: "txn" }, p.transactionId),
        ),
      ),
    );
    counter.textContent = String(items.length);
    emptyNote.hidden = items.length > 0;
  }

  setInterval(() => items.length > 0 && render(), 1000);
  return {
    set(pending) {
      items = pending;
      render();
    },
  };
}
