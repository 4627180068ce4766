// The start of a program administrators' page: who is signed in (GET
// /api/me), and the panel for everyone else: sign in, sign in again with
// the state's sign-in page, or "this page is for program administrators".
import { here, showSignIn, whoAmI } from "./api.js";
import { announce, showPanelProblem } from "./ui.js";

/** Shows why the page's console cannot be shown (a failed response). */
export function gateFailed(response) {
  announce("");
  document.getElementById("console").hidden = true;
  if (response.status === 401) {
    showSignIn(here());
  } else if (response.status === 403) {
    document.getElementById("not-admin").hidden = false;
  } else {
    const panel = document.getElementById("load-error");
    showPanelProblem(panel, response.problem);
    panel.focus();
  }
}

/** The signed-in program administrator, or null once the page says why not. */
export const programAdmin = () => administrator(["program_admin"]);

/** The signed-in program or department administrator, or null once the page says why not. */
export const anyAdministrator = () => administrator(["program_admin", "department_admin"]);

async function administrator(roles) {
  announce("Loading…");
  const who = await whoAmI();
  if (!who.ok) {
    gateFailed(who);
    return null;
  }
  const me = who.data;
  for (const node of document.querySelectorAll("[data-me-email]")) node.textContent = me.email;
  if (me.administration_needs_provider) {
    announce("");
    document.getElementById("needs-provider").hidden = false;
    return null;
  }
  if (!(me.roles || []).some((role) => roles.includes(role))) {
    gateFailed({ status: 403 });
    return null;
  }
  return me;
}
