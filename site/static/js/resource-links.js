// The links the program team keeps (GET /api/resources), on the resources
// pages: each page names its audiences in `data-audiences`; the section
// stays hidden while there are none.
import { get } from "./api.js";
import { el } from "./ui.js";

export const AUDIENCE_HEADINGS = { mentees: "For mentees", mentors: "For mentors", supervisors: "For supervisors" };

function linkItem(link) {
  return el("li", {}, el("a", { href: link.url }, link.title), link.note ? el("span", {}, `: ${link.note}`) : null);
}

async function start(box) {
  const audiences = (box.dataset.audiences || "").split(/\s+/).filter((a) => a in AUDIENCE_HEADINGS);
  const response = await get("/api/resources");
  if (!response.ok) return;
  const links = response.data.links || [];
  const groups = audiences
    .map((audience) => [audience, links.filter((l) => l.audience === audience)])
    .filter(([, theirs]) => theirs.length);
  if (!groups.length) return;
  document.getElementById("program-links-list").replaceChildren(...groups.flatMap(([audience, theirs]) => [
    audiences.length > 1 ? el("h3", {}, AUDIENCE_HEADINGS[audience]) : null,
    el("ul", {}, ...theirs.map(linkItem)),
  ].filter(Boolean)));
  box.hidden = false;
}

const box = document.getElementById("program-links");
if (box) start(box);
