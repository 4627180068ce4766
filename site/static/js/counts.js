// Characters left in the fields with a limit (`data-limit`, from
// site/data/limits.toml, the numbers the API enforces): counted as the API
// counts them, in characters of the trimmed text. The count under each
// field changes as people type; screen readers hear it once they pause.
import { el } from "./ui.js";

const words = (n, one, many) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function describe(control) {
  const limit = Number(control.dataset.limit);
  const used = [...control.value.trim()].length;
  const left = limit - used;
  return left >= 0
    ? { text: `You have ${words(left, "character", "characters")} left`, over: false }
    : { text: `You have ${words(-left, "character", "characters")} too many`, over: true };
}

/**
 * Keeps every limited field's count in `root` up to date; returns what
 * updates them all, for a form filled in by a script.
 */
export function countCharacters(root = document) {
  const spoken = el("p", { class: "visually-hidden", "aria-live": "polite" });
  document.body.append(spoken);
  const updates = [];
  for (const control of root.querySelectorAll("[data-limit]")) {
    const count = document.getElementById(`c-${control.name}`);
    if (!count) continue;
    let pause;
    const show = () => {
      const { text, over } = describe(control);
      count.textContent = text;
      count.classList.toggle("field__count--over", over);
      return text;
    };
    const update = () => {
      const text = show();
      clearTimeout(pause);
      pause = setTimeout(() => { if (document.activeElement === control) spoken.textContent = text; }, 1000);
    };
    control.addEventListener("input", update);
    control.addEventListener("change", update);
    show();
    updates.push(show);
  }
  return () => updates.forEach((refresh) => refresh());
}
