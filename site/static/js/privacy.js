// The privacy notice's request to remove one's data: GET tells whether the
// signed-in person has already asked, POST asks (docs/api.md, Reports).
import { get, here, post, showSignIn, whoAmI } from "./api.js";
import { announce, busy, clearErrors, formatDate, isBusy, showPanelProblem, showFormFailure } from "./ui.js";

const form = document.getElementById("removal-form");
const button = document.getElementById("removal-submit");
const asked = document.getElementById("removal-asked");

function showAsked(text) {
  document.getElementById("removal-asked-text").textContent = text;
  form.hidden = true;
  asked.hidden = false;
}

async function start() {
  announce("Checking whether you have asked already…");
  const [me, waiting] = await Promise.all([whoAmI(), get("/api/privacy/erasure")]);
  announce("");
  if (me.status === 401 || waiting.status === 401) {
    showSignIn(here());
    return;
  }
  if (!me.ok || !waiting.ok) {
    showPanelProblem(document.getElementById("load-error"), (me.ok ? waiting : me).problem);
    return;
  }
  if (waiting.data?.requested_at) {
    showAsked(`You asked on ${formatDate(waiting.data.requested_at)}. The program team will email you once your data is removed.`);
    return;
  }
  document.getElementById("removal-email").textContent = me.data.email;
  form.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(button)) return;
  clearErrors(form);
  const note = String(new FormData(form).get("note") ?? "").trim();
  const done = busy(button, "Sending…");
  const response = await post("/api/privacy/erasure", note ? { note } : {});
  done();
  if (response.ok) {
    showAsked(response.data?.message || "The program team has your request.");
    document.getElementById("removal-asked-title").focus();
  } else {
    showFormFailure(form, response);
  }
});

start();
