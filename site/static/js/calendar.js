// Program dates (the calendar page, "Upcoming dates" on the home page). The
// site is built ahead of time, so which dates have passed is decided here,
// by the day in the program's time zone: past dates are marked, and a list
// with `data-upcoming="N"` keeps only the next N.

const parts = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Chicago",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
}).formatToParts(new Date());
const part = (type) => parts.find((p) => p.type === type).value;
const today = `${part("year")}-${part("month")}-${part("day")}`; // "2027-01-12", compared as text

for (const event of document.querySelectorAll(".event[data-date]")) {
  if (event.dataset.date < today) event.classList.add("event--past");
}

for (const list of document.querySelectorAll("[data-upcoming]")) {
  const keep = Number(list.dataset.upcoming);
  let shown = 0;
  for (const event of list.querySelectorAll(".event")) {
    const upcoming = !event.classList.contains("event--past") && shown < keep;
    event.hidden = !upcoming;
    if (upcoming) shown += 1;
  }
  const none = document.getElementById(list.dataset.none);
  if (none) none.hidden = shown > 0;
}
