// /signin/: asks the API to email a one-time sign-in link.
import { get, post, safeNext } from "./api.js";
import { busy, clearErrors, isBusy, showProblem } from "./ui.js";

const form = document.getElementById("signin-form");
const sent = document.getElementById("link-sent");
const button = form.querySelector('button[type="submit"]');
const next = safeNext(new URLSearchParams(location.search).get("next"), null);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(button)) return;
  clearErrors(form);
  const email = String(new FormData(form).get("email") ?? "").trim();
  const request = next ? { email, next } : { email };
  const done = busy(button, "Sending…");
  const response = await post("/api/auth/link", request);
  done();
  if (response.ok) {
    document.getElementById("link-sent-email").textContent = email;
    form.hidden = true;
    sent.hidden = false;
    document.getElementById("link-sent-title").focus();
  } else {
    showProblem(form, response.problem);
  }
});

document.getElementById("send-another").addEventListener("click", () => {
  sent.hidden = true;
  form.hidden = false;
  form.elements.namedItem("email").focus();
});

// Someone already signed in may still want another address; tell them. The
// form appears with that notice, not before it, so that it does not move.
get("/api/me").then((me) => {
  if (me.ok && me.data?.email) {
    document.getElementById("already-email").textContent = me.data.email;
    document.getElementById("already").hidden = false;
  }
  form.hidden = false;
});
