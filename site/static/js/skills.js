// The ranked skills picker of the application forms: six menus, ranks 1 to
// 3 required. Says how many skills are chosen, and takes a skill chosen at
// one rank out of the other menus, so that none is ranked twice.

const MIN = 3;

export function skillsPicker(form) {
  const menus = [...form.querySelectorAll('select[name="skills"]')];
  const count = form.querySelector("#skills-count");

  function update() {
    const chosen = new Map(); // skill id -> rank
    menus.forEach((menu, i) => {
      if (menu.value) chosen.set(menu.value, i + 1);
    });
    for (const [i, menu] of menus.entries()) {
      for (const option of menu.options) {
        if (!option.value) continue;
        const rank = chosen.get(option.value);
        const elsewhere = rank !== undefined && rank !== i + 1;
        option.disabled = elsewhere;
        option.dataset.name ??= option.textContent;
        option.textContent = elsewhere ? `${option.dataset.name} (rank ${rank})` : option.dataset.name;
      }
    }
    const n = chosen.size;
    const rest = n < MIN ? `choose at least ${MIN - n} more.` : n < menus.length ? "you can add more, up to 6." : "that is the most you can rank.";
    count.textContent = n === 0 ? `No skills chosen yet: choose at least ${MIN}.` : `${n} of ${menus.length} chosen: ${rest}`;
  }

  for (const menu of menus) menu.addEventListener("change", update);
  update();
  return update;
}
