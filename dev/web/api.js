export async function getSnapshot() {
  const response = await fetch("api/snapshot");
  if (!response.ok) throw new Error(`snapshot: HTTP ${response.status}`);
  return response.json();
}

/** POSTs JSON; resolves to { ok, data } or { ok: false, error } (the server's message). */
export async function postJson(path, body) {
  try {
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json();
    return response.ok ? { ok: true, data } : { ok: false, error: data.error ?? `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Server-Sent Events: handlers by event type; onState("live" | "down") as the connection changes. */
export function subscribe(handlers, onState) {
  const source = new EventSource("api/events");
  source.addEventListener("open", () => onState("live"));
  source.addEventListener("error", () => onState("down"));
  for (const [type, handler] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => handler(JSON.parse(event.data)));
  }
  return source;
}
