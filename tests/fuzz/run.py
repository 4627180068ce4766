#!/usr/bin/env python3
"""Schemathesis against the local platform, once per role.

Starts the loopback OpenID Connect provider (tests/e2e/oidc-provider.mjs)
and `target/debug/moments-local` with demo data on a free loopback port,
administrators required to sign in through that provider. Signs each role
in the way a person does: participants ask for a link, read it from the
local outbox and post its token; administrators go through the provider's
redirects. Then runs schemathesis over every operation of
/api/openapi.json with that role's session cookie, in two lanes side by
side, each with a platform of its own. Checks: no
5xx, every answer's status, content type and body as the document says.
Prints the cases run per role and exits non-zero on any failure.

Usage: tests/fuzz/run.py [--max-examples N] (schemathesis from .venv).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(os.environ.get("SCHEMATHESIS", ROOT / ".venv" / "bin" / "schemathesis"))
BINARY = ROOT / "target" / "debug" / "moments-local"

# Administrators sign in through the identity provider (they must).
THROUGH_PROVIDER = {"department_admin", "program_admin"}

# Who signs in for each run (the demo data of infra/local/src/demo.rs).
ROLES = {
    "anonymous": None,
    "applicant": "alex.nguyen@mo.gov",
    "mentor": "maria.okafor@mo.gov",
    "supervisor": "sam.rivera@mo.gov",
    "department_admin": "dana.admin@mo.gov",
    "program_admin": "admin@mo.gov",
}
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def start_provider():
    """The loopback OpenID Connect provider, and its issuer."""
    child = subprocess.Popen(["node", str(ROOT / "tests" / "e2e" / "oidc-provider.mjs")],
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    found = re.match(r"issuer=(http://127\.0\.0\.1:\d+)", line or "")
    if not found:
        child.kill()
        sys.exit(f"the OpenID Connect provider did not start: {line!r} (npm ci in tests/e2e?)")
    return child, found.group(1)


def start_platform(data_dir, issuer):
    env = dict(os.environ, PORT="0", MOMENTS_DEMO="1", MOMENTS_DATA_DIR=data_dir, RUST_LOG="error",
               MOMENTS_OIDC_ISSUER=issuer, MOMENTS_OIDC_CLIENT_ID="moments-fuzz",
               MOMENTS_OIDC_CLIENT_SECRET="fuzz-secret", MOMENTS_ADMINS_USE_PROVIDER="true")
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


def post(base, path, body, cookie=None):
    headers = {"Content-Type": "application/json", "Origin": base}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=headers)
    return urllib.request.urlopen(request)


def call(base, method, path, cookie, body=None):
    """A JSON answer of the API, as `cookie`'s owner."""
    headers = {"Origin": base, "Cookie": cookie, "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def sign_in(base, email):
    """The session cookie of `email`, through the emailed link."""
    post(base, "/api/auth/link", {"email": email})
    with urllib.request.urlopen(base + "/_local/outbox.json") as r:
        outbox = json.load(r)
    text = next(m["text"] for m in outbox if m["to"] == email)
    token = re.search(r"/signin/confirm/#token=([A-Za-z0-9_-]+)", text).group(1)
    with post(base, "/api/auth/session", {"token": token}) as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("moments_session="), cookie
    return cookie


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def step(url, cookie=None):
    """One request, its redirect not followed: (Location, Set-Cookie)."""
    opener = urllib.request.build_opener(NoRedirects)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        opener.open(request)
    except urllib.error.HTTPError as answer:
        if answer.code in (302, 303):
            return answer.headers["Location"], answer.headers.get_all("Set-Cookie") or []
        raise
    sys.exit(f"{url} did not redirect")


def sign_in_with_provider(base, email):
    """The session cookie of `email`, through the identity provider."""
    to_provider, cookies = step(base + "/api/auth/oidc?" + urllib.parse.urlencode({"login_hint": email}))
    state = next(c.split(";")[0] for c in cookies if c.startswith("moments_oidc="))
    callback, _ = step(to_provider)
    after, cookies = step(base + urllib.parse.urlsplit(callback)._replace(scheme="", netloc="").geturl(), state)
    assert after == "/my/applications/", after
    cookie = next(c.split(";")[0] for c in cookies if c.startswith("moments_session="))
    return cookie


def records(base, cookies):
    """Give the fuzzing real records to reach, through the API: Alex's
    application approved, an active mentorship with Maria, an ended one
    with Priya (its survey open), a pending request to James, Jordan's
    request to remove his data, and Drew appointed administrator of
    Transportation (for the program administrator to remove). Returns, per
    path pattern, the value each parameter of its operations gets."""
    sam, alex, maria, admin = (cookies[role] for role in ("supervisor", "applicant", "mentor", "program_admin"))
    queue = call(base, "GET", "/api/reviews", sam)["supervisor"]["pending"]
    application = next(a["id"] for a in queue if a["email"] == ROLES["applicant"])
    call(base, "POST", f"/api/applications/{application}/decision", sam, {"outcome": "approve"})
    mentors = {m["first_name"]: m["id"] for m in call(base, "GET", "/api/mentors", alex)["mentors"]}

    def matched(mentor_cookie, first_name):
        request = call(base, "POST", "/api/requests", alex, {"mentor": mentors[first_name]})
        return call(base, "POST", f"/api/requests/{request['id']}/accept", mentor_cookie)["mentorship"]["id"]

    active = matched(maria, "Maria")
    ended = matched(sign_in(base, "priya.shah@mo.gov"), "Priya")
    call(base, "POST", f"/api/mentorships/{ended}/end", alex, {"outcome": "completed", "reason": "We met our goals."})
    pending = call(base, "POST", "/api/requests", alex, {"mentor": mentors["James"]})["id"]
    jordan = "jordan.baker@mo.gov"
    call(base, "POST", "/api/privacy/erasure", sign_in(base, jordan), {"note": "Please remove my records."})
    drew = {"email": "drew.admin@mo.gov", "department": "transportation"}
    call(base, "POST", "/api/admin/department-admins", admin, drew)
    return {
        "^/api/applications/": {"path.id": application},
        "^/api/mentors/": {"path.id": mentors["Maria"]},
        "^/api/requests/": {"path.id": pending},
        "^/api/mentorships/": {"path.id": active},
        "^/api/surveys/": {"path.id": ended},
        "^/api/admin/audit/": {"path.kind": "mentorships", "path.id": active},
        "^/api/admin/people$": {"query.email": ROLES["applicant"]},
        "^/api/admin/department-admins/": {"path.department": drew["department"], "path.email": drew["email"]},
        "^/api/admin/erasures/": {"path.email": jordan},
        # The program administrator's run comes last: ending the active
        # mentorship and revoking the application change no other role's run.
        "^/api/admin/mentorships/": {"path.id": active},
        "^/api/admin/applications/": {"path.id": application},
    }


def config_file(parameters, directory):
    """A schemathesis config giving the parameters of each path pattern's
    operations real values."""
    lines = []
    for pattern, values in parameters.items():
        pairs = ", ".join(f'"{name}" = "{value}"' for name, value in values.items())
        lines += ["[[operations]]", f'include-path-regex = "{pattern}"', f"parameters = {{ {pairs} }}", ""]
    path = directory / "schemathesis.toml"
    path.write_text("\n".join(lines))
    return path


def run_role(base, role, cookie, max_examples, report_dir, work_dir, config):
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "run", f"{base}/api/openapi.json",
        "--checks", CHECKS,
        "--max-examples", str(max_examples),
        "--phases", "examples,coverage,fuzzing",
        "--seed", "8",
        # One worker: hypothesis is not thread-safe when it describes strategies.
        "--workers", "1",
        "--no-color",
        "--header", f"Origin: {base}",
        "--report", "junit",
        "--report-junit-path", str(report_dir / f"{role}.xml"),
    ]
    if cookie:
        # Signing out deletes the session, which would turn every later
        # case of the run into a 401; it is fuzzed in the anonymous run.
        command += ["--header", f"Cookie: {cookie}", "--exclude-path", "/api/auth/signout"]
    started = time.time()
    # In target/, one directory per lane: schemathesis keeps a cache in its
    # working directory.
    result = subprocess.run(command, capture_output=True, text=True, cwd=work_dir)
    output = result.stdout + result.stderr
    cases = sum(int(n) for n in re.findall(r"(\d+) generated", output)) or None
    return result.returncode, output, cases, time.time() - started


# Roles fuzzed side by side, each lane on a platform of its own; within a
# lane in this order (the program administrator's run, which ends and
# revokes records, comes last in its lane).
LANES = [["anonymous", "applicant", "mentor"], ["supervisor", "department_admin", "program_admin"]]


def run_lane(roles, issuer, max_examples, report_dir):
    """Fuzzes `roles` in turn on a platform of their own; returns those that failed."""
    data_dir = tempfile.mkdtemp(prefix="moments-fuzz-")
    lane_dir = report_dir / roles[0]
    lane_dir.mkdir(parents=True, exist_ok=True)
    child, base = start_platform(data_dir, issuer)
    failed = []
    try:
        # Everyone signs in first: the fuzzing itself asks for sign-in links
        # and soon reaches the per-source limit.
        cookies = {
            role: None if not email
            else sign_in_with_provider(base, email) if role in THROUGH_PROVIDER
            else sign_in(base, email)
            for role, email in ROLES.items()
        }
        config = config_file(records(base, cookies), lane_dir)
        for role in roles:
            email, cookie = ROLES[role], cookies[role]
            if cookie:
                # Sessions end when unused (administrators' after 30
                # minutes): one request now keeps this one alive.
                call(base, "GET", "/api/me", cookie)
            code, output, cases, seconds = run_role(base, role, cookie, max_examples, report_dir, lane_dir, config)
            (report_dir / f"{role}.log").write_text(output)
            how = " (provider)" if role in THROUGH_PROVIDER else ""
            print(f"{role:17} {(email or '(no session)') + how:33} cases: {cases}  {seconds:5.0f} s  "
                  f"{'ok' if code == 0 else 'FAILED'}", flush=True)
            if code != 0:
                failed.append(role)
                print(output[-6000:], flush=True)
    finally:
        child.terminate()
        child.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    return failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    args = parser.parse_args()
    report_dir = ROOT / "target" / "schemathesis"
    report_dir.mkdir(parents=True, exist_ok=True)
    assert sorted(r for lane in LANES for r in lane) == sorted(ROLES), "every role in one lane"
    provider, issuer = start_provider()
    try:
        with ThreadPoolExecutor(max_workers=len(LANES)) as pool:
            lanes = [pool.submit(run_lane, roles, issuer, args.max_examples, report_dir) for roles in LANES]
            failed = [role for lane in lanes for role in lane.result()]
    finally:
        provider.terminate()
        provider.wait()
    if failed:
        sys.exit(f"schemathesis found failures as: {', '.join(failed)} (logs in target/schemathesis/)")


if __name__ == "__main__":
    main()
