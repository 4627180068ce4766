// The skills and departments the program offers now (GET /api/catalogue),
// kept by the program team on /admin/skills/ and /admin/departments/. Pages
// are built with the seed lists from site/data/catalogue.toml, which is what
// a reader without scripts sees; with scripts, the forms offer the live
// lists instead, and a department's divisions when it has some.
import { get } from "./api.js";
import { el } from "./ui.js";

let asked = null;

/** The catalogue as the API gives it now; null when it cannot say. Asked once per page. */
function liveCatalogue() {
  asked ??= get("/api/catalogue").then((response) => (response.ok ? response.data : null));
  return asked;
}

/**
 * The skills offered now, `{career: [{id, name}], soft: [...]}`, in the
 * forms' order, and those no longer offered (`retired`, by their names now);
 * null when the API cannot say (the page keeps its own list).
 */
export async function liveSkills() {
  const data = await liveCatalogue();
  return Array.isArray(data?.career_skills) && Array.isArray(data?.soft_skills)
    ? { career: data.career_skills, soft: data.soft_skills, retired: data.retired_skills || [] }
    : null;
}

/**
 * The departments offered now, `{open: [{id, name, divisions: [{id, name}]}],
 * retired: [{id, name}]}`, in the forms' order; null when the API cannot say.
 */
export async function liveDepartments() {
  const data = await liveCatalogue();
  return Array.isArray(data?.departments)
    ? { open: data.departments, retired: data.retired_departments || [] }
    : null;
}

/** Replaces a menu's options after its first (the empty choice), keeping its choice while offered. */
function refill(menu, ...options) {
  const value = menu.value;
  menu.replaceChildren(menu.querySelector('option[value=""]'), ...options);
  menu.value = value;
  if (menu.selectedIndex < 0) menu.value = "";
}

/**
 * Gives the ranked skill menus of `form` the live list, keeping each menu's
 * choice while it is still offered. `kept` are the skills ({id, name}) an
 * application already has: those no longer offered stay choosable in a
 * group of their own, marked, so the person sees what changed (the API
 * refuses them when the application is saved).
 */
export function offerSkills(form, live, kept = []) {
  const offered = new Set([...live.career, ...live.soft].map((skill) => skill.id));
  const gone = kept.filter((skill) => !offered.has(skill.id));
  const options = (skills, mark = "") => skills.map((skill) => el("option", { value: skill.id }, skill.name + mark));
  for (const menu of form.querySelectorAll('select[name="skills"]')) {
    refill(menu,
      el("optgroup", { label: "Career skills" }, ...options(live.career)),
      el("optgroup", { label: "Soft skills" }, ...options(live.soft)),
      ...(gone.length ? [el("optgroup", { label: "No longer offered" }, ...options(gone, " (no longer offered)"))] : []));
  }
}

/**
 * Gives `form`'s department menu the live list and, below it, a division
 * menu (its field `[data-field="division"]`) shown only while the chosen
 * department has divisions. `kept` is the department and division an
 * application already has ({department, division}, each {id, name} or null):
 * one no longer offered stays choosable, marked, as with skills. `any` names
 * the empty division choice of a search filter; a form requires a division.
 * Returns a function that shows the divisions of the department chosen now,
 * choosing `division` when given.
 */
export function offerDepartments(form, live, { kept = {}, any = "" } = {}) {
  const menu = form.elements.namedItem("department");
  const divisionMenu = form.elements.namedItem("division");
  const divisionField = form.querySelector('[data-field="division"]');
  const open = new Map(live.open.map((d) => [d.id, d]));
  const gone = kept.department && !open.has(kept.department.id)
    ? [el("optgroup", { label: "No longer offered" },
      el("option", { value: kept.department.id }, `${kept.department.name} (no longer offered)`))]
    : [];
  refill(menu, ...live.open.map((d) => el("option", { value: d.id }, d.name)), ...gone);

  function showDivisions(division = divisionMenu.value) {
    const divisions = open.get(menu.value)?.divisions || [];
    const keptHere = kept.division && kept.department?.id === menu.value
      && !divisions.some((v) => v.id === kept.division.id)
      ? [el("option", { value: kept.division.id }, `${kept.division.name} (no longer offered)`)]
      : [];
    divisionMenu.replaceChildren(el("option", { value: "" }, any || "Choose your division"),
      ...divisions.map((v) => el("option", { value: v.id }, v.name)), ...keptHere);
    divisionMenu.value = division;
    if (divisionMenu.selectedIndex < 0) divisionMenu.value = "";
    const shown = divisions.length > 0 || keptHere.length > 0;
    divisionField.hidden = !shown;
    divisionMenu.required = shown && !any;
  }
  menu.addEventListener("change", () => showDivisions(""));
  showDivisions(kept.division?.id ?? "");
  return showDivisions;
}
