// The application's question pages (/apply/mentee/, /apply/mentor/): one
// section of the form at a time, then a page to check every answer with a
// link to change each, after the GOV.UK Design System's "question pages"
// and "check answers" patterns. The browser's Back button moves between
// the pages too. The form stays one form: what each page asks is a section
// with `data-step`, and the last is the check page (`data-step="check"`),
// which may hold fields of its own (a declaration), not listed as answers.
import { el } from "./ui.js";

const CHECK = "check";

/** The label or legend a field is known by, without "(optional)". */
function labelOf(container) {
  const label = container.querySelector(":scope > .field__label, :scope > .fieldset__legend");
  if (!label) return container.dataset.field;
  const copy = label.cloneNode(true);
  for (const optional of copy.querySelectorAll(".field__optional")) optional.remove();
  return copy.textContent.trim();
}

const controlsOf = (container) => [...container.querySelectorAll("input, select, textarea")];
const chosenText = (select) => select.selectedOptions[0]?.textContent.trim() ?? "";

/** What the person answered in a field, as the check page shows it. */
function answerOf(container) {
  const controls = controlsOf(container);
  const [first] = controls;
  if (container.dataset.field === "skills") {
    const chosen = controls.filter((select) => select.value).map(chosenText);
    return chosen.length ? el("ol", {}, ...chosen.map((name) => el("li", {}, name))) : "None chosen yet";
  }
  if (first.type === "radio") {
    const checked = controls.find((radio) => radio.checked);
    return checked ? container.querySelector(`label[for="${checked.id}"]`).textContent.trim() : "Not chosen yet";
  }
  if (first.tagName === "SELECT") return first.value ? chosenText(first) : "Not chosen yet";
  const text = first.value.trim();
  return text || (first.required ? "Not answered yet" : "Not given");
}

/**
 * Guides `form` through its steps. `pages` holds what shows on the first
 * page only (`intro`), on every question page (`questions`), on the first
 * and the check page (`ends`); `onStep(name)` runs after each change.
 * Returns the guide: `at()`, `show(name)`, `change(name)`, `next()`,
 * `steps()` (in order) and `fieldsOf(name)`.
 */
export function guide(form, { intro, questions, ends, onStep }) {
  const sections = new Map([...form.querySelectorAll("[data-step]")].map((s) => [s.dataset.step, s]));
  const back = document.getElementById("step-back");
  const count = document.getElementById("step-count");
  const answers = document.getElementById("answers");
  const title = document.title;
  const order = [...sections.keys()];
  let at = order[0];
  // Came from the check page through a Change link: Continue goes back there.
  let returning = false;

  const heading = (name) => sections.get(name).querySelector("h2");
  const fieldsOf = (name) => new Set([...sections.get(name).querySelectorAll("[data-field]")].map((c) => c.dataset.field));
  const previous = () => (returning ? CHECK : order[order.indexOf(at) - 1]);

  function changeLink(name, label, control) {
    const link = el("a", { class: "answers__change", href: `#${name}` }, "Change", el("span", { class: "visually-hidden" }, ` ${label}`));
    link.addEventListener("click", (event) => {
      event.preventDefault();
      returning = true;
      show(name, { field: control });
    });
    return link;
  }

  /** The check page: each page's answers under its heading, each with a Change link. */
  function listAnswers() {
    const groups = [];
    for (const name of order.filter((n) => n !== CHECK)) {
      const rows = [];
      for (const container of sections.get(name).querySelectorAll("[data-field]")) {
        if (container.hidden) continue;
        const label = labelOf(container);
        rows.push(el("dt", {}, label), el("dd", {}, answerOf(container), changeLink(name, label, controlsOf(container)[0])));
      }
      groups.push(el("h3", {}, heading(name).textContent), el("dl", { class: "details answers" }, ...rows));
    }
    answers.replaceChildren(...groups);
  }

  /**
   * Shows the page `name`: its heading takes the focus (or `field`, from a
   * Change link; nothing when `focus` is false, as a page just opened),
   * the title names it, and the browser's history gets a step unless
   * `push` is false.
   */
  function show(name, { field = null, push = true, focus = true } = {}) {
    at = name;
    for (const [step, section] of sections) section.hidden = step !== name;
    const i = order.indexOf(name);
    const isCheck = name === CHECK;
    if (isCheck) {
      returning = false;
      listAnswers();
    }
    count.textContent = isCheck ? "" : `Step ${i + 1} of ${order.length - 1}`;
    count.hidden = isCheck;
    back.hidden = i === 0 && !returning;
    back.href = `#${previous() ?? ""}`;
    intro.hidden = i !== 0;
    for (const node of questions) node.hidden = isCheck;
    for (const node of ends) node.hidden = !(i === 0 || isCheck);
    document.title = `${heading(name).textContent} – ${title}`;
    const state = { step: name };
    if (push) history.pushState(state, "", `#${name}`);
    else history.replaceState(state, "", `#${name}`);
    onStep(name);
    window.scrollTo(0, 0);
    if (focus) (field || heading(name)).focus();
  }

  back.addEventListener("click", (event) => {
    event.preventDefault();
    const to = previous();
    if (to) show(to);
  });
  window.addEventListener("popstate", (event) => {
    const name = event.state?.step;
    if (name && order.includes(name) && !form.hidden) show(name, { push: false });
  });

  return {
    at: () => at,
    show,
    /** Page `name` to change an answer: Continue comes back to the check page. */
    change(name) {
      returning = true;
      show(name);
    },
    /** The page after this one; the check page once a change is made. */
    next: () => show(returning ? CHECK : order[order.indexOf(at) + 1]),
    steps: () => [...order],
    fieldsOf,
  };
}
