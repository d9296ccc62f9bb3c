import { getSnapshot, postJson, subscribe } from "./api.js";
import { createDecisions } from "./decisions.js";
import { byId, el } from "./dom.js";
import { createHandsets } from "./handsets.js";
import { createPending } from "./pending.js";
import { wireRequestForm } from "./request-form.js";
import { renderQueues } from "./status.js";

const handsets = createHandsets(
  byId("handsets"),
  byId("handsets-empty"),
  async (from, body, newThread) => {
    const result = await postJson("api/handset-messages", { from, body, newThread });
    return result.ok ? null : result.error;
  },
  async (handset, reachability) => {
    const result = await postJson("api/handset-reachability", { handset, reachability });
    return result.ok ? null : result.error;
  },
);
const decisions = createDecisions(byId("decisions"), byId("decision-count"), byId("decisions-empty"));
const pending = createPending(byId("pending"), byId("pending-count"), byId("pending-empty"));
wireRequestForm(byId("request-form"), byId("form-status"), byId("new-handset"));

function showStatus(status) {
  renderQueues(byId("queues"), status.queues);
  handsets.setOptedOut(status.optedOut);
  handsets.setReachability(status.notReachable);
}

function addMessage(message) {
  handsets.add(message);
  const known = byId("known-handsets");
  if (![...known.options].some((option) => option.value === message.handset)) known.append(el("option", { value: message.handset }));
}

function showInfo(info) {
  byId("origination").textContent = info.originationNumber;
  byId("redis-fact").textContent = `Redis: ${info.redis} · keys ${info.namespace}:*`;
  byId("ops-readyz").href = `${info.opsUrl}/readyz`;
  byId("ops-metrics").href = `${info.opsUrl}/metrics`;
  byId("requests-queue").textContent = info.topology.requestsQueue;
  byId("inbound-topic").textContent = `${info.topology.inboundTopic} → ${info.topology.inboundQueue}`;
  byId("sms-events-topic").textContent = `${info.topology.smsEventsTopic} → ${info.topology.smsEventsQueue}`;
  byId("decisions-topic").textContent = info.topology.decisionsTopic;
  byId("decisions-queue").textContent = info.topology.decisionsQueue;
}

function setConnection(state) {
  const node = byId("connection");
  node.dataset.state = state;
  node.textContent = state === "live" ? "live" : "reconnecting…";
}

// Events that arrive while the snapshot loads are applied after it; both paths ignore duplicates.
const early = [];
let ready = false;
const later = (apply) => (data) => (ready ? apply(data) : early.push(() => apply(data)));
subscribe(
  {
    message: later(addMessage),
    delivery: later((d) => handsets.setDelivery(d)),
    decision: later((d) => decisions.add(d)),
    pending: later((p) => pending.set(p)),
    status: later(showStatus),
  },
  setConnection,
);

const snapshot = await getSnapshot();
showInfo(snapshot.info);
snapshot.messages.forEach(addMessage);
snapshot.decisions.forEach((d) => decisions.add(d));
pending.set(snapshot.pending);
showStatus(snapshot);
ready = true;
early.splice(0).forEach((apply) => apply());
