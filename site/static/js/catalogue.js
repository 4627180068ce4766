// The skills the program offers now (GET /api/catalogue), kept by the program
// team on /admin/skills/. Pages are built with the seed list from
// site/data/catalogue.toml, which is what a reader without scripts sees;
// with scripts, the forms offer the live list instead.
import { get } from "./api.js";
import { el } from "./ui.js";

let asked = null;

/**
 * The skills offered now, `{career: [{id, name}], soft: [...]}`, in the
 * forms' order, and those no longer offered (`retired`, by their names now);
 * null when the API cannot say (the page keeps its own list). Asked once per
 * page.
 */
export function liveSkills() {
  asked ??= get("/api/catalogue").then((response) => {
    const data = response.ok ? response.data : null;
    return Array.isArray(data?.career_skills) && Array.isArray(data?.soft_skills)
      ? { career: data.career_skills, soft: data.soft_skills, retired: data.retired_skills || [] }
      : null;
  });
  return asked;
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
    const value = menu.value;
    menu.replaceChildren(
      menu.querySelector('option[value=""]'),
      el("optgroup", { label: "Career skills" }, ...options(live.career)),
      el("optgroup", { label: "Soft skills" }, ...options(live.soft)),
      ...(gone.length ? [el("optgroup", { label: "No longer offered" }, ...options(gone, " (no longer offered)"))] : []),
    );
    menu.value = value;
    if (menu.selectedIndex < 0) menu.value = "";
  }
}
