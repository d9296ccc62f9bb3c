import { el } from "./dom.js";
import { json, time } from "./format.js";

const QUICK_REPLIES = ["YES", "NO", "HELP", "STOP", "START"];

/**
 * One phone-like card per simulated handset: the conversation with the service's number and a
 * reply box. `send(from, body, newThread)` resolves to an error message or null.
 */
export function createHandsets(container, emptyNote, send) {
  const cards = new Map();
  const seen = new Set();

  function card(number) {
    let view = cards.get(number);
    if (view) return view;
    const chat = el("div", { class: "chat", role: "log", "aria-label": `Conversation with ${number}` });
    const badge = el("span", { class: "badge", hidden: true }, "opted out");
    const peer = el("span", { class: "peer" });
    const input = el("input", { name: "body", placeholder: "Reply as this handset…", autocomplete: "off", "aria-label": `Reply from ${number}` });
    const newThread = el("input", { type: "checkbox", name: "newThread" });
    const button = el("button", { class: "primary", type: "submit" }, "Send");
    const status = el("p", { class: "form-status", role: "status" });
    const submit = async (body) => {
      if (!body.trim()) return;
      button.disabled = true;
      const error = await send(number, body, newThread.checked);
      button.disabled = false;
      status.textContent = error ?? "";
      status.dataset.kind = error ? "error" : "";
      if (!error) input.value = "";
    };
    const form = el("form", { class: "reply", onsubmit: (event) => { event.preventDefault(); void submit(input.value); } }, input, button);
    const quick = el(
      "div",
      { class: "quick" },
      QUICK_REPLIES.map((word) => el("button", { type: "button", class: "ghost", onclick: () => void submit(word) }, word)),
      el("label", { title: "Send without previousPublishedMessageId, as a message that starts a new thread" }, newThread, "new thread"),
    );
    const article = el(
      "article",
      { class: "handset", dataset: { handset: number } },
      el("header", {}, el("span", { class: "number" }, number), badge, peer),
      chat,
      form,
      quick,
      status,
    );
    container.append(article);
    emptyNote.hidden = true;
    view = { chat, badge, peer };
    cards.set(number, view);
    return view;
  }

  function add(message) {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    const view = card(message.handset);
    const atBottom = view.chat.scrollHeight - view.chat.scrollTop - view.chat.clientHeight < 40;
    if (message.direction === "out") {
      view.peer.textContent = `from ${message.from}`;
      view.chat.append(
        el("div", { class: "bubble out", dataset: { messageId: message.id } }, message.body),
        el("div", { class: "meta" }, `${time(message.at)} · MessageId ${message.id.slice(0, 8)}…`, message.transactionId ? ` · ${message.transactionId}` : ""),
      );
    } else {
      const flags = [message.payload.messageKeyword, message.optOut === "added" ? "added to opt-out list" : null, message.optOut === "removed" ? "removed from opt-out list" : null];
      view.chat.append(
        el("div", { class: "bubble in", dataset: { inboundMessageId: message.id } }, message.body),
        el(
          "div",
          { class: "meta in" },
          `${time(message.at)} · ${flags.filter(Boolean).join(" · ")} · `,
          el("details", {}, el("summary", {}, "payload"), el("pre", {}, json(message.payload))),
        ),
      );
    }
    if (atBottom) view.chat.scrollTop = view.chat.scrollHeight;
  }

  function setOptedOut(numbers) {
    const optedOut = new Set(numbers);
    for (const [number, view] of cards) view.badge.hidden = !optedOut.has(number);
  }

  return { add, setOptedOut, numbers: () => [...cards.keys()] };
}
