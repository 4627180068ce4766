// Shared by the mentoring pages (find a mentor, profile, dashboard, request,
// mentorship, survey): status badges, day and hour wording, skills and
// contact details. Text from people and the API goes in as text only.
import { el, fullName } from "./ui.js";

const BADGES = {
  pending: ["pending", "Waiting for an answer"],
  accepted: ["approved", "Accepted"],
  declined: ["denied", "Declined"],
  withdrawn: ["neutral", "Withdrawn"],
  closed: ["neutral", "Closed"],
  active: ["approved", "Active"],
  completed: ["neutral", "Completed"],
  discontinued: ["neutral", "Discontinued"],
};

/** A badge for a request's or a mentorship's status; the word carries the meaning. */
export function badge(status) {
  const [tone, word] = BADGES[status] || ["neutral", String(status)];
  return el("span", { class: `badge badge--${tone}` }, word);
}

const dayFormats = {
  long: new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }),
  medium: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }),
};

/** "March 3, 2026" (or "Mar 3, 2026") from "2026-03-03", without shifting the day by time zone. */
export function formatDay(ymd, style = "long") {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(ymd ?? ""));
  if (!match) return String(ymd ?? "");
  return dayFormats[style].format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
}

const programDayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Chicago" });

/** The day of a moment (default: now) in the program's time zone, as "YYYY-MM-DD". */
export function programDay(when = new Date()) {
  const date = new Date(when);
  return Number.isNaN(date.getTime()) ? "" : programDayFormat.format(date);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "1 hour 30 minutes", "45 minutes". */
export function minutesText(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  const hours = Math.floor(m / 60);
  const rest = m % 60;
  if (!hours) return plural(rest, "minute", "minutes");
  return rest ? `${plural(hours, "hour", "hours")} ${plural(rest, "minute", "minutes")}` : plural(hours, "hour", "hours");
}

/** "1.5 hours", "1 hour", "0 hours". */
export function hoursText(hours) {
  const h = Math.round((Number(hours) || 0) * 100) / 100;
  return `${h.toLocaleString("en-US")} ${h === 1 ? "hour" : "hours"}`;
}

export const count = plural;

/** Skills in rank order; the full list says which are soft skills, the chips do not. */
export function skillList(skills, chips = false) {
  const kind = (skill) => el("span", { class: "ranked__kind" }, skill.kind === "soft" ? " (soft skill)" : " (career skill)");
  return el("ol", { class: chips ? "ranked ranked--chips" : "ranked" },
    ...(skills || []).map((skill) => el("li", {}, skill.name, chips ? null : kind(skill))),
  );
}

/** The first sentences of a bio, cut at a word near `limit` characters. */
export function excerpt(text, limit = 220) {
  const clean = String(text ?? "").replace(/\s+/g, " ").trim();
  if (clean.length <= limit) return clean;
  const cut = clean.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return `${cut.slice(0, space > limit / 2 ? space : limit).replace(/[\s,;:.–-]+$/, "")}…`;
}

/** "Job title, Department" of a person. */
export function workLine(person) {
  return [person?.job_title, person?.department?.name].filter(Boolean).join(", ");
}

/** Email and phone as links, in a description list. */
export function contactDetails(person) {
  const list = el("dl", { class: "details contact" });
  if (person?.email) {
    list.append(el("dt", {}, "Work email"), el("dd", {}, el("a", { href: `mailto:${person.email}` }, person.email)));
  }
  if (person?.phone) {
    list.append(el("dt", {}, "Work phone"), el("dd", {}, el("a", { href: `tel:${person.phone.replace(/[^\d+]/g, "")}` }, person.phone)));
  } else {
    list.append(el("dt", {}, "Work phone"), el("dd", {}, "Not given"));
  }
  return list;
}

/** `first last` of a person, or their email when the name is missing. */
export const nameOf = (person) => fullName(person) || person?.email || "";

/** A link to a page of this site with one query parameter. */
export function pageLink(base, key, value) {
  return `${base}?${new URLSearchParams({ [key]: value })}`;
}

/** How to introduce a request's `reason`: the mentor's own words, or the program's. */
export const reasonLabel = (status) => (status === "declined" ? "Reason for declining" : "Why it closed");

/** A stated kind of mentorship (`{id, name}`) in words. */
export function kindWords(kind) {
  return {
    committed: "Committed: regular meetings over several months",
    flash: "Flash: a few meetings about one thing",
    either: "Committed or flash",
  }[kind?.id] ?? kind?.name ?? "";
}

/** Adds "term: value" to a description list. */
export function addField(list, term, ...value) {
  list.append(el("dt", {}, term), el("dd", {}, ...value));
}
