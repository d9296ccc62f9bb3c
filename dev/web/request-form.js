import { postJson } from "./api.js";

/** The new-request form: posts to the dev server, which sends the request to the requests queue. */
export function wireRequestForm(form, status, newHandsetButton) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const result = await postJson("api/verifications", Object.fromEntries(new FormData(form)));
    button.disabled = false;
    status.dataset.kind = result.ok ? "ok" : "error";
    status.textContent = result.ok ? `Queued ${result.data.transactionId}` : result.error;
    if (result.ok) form.elements.namedItem("transactionId").value = "";
  });
  newHandsetButton.addEventListener("click", () => {
    const line = String(Math.floor(Math.random() * 100)).padStart(2, "0");
    form.elements.namedItem("phoneNumber").value = `+1425555${String(Math.floor(Math.random() * 90) + 10)}${line}`;
  });
}
