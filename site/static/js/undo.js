// The Undo offered for a few seconds after a change whose email waits (a
// decision, a withdrawn request, an ending): see docs/api.md.
import { el, isBusy, notice } from "./ui.js";

/**
 * The banner after a change that can be taken back for a few seconds (the
 * email about it waits): `waiting(seconds)` with an Undo button until the
 * answer's `until`, counted from its `since`, then `told`. Undo calls
 * `undo()`; `undone(data)` shows what it answered, `failed(response)` why not.
 */
export function noticeWithUndo({ heading, waiting, told, since, until, undo, undone, failed }) {
  const seconds = Math.floor((Date.parse(until ?? "") - Date.parse(since ?? "")) / 1000);
  if (!(seconds > 1)) return notice(told, heading);
  const button = el("button", { class: "button button--secondary button--small", type: "button" }, "Undo");
  notice(waiting(seconds), heading, button);
  // A second early, so a press just before the end still lands in time.
  const expiry = setTimeout(() => {
    if (button.isConnected && !isBusy(button)) notice(told, heading);
  }, (seconds - 1) * 1000);
  button.addEventListener("click", async () => {
    if (isBusy(button)) return;
    clearTimeout(expiry);
    button.dataset.busy = "true";
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Undoing…";
    const response = await undo();
    if (response.ok) return undone(response.data);
    notice(told, heading);
    failed(response);
  });
}
