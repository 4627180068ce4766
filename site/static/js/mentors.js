// /mentors/: "Find a mentor". The filters are a plain GET form, so the
// address holds the search (shareable, and Back works); this module reads it,
// asks GET /api/mentors and shows the cards and the pages.
import { get, here, showSignIn } from "./api.js";
import { announce, el, showPanelProblem, workplace } from "./ui.js";
import { count, excerpt, kindWords, nameOf, pageLink, skillList } from "./mentoring.js";
import { liveDepartments, liveSkills, offerDepartments } from "./catalogue.js";

const root = document.getElementById("find-mentor");
const form = document.getElementById("mentor-filters");
const query = new URLSearchParams(location.search);
/** Shows the chosen department's divisions, once the live list is in. */
let showDivisions = () => {};

/** The search as the address holds it, tidied: skills may come as `a,b` or repeated. */
function searchFromAddress() {
  const page = Number.parseInt(query.get("page") || "1", 10);
  return {
    name: (query.get("name") || "").trim(),
    department: query.get("department") || "",
    division: query.get("division") || "",
    hours: query.get("hours") || "",
    kind: query.get("kind") || "",
    skills: [...new Set(query.getAll("skills").flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean))],
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

function fillForm(search) {
  form.elements.namedItem("name").value = search.name;
  const department = form.elements.namedItem("department");
  department.value = search.department;
  if (department.value !== search.department) department.value = "";
  showDivisions(search.division);
  checkRadio("hours", search.hours);
  checkRadio("kind", search.kind);
  for (const box of form.querySelectorAll('input[name="skills"]')) box.checked = search.skills.includes(box.value);
  showSkillCount();
  if (search.skills.length) document.getElementById("skill-filter").open = true;
}

/** Checks the radio of `name` with `value`, or "Any" when none has it. */
function checkRadio(name, value) {
  let checked = false;
  for (const radio of form.querySelectorAll(`input[name="${name}"]`)) {
    radio.checked = radio.value === value;
    checked ||= radio.checked;
  }
  if (!checked) document.getElementById(`f-${name}-any`).checked = true;
}

/** One skill's box in the filter. */
function skillBox(id, name) {
  return el("div", { class: "choice" },
    el("input", { class: "choice__input", type: "checkbox", id: `f-skill-${id}`, name: "skills", value: id }),
    el("label", { class: "choice__label", for: `f-skill-${id}` }, name));
}

/**
 * The filter offers the skills offered now; a skill in the address that is
 * no longer offered stays, ticked, in a group of its own (the search still
 * finds the mentors who ranked it).
 */
function offerFilters(live, wanted) {
  const known = new Map([...form.querySelectorAll('input[name="skills"]')].map((box) => [box.value, box.labels[0]?.textContent]));
  const offered = new Set();
  for (const kind of ["career", "soft"]) {
    const skills = live[kind];
    const group = form.querySelector(`[data-skills="${kind}"]`);
    group.replaceChildren(group.querySelector("legend"), ...skills.map((skill) => {
      offered.add(skill.id);
      return skillBox(skill.id, skill.name);
    }));
  }
  const gone = wanted.filter((id) => !offered.has(id));
  if (!gone.length) return;
  const retired = new Map(live.retired.map((skill) => [skill.id, skill.name]));
  const words = (id) => id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, " ");
  document.getElementById("skill-groups").append(el("fieldset", { class: "fieldset" },
    el("legend", { class: "skill-filter__legend" }, "No longer offered"),
    ...gone.map((id) => skillBox(id, retired.get(id) || known.get(id) || words(id)))));
}

function showSkillCount() {
  const ticked = form.querySelectorAll('input[name="skills"]:checked').length;
  document.getElementById("skill-count").textContent = ticked ? `(${ticked} chosen)` : "(any)";
}

/** The address of this page for `search` at `page`, empty filters left out. */
function addressFor(search, page) {
  const params = new URLSearchParams();
  if (search.name) params.set("name", search.name);
  if (search.department) params.set("department", search.department);
  if (search.department && search.division) params.set("division", search.division);
  if (search.hours) params.set("hours", search.hours);
  if (search.kind) params.set("kind", search.kind);
  for (const skill of search.skills) params.append("skills", skill);
  if (page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `${location.pathname}?${text}` : location.pathname;
}

function apiPath(search) {
  const params = new URLSearchParams();
  if (search.department) params.set("department", search.department);
  if (search.department && search.division) params.set("division", search.division);
  if (search.skills.length) params.set("skills", search.skills.join(","));
  if (search.hours) params.set("hours", search.hours);
  if (search.kind) params.set("kind", search.kind);
  if (search.name) params.set("name", search.name);
  params.set("page", String(search.page));
  return `/api/mentors?${params}`;
}

function card(mentor) {
  const name = nameOf(mentor);
  const item = el("li", { class: "card mentor-card" },
    el("h3", {}, el("a", { href: pageLink(root.dataset.profileUrl, "id", mentor.id) }, name)),
    el("p", { class: "card__meta" }, [mentor.job_title, workplace(mentor)].filter(Boolean).join(" · ")),
    el("p", {}, el("strong", {}, "Working hours: "), mentor.working_hours?.name ?? ""),
  );
  if (mentor.mentorship_kind) {
    item.append(el("p", {}, el("strong", {}, "Kind of mentorship: "), kindWords(mentor.mentorship_kind)));
  }
  if (mentor.skills?.length) {
    item.append(el("p", { class: "mentor-card__label" }, "Skills, strongest first:"), skillList(mentor.skills, true));
  }
  if (mentor.bio) item.append(el("p", { class: "mentor-card__bio" }, excerpt(mentor.bio)));
  if (mentor.reason) item.append(el("p", { class: "fit" }, el("strong", {}, "Why they may suit you: "), mentor.reason));
  item.append(el("p", {},
    el("a", { href: pageLink(root.dataset.profileUrl, "id", mentor.id) },
      "See the full profile", el("span", { class: "visually-hidden" }, ` of ${name}`)),
  ));
  return item;
}

function showPager(search, page, pages) {
  const pager = document.getElementById("pager");
  if (pages <= 1) {
    pager.hidden = true;
    return;
  }
  const previous = document.getElementById("pager-previous");
  const next = document.getElementById("pager-next");
  previous.href = addressFor(search, page - 1);
  previous.hidden = page <= 1;
  next.href = addressFor(search, page + 1);
  next.hidden = page >= pages;
  document.getElementById("pager-where").textContent = `Page ${page} of ${pages}`;
  pager.hidden = false;
}

/** A word on who can ask a mentor, from the caller's mentee application. */
function menteeNote(applications) {
  const note = document.getElementById("mentee-note");
  const mentee = applications.find((app) => app.role === "mentee");
  let text = null;
  let link = null;
  if (!mentee) {
    text = "You can look around now. To ask a mentor to work with you, you first need a mentee application approved by your supervisor.";
    link = el("a", { href: root.dataset.applyMentee }, "Apply as a mentee");
  } else if (mentee.status === "pending") {
    text = "Your mentee application is waiting for your supervisor. You can look around now and ask a mentor once it is approved.";
    link = el("a", { href: root.dataset.myApplications }, "See My applications");
  } else if (mentee.status === "denied") {
    text = "Your mentee application was not approved, so you cannot ask a mentor yet. You can change it and send it for a new review.";
    link = el("a", { href: root.dataset.myApplications }, "See My applications");
  }
  if (!text) return;
  note.replaceChildren(el("p", {}, text, " ", link));
  note.hidden = false;
}

async function start() {
  const search = searchFromAddress();
  const searched = Boolean(search.name || search.department || search.hours || search.kind || search.skills.length || search.page > 1);
  announce("Looking for mentors…");
  const [mentors, mine, live, departments] = await Promise.all([
    get(apiPath(search)), get("/api/applications"), liveSkills(), liveDepartments(),
  ]);
  if (live) offerFilters(live, search.skills);
  if (departments) {
    const gone = departments.retired.find((d) => d.id === search.department);
    showDivisions = offerDepartments(form, departments, { kept: { department: gone }, any: "Any division" });
  }
  fillForm(search);
  if (mentors.status === 401 || mine.status === 401) {
    announce("");
    showSignIn(here());
    return;
  }
  if (!mentors.ok) {
    announce("");
    showPanelProblem(document.getElementById("load-error"), mentors.problem);
    return;
  }
  if (mine.ok) menteeNote(mine.data?.applications || []);

  const data = mentors.data || {};
  const list = data.mentors || [];
  const total = Number(data.total) || 0;
  const page = Number(data.page) || search.page;
  const pages = Number(data.pages) || 1;
  document.getElementById("results").replaceChildren(...list.map(card));
  let summary;
  if (!total) {
    summary = searched
      ? "No mentors match this search. Try fewer skills, any department, any working hours or any kind of mentorship."
      : "No mentors are taking new mentees right now. New mentors join every quarter; look again soon.";
  } else if (!list.length) {
    summary = `There is no page ${page} of this search.`;
  } else {
    const what = searched ? `${count(total, "mentor matches", "mentors match")} your search.` : `${count(total, "mentor is", "mentors are")} taking new mentees.`;
    summary = pages > 1 ? `${what} Page ${page} of ${pages}.` : what;
  }
  document.getElementById("results-summary").textContent = summary;
  showPager(search, page, pages);
  document.getElementById("search").hidden = false;
  announce("");
  // After a search (or a change of page), start reading at the results.
  if (searched) document.getElementById("results-title").focus();
}

form.addEventListener("change", (event) => {
  if (event.target.name === "skills") showSkillCount();
});

// Still a GET of this page, only without the empty filters in the address.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(form);
  location.assign(addressFor({
    name: String(data.get("name") ?? "").trim(),
    department: String(data.get("department") ?? ""),
    division: String(data.get("division") ?? ""),
    hours: String(data.get("hours") ?? ""),
    kind: String(data.get("kind") ?? ""),
    skills: data.getAll("skills").map(String),
  }, 1));
});

start();
