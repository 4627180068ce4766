// /admin/resources/, program administrators only: the links kept for
// mentees, mentors and supervisors (GET /api/resources), added (POST
// /api/admin/resources) and removed (DELETE /api/admin/resources/{id}).
import { call, get, post } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { gateFailed, programAdmin } from "./admin-gate.js";
import { AUDIENCE_HEADINGS } from "./resource-links.js";

const list = document.getElementById("links-list");
const done = document.getElementById("links-done");
const form = document.getElementById("link-form");

function said(text, isProblem = false) {
  done.textContent = text;
  done.className = `panel ${isProblem ? "panel--error" : "panel--success"} panel--info`;
  done.hidden = false;
  announce(text);
}

function linkItem(link) {
  const remove = el("button", { class: "button button--secondary button--small", type: "button" },
    "Remove", el("span", { class: "visually-hidden" }, ` ${link.title}`));
  remove.addEventListener("click", async () => {
    if (isBusy(remove)) return;
    const undo = busy(remove, "Removing…");
    const response = await call("DELETE", `/api/admin/resources/${encodeURIComponent(link.id)}`);
    undo();
    if (response.status === 401 || response.status === 403) return gateFailed(response);
    if (!response.ok) return said(response.problem.detail, true);
    show(response.data);
    said(`Removed “${link.title}”. To put it back, add it again below.`);
    document.getElementById("links-title").focus();
  });
  return el("li", { class: "admin-list__person" },
    el("a", { href: link.url }, link.title), " ",
    link.note ? el("span", { class: "admin-list__meta" }, link.note) : null, " ", remove);
}

function show(data) {
  const links = data.links || [];
  list.replaceChildren(...Object.entries(AUDIENCE_HEADINGS).map(([audience, heading]) => {
    const theirs = links.filter((l) => l.audience === audience);
    return el("div", {}, el("h3", {}, heading),
      theirs.length ? el("ul", { class: "admin-list__people" }, ...theirs.map(linkItem)) : el("p", { class: "empty" }, "No links yet."));
  }));
}

async function load() {
  const response = await get("/api/resources");
  if (!response.ok) {
    showPanelProblem(document.getElementById("load-error"), response.problem);
    return false;
  }
  show(response.data);
  return true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("add-link");
  if (isBusy(button)) return;
  clearErrors(form);
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? "").trim();
  const body = { audience: value("audience"), title: value("title"), url: value("url"), note: value("note") };
  const undo = busy(button, "Adding…");
  const response = await post("/api/admin/resources", body);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return showProblem(form, response.problem);
  show(response.data);
  form.reset();
  said(`Added “${body.title}”. The resources pages show it within a minute.`);
});

async function start() {
  if (!(await programAdmin())) return;
  if (!(await load())) return;
  announce("");
  document.getElementById("console").hidden = false;
}

start();
