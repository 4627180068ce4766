// /contact/: the program team's address and phone, and each department's
// MOments administrators, as the program team keeps them (GET /api/contacts).
import { get } from "./api.js";
import { announce, el } from "./ui.js";

const mail = (address) => el("a", { href: `mailto:${address}` }, address);

function programContact({ email, phone }) {
  if (!email) {
    return [el("p", {}, "The program team has not published its address here yet. Bring your question to the program’s office hours on the calendar.")];
  }
  const lines = [el("p", {}, "Email: ", mail(email))];
  if (phone) lines.push(el("p", {}, "Phone: ", el("a", { href: `tel:${phone.replace(/[^0-9+]/g, "")}` }, phone)));
  return lines;
}

function departmentContacts(departments, team) {
  // A fresh link for each department: one element can sit in one place only.
  const none = () => (team ? ["None listed yet: write to the program team at ", mail(team), "."] : ["None listed yet."]);
  const list = el("dl", { class: "details contacts" });
  for (const { department, admins } of departments) {
    list.append(
      el("dt", {}, department.name),
      el("dd", {}, ...(admins.length ? [el("ul", {}, ...admins.map((a) => el("li", {}, mail(a))))] : none())),
    );
  }
  return list;
}

async function start() {
  announce("Loading the contacts…");
  const response = await get("/api/contacts");
  announce("");
  if (!response.ok) {
    const panel = document.getElementById("contacts-error");
    panel.textContent = `${response.problem.detail} Try again later, or ask at the program’s office hours.`;
    panel.hidden = false;
    return;
  }
  const { program, departments } = response.data;
  document.getElementById("program-contact").replaceChildren(...programContact(program));
  document.getElementById("department-contacts").replaceChildren(departmentContacts(departments, program.email));
  document.getElementById("contacts").hidden = false;
}

start();
