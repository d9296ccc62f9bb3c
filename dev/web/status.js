import { el } from "./dom.js";

export function renderQueues(body, queues) {
  body.replaceChildren(
    ...queues.map((q) =>
      el(
        "tr",
        { class: q.ready + q.inFlight + q.delayed > 0 ? "busy" : "", dataset: { queue: q.name } },
        el("td", {}, q.name),
        el("td", {}, q.ready),
        el("td", {}, q.inFlight),
        el("td", {}, q.delayed),
      ),
    ),
  );
}
