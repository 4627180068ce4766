#!/usr/bin/env python3
"""Record every answer of a scripted journey through the HTTP API.

For comparing the API's answers before and after a change that should not
alter them (a refactor of the HTTP layer, say): run it on both trees and
diff the two files.

Starts `target/debug/moments-local` with demo data on a free loopback port
and walks the program's journey as each role, calling every operation at
least once, with bad input and forbidden calls among them: sign-in, apply,
review, search, select, accept, decline, withdraw, agreement, meetings,
ending, survey, and every administrator's page. Each answer is written as
`{"call", "status", "content_type", "body"}`, with ids, times and tokens
replaced by stable placeholders (the first id seen is `<id 1>`, and so on),
so two runs of the same code give the same file (objects are written with
their keys sorted, so the order of an answer's fields does not show).

Usage: infra/journey.py OUT.json   (after `cargo build -p moments-local`;
MOMENTS_LOCAL names another build of it)
Compare: diff <(python3 -m json.tool A.json) <(python3 -m json.tool B.json),
or infra/journey.py --compare A.json B.json, which ignores the order of keys
in an object and reports every answer that differs.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(os.environ.get("MOMENTS_LOCAL", ROOT / "target" / "debug" / "moments-local"))

HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
DATE = re.compile(r"\b20\d{2}-\d{2}-\d{2}\b")
TOKEN = re.compile(r"token=[A-Za-z0-9_-]+")
BASE = re.compile(r"http://127\.0\.0\.1:\d+")
QUARTER = re.compile(r"\b20\d{2}-Q[1-4]\b")


class Normaliser:
    def __init__(self):
        self.ids = {}

    def text(self, s):
        s = HEX_ID.sub(lambda m: self.ids.setdefault(m.group(0), f"<id {len(self.ids) + 1}>"), s)
        s = TIME.sub("<time>", s)
        s = DATE.sub("<date>", s)
        s = QUARTER.sub("<quarter>", s)
        s = BASE.sub("<base>", s)
        return TOKEN.sub("token=<token>", s)

    def value(self, v):
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            # Keys in sorted order, so ids are numbered the same whatever
            # order an answer lists its fields in.
            return {self.text(k): self.value(x) for k, x in sorted(v.items())}
        return v


class Journey:
    def __init__(self, base):
        self.base = base
        self.answers = []
        self.norm = Normaliser()

    def call(self, label, method, path, cookie=None, body=None, raw_body=None, origin=None):
        headers = {"Origin": origin or self.base}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if raw_body is not None:
            data = raw_body
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request) as r:
                status, ctype, raw, head = r.status, r.headers.get("Content-Type"), r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, ctype, raw, head = e.code, e.headers.get("Content-Type"), e.read(), e.headers
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
            body_out = {"json": parsed}
        except ValueError:
            parsed = None
            body_out = {"text": text}
        self.answers.append(
            {
                "call": f"{label}: {method} {self.norm.text(path)}",
                "status": status,
                "content_type": ctype,
                "retry_after": head.get("Retry-After"),
                "body": self.norm.value(body_out),
            }
        )
        return status, parsed, head

    def sign_in(self, email):
        self.call(f"link for {email}", "POST", "/api/auth/link", body={"email": email})
        with urllib.request.urlopen(self.base + "/_local/outbox.json") as r:
            outbox = json.load(r)
        text = [m["text"] for m in outbox if m["to"] == email][-1]
        token = re.search(r"/signin/confirm/\?token=([A-Za-z0-9_-]+)", text).group(1)
        _, _, head = self.call(f"session for {email}", "POST", "/api/auth/session", body={"token": token})
        cookie = head["Set-Cookie"].split(";")[0]
        assert cookie.startswith("moments_session="), cookie
        return cookie


def start_platform(data_dir):
    env = dict(os.environ, PORT="0", MOMENTS_DEMO="1", MOMENTS_DATA_DIR=data_dir, RUST_LOG="error")
    child = subprocess.Popen([str(BINARY)], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = child.stdout.readline()
        found = re.search(r"running at (http://127\.0\.0\.1:\d+)/", line or "")
        if found:
            return child, found.group(1)
        if child.poll() is not None:
            break
    child.kill()
    sys.exit("moments-local did not start")


def application(role, supervisor="sam.rivera@mo.gov", **extra):
    body = {
        "role": role,
        "first_name": "Robin",
        "last_name": "Journey",
        "phone": "573-555-0199",
        "department": "revenue",
        "job_title": "Analyst",
        "work_location": "Jefferson City",
        "supervisor_first_name": "Sam",
        "supervisor_last_name": "Rivera",
        "supervisor_email": supervisor,
        "working_hours": "daytime",
        "bio": "I analyse tax data and like to help colleagues grow.",
        "skills": [],
        "full_time": True,
        "not_at_risk": True,
        "no_disciplinary_action": True,
        "agreement": True,
    }
    if role == "mentee":
        body["goals"] = "Learn to lead a team."
    body.update(extra)
    return body


def walk(j):
    c = j.call
    c("catalogue", "GET", "/api/catalogue")
    _, catalogue, _ = c("catalogue again", "GET", "/api/catalogue")
    skills = [s["id"] for s in catalogue["career_skills"][:2] + catalogue["soft_skills"][:2]]
    c("me signed out", "GET", "/api/me")
    c("link: bad address", "POST", "/api/auth/link", body={"email": "someone@example.com", "next": "https://evil"})
    c("link: not an object", "POST", "/api/auth/link", raw_body=b"[1]")
    c("link: not json", "POST", "/api/auth/link", raw_body=b"{")
    c("session: no token", "POST", "/api/auth/session", body={})
    c("session: unknown token", "POST", "/api/auth/session", body={"token": "nope"})

    robin = j.sign_in("robin.journey@mo.gov")
    sam = j.sign_in("sam.rivera@mo.gov")
    dana = j.sign_in("dana.admin@mo.gov")
    admin = j.sign_in("admin@mo.gov")
    maria = j.sign_in("maria.okafor@mo.gov")
    priya = j.sign_in("priya.shah@mo.gov")
    james = j.sign_in("james.whitfield@mo.gov")
    for who, cookie in [("robin", robin), ("sam", sam), ("dana", dana), ("admin", admin), ("maria", maria)]:
        c(f"me as {who}", "GET", "/api/me", cookie)

    c("apply: empty", "POST", "/api/applications", robin, body={})
    c("apply: wrong types", "POST", "/api/applications", robin,
      body={"role": 3, "skills": "x", "full_time": "yes", "first_name": ["a"]})
    c("apply: own supervisor", "POST", "/api/applications", robin,
      body=application("mentee", supervisor="robin.journey@mo.gov", skills=skills))
    _, mentee, _ = c("apply as mentee", "POST", "/api/applications", robin, body=application("mentee", skills=skills))
    c("apply as mentee again", "POST", "/api/applications", robin, body=application("mentee", skills=skills))
    _, mentor, _ = c("apply as mentor", "POST", "/api/applications", robin,
                     body=application("mentor", skills=skills[::-1], prior_mentees=["old.friend@mo.gov"]))
    c("my applications", "GET", "/api/applications", robin)
    c("read own", "GET", f"/api/applications/{mentee['id']}", robin)
    c("read as supervisor", "GET", f"/api/applications/{mentee['id']}", sam)
    c("read as dept admin", "GET", f"/api/applications/{mentor['id']}", dana)
    c("read as stranger", "GET", f"/api/applications/{mentee['id']}", maria)
    c("read unknown", "GET", "/api/applications/" + "0" * 32, robin)
    c("read bad id", "GET", "/api/applications/xyz", robin)
    c("edit: role change", "PUT", f"/api/applications/{mentee['id']}", robin,
      body=application("mentor", skills=skills))
    c("edit as supervisor", "PUT", f"/api/applications/{mentee['id']}", sam, body=application("mentee", skills=skills))
    c("edit", "PUT", f"/api/applications/{mentee['id']}", robin,
      body=application("mentee", skills=skills, job_title="Senior analyst"))
    c("reroute: bad", "PUT", f"/api/applications/{mentor['id']}/supervisor", robin,
      body={"supervisor_email": "x"})
    c("reroute", "PUT", f"/api/applications/{mentor['id']}/supervisor", robin,
      body={"supervisor_first_name": "Dana", "supervisor_last_name": "Admin",
            "supervisor_email": "sam.rivera+boss@mo.gov"})
    c("reroute back", "PUT", f"/api/applications/{mentor['id']}/supervisor", robin,
      body={"supervisor_first_name": "Sam", "supervisor_last_name": "Rivera",
            "supervisor_email": "sam.rivera@mo.gov"})

    c("reviews as sam", "GET", "/api/reviews", sam)
    c("reviews as dana", "GET", "/api/reviews", dana)
    c("reviews as robin", "GET", "/api/reviews", robin)
    c("decide: bad outcome", "POST", f"/api/applications/{mentee['id']}/decision", sam, body={"outcome": "maybe"})
    c("decide own", "POST", f"/api/applications/{mentee['id']}/decision", robin, body={"outcome": "approve"})
    c("decide as stranger", "POST", f"/api/applications/{mentee['id']}/decision", maria, body={"outcome": "approve"})
    c("deny mentor", "POST", f"/api/applications/{mentor['id']}/decision", dana,
      body={"outcome": "deny", "message": "Please talk to me first."})
    c("approve mentee", "POST", f"/api/applications/{mentee['id']}/decision", sam, body={"outcome": "approve"})
    c("approve again", "POST", f"/api/applications/{mentee['id']}/decision", sam, body={"outcome": "approve"})
    c("resubmit denied", "PUT", f"/api/applications/{mentor['id']}", robin,
      body=application("mentor", skills=skills[::-1]))
    c("approve mentor", "POST", f"/api/applications/{mentor['id']}/decision", sam, body={"outcome": "approve"})
    c("reviews after", "GET", "/api/reviews", sam)

    c("search", "GET", "/api/mentors", robin)
    c("search filtered", "GET", f"/api/mentors?skills={skills[0]}&hours=daytime&page=1", robin)
    c("search bad filters", "GET", "/api/mentors?department=nope&skills=zzz&hours=x&page=0", robin)
    c("search by name", "GET", "/api/mentors?name=maria", maria)
    _, page, _ = c("search signed out", "GET", "/api/mentors")
    _, page, _ = c("search as sam", "GET", "/api/mentors", sam)
    _, page, _ = c("search all", "GET", "/api/mentors", robin)
    mentors = {m["first_name"]: m["id"] for m in page["mentors"]}
    c("profile", "GET", f"/api/mentors/{mentors['Maria']}", robin)
    c("profile unknown", "GET", "/api/mentors/" + "0" * 32, robin)
    c("profile of a mentee", "GET", f"/api/mentors/{mentee['id']}", robin)
    c("suggestions", "GET", "/api/suggestions", robin)
    c("availability", "GET", "/api/availability", robin)
    c("availability without mentor app", "GET", "/api/availability", sam)
    c("availability: bad", "PUT", "/api/availability", robin, body={"available": "no"})
    c("availability off", "PUT", "/api/availability", robin, body={"available": False})
    c("availability on", "PUT", "/api/availability", robin, body={"available": True})

    c("request: bad", "POST", "/api/requests", robin, body={"mentor": "x"})
    c("request self", "POST", "/api/requests", robin, body={"mentor": mentor["id"]})
    _, to_maria, _ = c("request maria", "POST", "/api/requests", robin,
                       body={"mentor": mentors["Maria"], "message": "Hello Maria"})
    c("request maria again", "POST", "/api/requests", robin, body={"mentor": mentors["Maria"]})
    _, to_priya, _ = c("request priya", "POST", "/api/requests", robin, body={"mentor": mentors["Priya"]})
    _, to_james, _ = c("request james", "POST", "/api/requests", robin, body={"mentor": mentors["James"]})
    c("requests of robin", "GET", "/api/requests", robin)
    c("requests of maria", "GET", "/api/requests", maria)
    c("request as mentee", "GET", f"/api/requests/{to_maria['id']}", robin)
    c("request as mentor", "GET", f"/api/requests/{to_maria['id']}", maria)
    c("request as stranger", "GET", f"/api/requests/{to_maria['id']}", sam)
    c("accept as mentee", "POST", f"/api/requests/{to_maria['id']}/accept", robin)
    _, accepted, _ = c("accept", "POST", f"/api/requests/{to_maria['id']}/accept", maria)
    c("accept again", "POST", f"/api/requests/{to_maria['id']}/accept", maria)
    c("decline", "POST", f"/api/requests/{to_priya['id']}/decline", priya, body={"reason": "I am too busy."})
    c("withdraw as mentor", "POST", f"/api/requests/{to_james['id']}/withdraw", james)
    c("withdraw", "POST", f"/api/requests/{to_james['id']}/withdraw", robin)
    _, to_james2, _ = c("request james again", "POST", "/api/requests", robin, body={"mentor": mentors["James"]})
    _, accepted2, _ = c("accept james", "POST", f"/api/requests/{to_james2['id']}/accept", james)
    c("request when full", "POST", "/api/requests", robin, body={"mentor": mentors["Priya"]})

    ms = accepted["mentorship"]["id"]
    ms2 = accepted2["mentorship"]["id"]
    c("mentorships of robin", "GET", "/api/mentorships", robin)
    c("mentorships of maria", "GET", "/api/mentorships", maria)
    c("mentorship", "GET", f"/api/mentorships/{ms}", robin)
    c("mentorship as stranger", "GET", f"/api/mentorships/{ms}", sam)
    c("agreement: bad", "PUT", f"/api/mentorships/{ms}/agreement", robin, body={"goals": "", "end_date": "soon"})
    c("agreement", "PUT", f"/api/mentorships/{ms}/agreement", robin,
      body={"goals": "Lead a project", "steps": "Shadow a lead", "schedule": "Monthly, an hour",
            "end_date": "2030-01-31", "off_limits": "Salaries"})
    c("confirm: stale", "POST", f"/api/mentorships/{ms}/agreement/confirm", maria, body={"version": 99})
    c("confirm: bad", "POST", f"/api/mentorships/{ms}/agreement/confirm", maria, body={"version": "one"})
    c("confirm", "POST", f"/api/mentorships/{ms}/agreement/confirm", maria, body={"version": 1})
    c("meeting: bad", "POST", f"/api/mentorships/{ms}/meetings", robin, body={"date": "tomorrow", "minutes": 100000})
    c("meeting: future", "POST", f"/api/mentorships/{ms}/meetings", robin, body={"date": "2099-01-01", "minutes": 60})
    today = time.strftime("%Y-%m-%d", time.gmtime())
    c("meeting", "POST", f"/api/mentorships/{ms}/meetings", robin,
      body={"date": today, "minutes": 90, "topic": "Getting started"})
    # One meeting only: two on one date are listed in the order of their random ids.
    c("meeting by mentor: bad", "POST", f"/api/mentorships/{ms}/meetings", maria, body={"date": today, "minutes": 0})
    c("mentorship with meetings", "GET", f"/api/mentorships/{ms}", maria)
    c("end: bad", "POST", f"/api/mentorships/{ms}/end", robin, body={"outcome": "done"})
    c("end", "POST", f"/api/mentorships/{ms}/end", robin, body={"outcome": "completed", "reason": "Goals met."})
    c("end again", "POST", f"/api/mentorships/{ms}/end", maria, body={"outcome": "completed", "reason": "x"})
    c("meeting after end", "POST", f"/api/mentorships/{ms}/meetings", robin, body={"date": today, "minutes": 30})
    c("mentorships after end", "GET", "/api/mentorships", robin)

    c("survey of active", "GET", f"/api/surveys/{ms2}", robin)
    c("survey", "GET", f"/api/surveys/{ms}", robin)
    c("survey as stranger", "GET", f"/api/surveys/{ms}", sam)
    c("survey: bad", "POST", f"/api/surveys/{ms}", robin, body={"satisfaction": 9, "cadence": "daily"})
    survey = {"satisfaction": 5, "goals_met": "yes", "meetings": 2, "cadence": "monthly",
              "would_recommend": True, "went_well": "Everything", "improve": "", "platform_feedback": "Nice"}
    c("answer survey", "POST", f"/api/surveys/{ms}", robin, body=survey)
    c("answer survey again", "POST", f"/api/surveys/{ms}", robin, body=survey)
    c("mentor's survey", "GET", f"/api/surveys/{ms}", maria)
    c("answer mentor survey", "POST", f"/api/surveys/{ms}", maria, body=dict(survey, satisfaction=4, goals_met="partly"))
    c("survey answered", "GET", f"/api/surveys/{ms}", robin)

    for who, cookie in [("robin", robin), ("dana", dana), ("admin", admin)]:
        c(f"metrics as {who}", "GET", "/api/admin/metrics", cookie)
    c("metrics bad quarter", "GET", "/api/admin/metrics?quarter=2026-Q9", admin)
    for name in ["applications", "mentorships", "meetings", "surveys"]:
        c(f"export {name} as admin", "GET", f"/api/admin/exports/{name}.csv", admin)
        c(f"export {name} as dana", "GET", f"/api/admin/exports/{name}.csv", dana)
    c("export unknown", "GET", "/api/admin/exports/nope.csv", admin)
    c("export as robin", "GET", "/api/admin/exports/applications.csv", robin)
    c("audit application", "GET", f"/api/admin/audit/applications/{mentee['id']}", admin)
    c("audit request", "GET", f"/api/admin/audit/requests/{to_priya['id']}", admin)
    c("audit mentorship", "GET", f"/api/admin/audit/mentorships/{ms}", admin)
    c("audit bad kind", "GET", f"/api/admin/audit/things/{ms}", admin)
    c("audit as dana", "GET", f"/api/admin/audit/mentorships/{ms}", dana)
    c("person", "GET", "/api/admin/people?email=robin.journey@mo.gov", admin)
    c("person bad", "GET", "/api/admin/people?email=nope", admin)
    c("person as dana", "GET", "/api/admin/people?email=robin.journey@mo.gov", dana)
    c("dept admins", "GET", "/api/admin/department-admins", admin)
    c("add dept admin: bad", "POST", "/api/admin/department-admins", admin, body={"email": "x", "department": "y"})
    c("add dept admin", "POST", "/api/admin/department-admins", admin,
      body={"email": "drew.admin@mo.gov", "department": "transportation"})
    c("add dept admin again", "POST", "/api/admin/department-admins", admin,
      body={"email": "drew.admin@mo.gov", "department": "transportation"})
    c("add dept admin as dana", "POST", "/api/admin/department-admins", dana,
      body={"email": "drew.admin@mo.gov", "department": "revenue"})
    c("dept admins after", "GET", "/api/admin/department-admins", admin)
    c("remove dept admin", "DELETE", "/api/admin/department-admins/transportation/drew.admin@mo.gov", admin)
    c("remove dept admin again", "DELETE", "/api/admin/department-admins/transportation/drew.admin@mo.gov", admin)
    c("matching preview", "POST", "/api/admin/matching/preview", admin)
    c("matching preview as dana", "POST", "/api/admin/matching/preview", dana)
    c("matching publish", "POST", "/api/admin/matching/publish", admin)
    c("matching publish again", "POST", "/api/admin/matching/publish", admin)
    jordan = j.sign_in("jordan.baker@mo.gov")
    c("suggestions after publish", "GET", "/api/suggestions", jordan)
    c("erasure status", "GET", "/api/privacy/erasure", jordan)
    c("erasure request", "POST", "/api/privacy/erasure", jordan, body={"note": "Please remove my records."})
    c("erasure request again", "POST", "/api/privacy/erasure", jordan, body={})
    c("erasure status after", "GET", "/api/privacy/erasure", jordan)
    c("erasure request: bad", "POST", "/api/privacy/erasure", robin, body={"note": 5})
    c("erasures", "GET", "/api/admin/erasures", admin)
    c("erasures as dana", "GET", "/api/admin/erasures", dana)
    c("erase unknown", "POST", "/api/admin/erasures/nobody@mo.gov", admin)
    c("erase robin (blocked)", "POST", "/api/privacy/erasure", robin, body={})
    c("erase robin", "POST", "/api/admin/erasures/robin.journey@mo.gov", admin)
    c("erase jordan", "POST", "/api/admin/erasures/jordan.baker@mo.gov", admin)
    c("erasures after", "GET", "/api/admin/erasures", admin)
    c("no route", "GET", "/api/nothing", admin)
    c("wrong method", "DELETE", "/api/me", admin)
    c("cross-origin", "POST", "/api/privacy/erasure", robin, body={}, origin="https://evil.example")
    c("sign out", "POST", "/api/auth/signout", robin)


def compare(a_path, b_path):
    a = json.loads(Path(a_path).read_text())
    b = json.loads(Path(b_path).read_text())
    differ = 0
    if len(a) != len(b):
        print(f"{len(a)} answers against {len(b)}")
    for x, y in zip(a, b):
        if x != y:
            differ += 1
            print(f"--- {x['call']}\n  {json.dumps(x, sort_keys=True)[:3000]}\n+++ {y['call']}\n  {json.dumps(y, sort_keys=True)[:3000]}\n")
    print(f"{len(a)} answers, {differ} differ")
    return 1 if differ or len(a) != len(b) else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data_dir = tempfile.mkdtemp(prefix="moments-journey-")
    child, base = start_platform(data_dir)
    journey = Journey(base)
    try:
        walk(journey)
    except Exception:
        for answer in journey.answers[-3:]:
            print(json.dumps(answer)[:2000], file=sys.stderr)
        raise
    finally:
        child.terminate()
        child.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    Path(sys.argv[1]).write_text(json.dumps(journey.answers, indent=1) + "\n")
    print(f"{len(journey.answers)} answers written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
