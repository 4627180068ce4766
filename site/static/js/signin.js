// /signin/: asks the API to email a one-time sign-in link, and offers the
// state's identity provider where one is configured (GET /api/auth/options).
// The provider's callback comes back here with ?problem= when it did not
// sign the person in; each problem is told in words below.
import { get, post, safeNext, whoAmI } from "./api.js";
import { busy, clearErrors, isBusy, showProblem } from "./ui.js";

const form = document.getElementById("signin-form");
const sent = document.getElementById("link-sent");
const button = form.querySelector('button[type="submit"]');
const query = new URLSearchParams(location.search);
const next = safeNext(query.get("next"), null);

const PROVIDER_PROBLEMS = {
  expired:
    "That sign-in took too long, was already used, or was started in another browser. Please start again from this page.",
  cancelled: "The state's sign-in page did not sign you in (it was cancelled or refused). You can try again.",
  refused: "The answer from the state's sign-in page could not be trusted, so we did not sign you in. Please try again.",
  "no-email":
    "Your state account did not give us an email address. Use an emailed link below, and ask the program team to check the account.",
  outside:
    "Your state account's email address is not one of the program's. Use an emailed link with your work address instead.",
  unavailable: "The state's sign-in page could not be reached just now. Try again in a few minutes, or use an emailed link.",
};
const problemText = PROVIDER_PROBLEMS[query.get("problem")];
if (problemText) {
  document.getElementById("provider-problem-text").textContent = problemText;
  const panel = document.getElementById("provider-problem");
  panel.hidden = false;
  panel.focus();
}

/** Offers the state's identity provider, when the API says there is one. */
function offerProvider(options) {
  const provider = options.ok ? options.data?.provider : null;
  if (!provider) return;
  const start = new URL(provider.start, location.origin);
  if (next) start.searchParams.set("next", next);
  const button = document.getElementById("provider-start");
  const stay = document.getElementById("f-provider-stay");
  const link = () => {
    start.searchParams.set("stay_signed_in", stay.checked ? "true" : "false");
    button.href = start.pathname + start.search;
  };
  stay.addEventListener("change", link);
  link();
  button.textContent = `Sign in with ${provider.label}`;
  document.getElementById("provider-label").textContent = provider.label;
  document.getElementById("provider-admins").hidden = !provider.required_for_administrators;
  document.getElementById("provider").hidden = false;
}

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
// form appears with that notice and the provider's offer, not before them,
// so that nothing moves.
Promise.all([get("/api/auth/options"), whoAmI()]).then(([options, me]) => {
  offerProvider(options);
  if (me.ok && me.data?.email) {
    document.getElementById("already-email").textContent = me.data.email;
    document.getElementById("already").hidden = false;
  }
  form.hidden = false;
});
