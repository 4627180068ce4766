// What the pages for the lists the program team keeps (skills, departments
// and their divisions) share: each entry is a list item with buttons named
// for it, one rename form that moves into the entry being renamed, a refusal
// shown under its entry, and a success banner read out.
import { get, put } from "./api.js";
import { gateFailed, programAdmin } from "./admin-gate.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showProblem } from "./ui.js";

const escaped = (key) => CSS.escape(key);

/** The success banner `done` says `text`, read out. */
export function said(done, text) {
  done.textContent = text;
  done.hidden = false;
  announce(text);
}

export const problemText = (problem) => Object.values(problem.errors).join(" ") || problem.detail;

/** Like busy(), but gives the button back its hidden entry name too. */
export function hold(button, label) {
  const kept = [...button.childNodes];
  const undo = busy(button, label);
  return () => {
    undo();
    button.replaceChildren(...kept);
  };
}

/** A button for `act` on the entry `key`, its accessible name ending with `name`. */
export function action(key, name, act, label) {
  return el("button", { class: "button button--secondary button--small", type: "button", "data-key": key, "data-act": act },
    label, el("span", { class: "visually-hidden" }, ` ${name}`));
}

/** The buttons every entry has: rename, move up and down, retire or restore. */
export function actions(key, entry, place, of) {
  const rename = action(key, entry.name, "rename", "Rename");
  rename.setAttribute("aria-expanded", "false");
  rename.setAttribute("aria-controls", "rename-form");
  return el("div", { class: "actions" },
    rename,
    place > 1 ? action(key, entry.name, "up", "Move up") : null,
    place < of ? action(key, entry.name, "down", "Move down") : null,
    action(key, entry.name, "retired", entry.retired ? "Restore" : "Retire"));
}

/** Focus back on the entry's button for `act`, or the nearest one it has now. */
export function refocus(key, act) {
  const buttons = [...document.querySelectorAll(`button[data-key="${escaped(key)}"]`)];
  const move = (b) => b.dataset.act === "up" || b.dataset.act === "down";
  (buttons.find((b) => b.dataset.act === act) || buttons.find(move) || buttons[0])?.focus();
}

/** A refused change, under the entry it was about, read out at once. */
export function refused(done, key, problem) {
  done.hidden = true;
  const note = el("p", { class: "panel panel--error", role: "alert", "data-refused": "" }, problemText(problem));
  document.querySelector(`li[data-key="${escaped(key)}"]`)?.append(note);
}

export function clearRefused() {
  for (const note of document.querySelectorAll("[data-refused]")) note.remove();
}

/** PUTs `body` to an entry; null when the caller is signed out or not an administrator (the page then says so). */
async function sent(path, body) {
  const response = await put(path, body);
  if (response.status !== 401 && response.status !== 403) return response;
  gateFailed(response);
  return null;
}

/**
 * Changes the entry `key` (PUT `body` to `path`) from its `button`, busy as
 * `label`: the whole list the answer gives goes to `show`, `message()` to
 * the banner, and the focus back to the entry's button; a refusal shows
 * under the entry.
 */
export async function change({ done, show, key, path, button, body, label, message }) {
  if (isBusy(button)) return;
  clearRefused();
  const act = button.dataset.act;
  const undo = hold(button, label);
  const response = await sent(path, body);
  undo();
  if (!response) return;
  if (!response.ok) return refused(done, key, response.problem);
  show(response.data);
  said(done, message());
  refocus(key, act);
}

/** Shows the list at `path` once the caller is known to be a program administrator. */
export async function start(path, show) {
  if (!(await programAdmin())) return;
  const response = await get(path);
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  show(response.data);
  announce("");
  document.getElementById("console").hidden = false;
}

/**
 * The one rename form (#rename-form, its input #f-rename, label
 * #rename-label, hidden button text #rename-of, home #rename-home), opened
 * inside the entry being renamed. The new name is PUT to `pathOf(key)`;
 * `saved(key, entry, response)` shows a saved one; one refused for another
 * reason than the name shows under its entry, `done` hidden.
 */
export function renamer(refreshCounts, { done, pathOf, saved }) {
  const form = document.getElementById("rename-form");
  const input = document.getElementById("f-rename");
  let renaming = null;

  function close() {
    for (const button of document.querySelectorAll('button[data-act="rename"][aria-expanded="true"]')) {
      button.setAttribute("aria-expanded", "false");
    }
    renaming = null;
    clearErrors(form);
    form.hidden = true;
    document.getElementById("rename-home").append(form);
  }

  function cancel() {
    const key = renaming?.key;
    close();
    if (key) refocus(key, "rename");
  }

  function open(key, entry, button) {
    const wasOpen = renaming?.key === key;
    clearRefused();
    close();
    if (wasOpen) return;
    renaming = { key, entry };
    document.getElementById("rename-label").textContent = `New name for “${entry.name}”`;
    document.getElementById("rename-of").textContent = `the new name of ${entry.name}`;
    input.value = entry.name;
    refreshCounts();
    button.setAttribute("aria-expanded", "true");
    button.closest("li").append(form);
    form.hidden = false;
    input.focus();
  }

  document.getElementById("rename-cancel").addEventListener("click", cancel);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (!renaming || isBusy(button)) return;
    const { key, entry } = renaming;
    clearErrors(form);
    const undo = hold(button, "Saving…");
    const response = await sent(pathOf(key), { name: input.value.trim() });
    undo();
    if (!response) return;
    if (!response.ok) {
      const { errors } = response.problem;
      if (!errors.name) return refused(done, key, response.problem);
      showProblem(form, { ...response.problem, errors: { rename: errors.name } });
      return input.focus();
    }
    saved(key, entry, response);
  });

  return { open, close };
}
