// /signin/confirm/: the page the emailed link opens. Signing in happens only
// when the person presses the button (a POST), never on opening the link,
// because mail scanners open links.
import { post, safeNext, signInUrl } from "./api.js";
import { busy, clearErrors, isBusy, showProblem } from "./ui.js";

const query = new URLSearchParams(location.search);
const token = query.get("token");
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
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
    clearErrors(form);
    const done = busy(button, "Signing in…");
    const stay_signed_in = form.querySelector('input[name="stay_signed_in"]').checked;
    const response = await post("/api/auth/session", { token, stay_signed_in });
    if (response.ok) {
      location.assign(next || safeNext(response.data?.next, afterSignIn));
      return;
    }
    done();
    if (response.status === 410) {
      document.getElementById("confirm-ready").hidden = true;
      offerNewLink("confirm-expired");
      document.getElementById("confirm-expired-title").focus();
    } else {
      showProblem(form, response.problem);
    }
  });
}
