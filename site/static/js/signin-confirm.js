// /signin/confirm/#token=...: the page the emailed link opens. It says whom
// the link signs in and what for (POST /api/auth/link/about), and signs in
// only when the person presses the button (POST /api/auth/session), never
// on opening the link, because mail scanners open links. The token rides in
// the fragment, which browsers never send to a server; it is taken out of
// the address bar at once, so it stays out of history too.
import { post, safeNext, signInUrl, whoAmI } from "./api.js";
import { busy, clearErrors, isBusy, showProblem } from "./ui.js";

const query = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const token = fragment.get("token") || query.get("token");
if (location.hash || query.has("token")) history.replaceState(null, "", location.pathname);
const next = safeNext(query.get("next"), null);
const form = document.getElementById("confirm-form");
const button = form.querySelector('button[type="submit"]');
const afterSignIn = form.dataset.after;

function offerNewLink(panelId) {
  const panel = document.getElementById(panelId);
  for (const link of panel.querySelectorAll("a[data-signin]")) link.href = signInUrl(next);
  panel.hidden = false;
  return panel;
}

if (!token) {
  offerNewLink("confirm-missing");
} else {
  document.getElementById("confirm-ready").hidden = false;
  describe();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
    clearErrors(form);
    const done = busy(button, "Signing in…");
    const stay_signed_in = form.querySelector('input[name="stay_signed_in"]').checked;
    const response = await post("/api/auth/session", { token, stay_signed_in });
    if (response.ok) {
      // The header of the next page shows this person's links from its first paint.
      await whoAmI();
      location.assign(next || safeNext(response.data?.next, afterSignIn));
      return;
    }
    done();
    if (response.status === 410) {
      expired();
    } else {
      showProblem(form, response.problem);
    }
  });
}

function expired() {
  document.getElementById("confirm-ready").hidden = true;
  offerNewLink("confirm-expired");
  document.getElementById("confirm-expired-title").focus();
}

/** Says whom the link signs in and what for; a spent link is said so before anyone presses. */
async function describe() {
  const response = await post("/api/auth/link/about", { token });
  if (response.status === 410) return expired();
  if (!response.ok) return; // the button still works, and says why if it cannot
  const about = offerNewLink("confirm-about");
  document.getElementById("confirm-email").textContent = response.data.email;
  if (response.data.task) {
    document.getElementById("confirm-task").textContent = response.data.task;
    document.getElementById("confirm-task-line").hidden = false;
    button.textContent = "Sign in and continue";
  }
  about.hidden = false;
}
