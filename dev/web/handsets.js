import { el } from "./dom.js";
import { json, time } from "./format.js";

const QUICK_REPLIES = ["YES", "NO", "HELP", "STOP", "START"];
const CARRIER_CHOICES = [
  ["reachable", "delivers"],
  ["unreachable", "unreachable"],
  ["blocked", "blocked"],
];

/**
 * One phone-like card per simulated handset: the conversation with the service's number, each
 * text's delivery status, a reply box and the carrier switch. `send(from, body, newThread)` and
 * `switchCarrier(number, reachability)` resolve to an error message or null.
 */
export function createHandsets(container, emptyNote, send, switchCarrier) {
  const cards = new Map();
  const seen = new Set();
  const deliveries = createDeliveries();

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
    const carrier = el(
      "select",
      { name: "reachability", "aria-label": `Carrier of ${number}`, title: "What the carrier does with the next texts to this handset" },
      CARRIER_CHOICES.map(([value, label]) => el("option", { value }, label)),
    );
    carrier.addEventListener("change", async () => {
      const chosen = carrier.value;
      carrier.disabled = true;
      const error = await switchCarrier(number, chosen);
      carrier.disabled = false;
      status.textContent = error ?? "";
      status.dataset.kind = error ? "error" : "";
      if (error) carrier.value = article.dataset.reachability;
      else article.dataset.reachability = chosen;
    });
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
      { class: "handset", dataset: { handset: number, reachability: "reachable" } },
      el("header", {}, el("span", { class: "number" }, number), badge, peer, el("label", { class: "carrier" }, "carrier", carrier)),
      chat,
      form,
      quick,
      status,
    );
    container.append(article);
    emptyNote.hidden = true;
    view = { chat, badge, peer, carrier, article };
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
        el(
          "div",
          { class: "meta" },
          `${time(message.at)} · MessageId ${message.id.slice(0, 8)}…`,
          message.transactionId ? ` · ${message.transactionId}` : "",
          " · ",
          deliveries.badge(message.id, message.delivery),
        ),
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

  /** `notReachable`: handset → "unreachable" | "blocked"; every other handset is reachable. */
  function setReachability(notReachable) {
    for (const number of Object.keys(notReachable)) card(number);
    for (const [number, view] of cards) {
      const reachability = notReachable[number] ?? "reachable";
      view.article.dataset.reachability = reachability;
      if (!view.carrier.disabled) view.carrier.value = reachability;
    }
  }

  return { add, setOptedOut, setReachability, setDelivery: deliveries.set, numbers: () => [...cards.keys()] };
}

/**
 * Each text's delivery status as the carrier reports it (sent → queued → delivered or failed). A
 * final status is never replaced by a late non-final one, whichever of the snapshot and the live
 * feed brings it first.
 */
function createDeliveries() {
  const latest = new Map();
  const badges = new Map();

  function render(node, delivery) {
    const state = delivery ? (delivery.status ?? "other").toLowerCase() : "sent";
    node.dataset.delivery = state;
    node.title = delivery ? `${delivery.eventType} at ${time(delivery.at)}` : "accepted by SendTextMessage, no delivery event yet";
    if (!delivery) node.textContent = "sent";
    else if (delivery.status === "FAILED") node.textContent = `failed: ${delivery.eventType}`;
    else node.textContent = delivery.eventType.replace(/^TEXT_/, "").toLowerCase();
  }

  function set(delivery) {
    if (!delivery) return;
    const known = latest.get(delivery.messageId);
    if (known?.isFinal && !delivery.isFinal) return;
    latest.set(delivery.messageId, delivery);
    const node = badges.get(delivery.messageId);
    if (node) render(node, delivery);
  }

  function badge(messageId, delivery) {
    set(delivery);
    const node = el("span", { class: "delivery", dataset: { messageId } });
    badges.set(messageId, node);
    render(node, latest.get(messageId));
    return node;
  }

  return { set, badge };
}
