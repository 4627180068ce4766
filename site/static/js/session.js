// The header's last item: "Sign in" for visitors, "Sign out" for someone
// who signed in with this browser. The API sets a marker cookie beside the
// (unreadable) session cookie and clears both at sign-out, so no page view
// asks the API who is there.
import { post } from "./api.js";

const item = document.getElementById("session-nav");
const signedIn = document.cookie.split("; ").includes("moments_signed_in=1");

if (item && signedIn) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "site-nav__action";
  button.textContent = "Sign out";
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Signing out…";
    const response = await post("/api/auth/signout");
    if (response.ok || response.status === 401) {
      try {
        localStorage.removeItem("moments_roles");
        // Applications typed and not sent go with the session.
        for (const key of Object.keys(localStorage)) {
          if (key.startsWith("moments_draft_")) localStorage.removeItem(key);
        }
      } catch {
        // Nothing kept: nothing to forget.
      }
      location.assign(document.querySelector(".brand")?.getAttribute("href") || "/");
      return;
    }
    button.removeAttribute("aria-disabled");
    button.textContent = "Sign out (try again)";
  });
  item.replaceChildren(button);
}
