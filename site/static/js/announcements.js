// /announcements/#a=ID&to=ADDRESS&t=TOKEN, opened from the link at the end
// of an announcement: stops announcements to that address, or starts them
// again (POST /api/announcements/preference), only when the button is
// pressed. The fragment never reaches a server; it is taken off the
// address bar once read.
import { post } from "./api.js";
import { announce, busy, isBusy, showPanelProblem } from "./ui.js";

const fragment = new URLSearchParams(location.hash.slice(1));
const link = { announcement: fragment.get("a"), email: fragment.get("to"), token: fragment.get("t") };
if (location.hash) history.replaceState(null, "", location.pathname + location.search);

const choice = document.getElementById("choice");
const button = document.getElementById("change-preference");
const problem = document.getElementById("preference-problem");
let receiving = true;

function show() {
  for (const node of document.querySelectorAll("[data-address]")) node.textContent = link.email;
  document.getElementById("choice-text").textContent = receiving
    ? "You get MOments announcements at this address. You can stop them here; mail about your own applications and mentorships still reaches you."
    : "You will not get MOments announcements at this address any more. Mail about your own applications and mentorships still reaches you. Changed your mind? You can have them again.";
  button.textContent = receiving ? "Stop announcements" : "Get announcements again";
  choice.hidden = false;
}

button.addEventListener("click", async () => {
  if (isBusy(button)) return;
  problem.hidden = true;
  const undo = busy(button, "Saving…");
  const response = await post("/api/announcements/preference", { ...link, receive: !receiving });
  undo();
  if (!response.ok) {
    showPanelProblem(problem, response.status === 404
      ? { title: "This link does not work", detail: "It may have been copied only in part. Open it again from the announcement, or ask the program team to stop announcements for you." }
      : response.problem);
    problem.focus();
    return;
  }
  receiving = response.data.receive;
  show();
  announce(receiving ? "You will get announcements again." : "Announcements stopped.");
  document.getElementById("choice-title").focus();
});

if (link.announcement && link.email && link.token) {
  show();
} else {
  document.getElementById("no-link").hidden = false;
}
