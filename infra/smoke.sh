#!/usr/bin/env bash
# Post-deploy check of MOments at BASE_URL: what only a running deployment
# shows, and what can be checked without signing in. Run it after every
# deploy (README, Deploying); the test command runs it against the local
# platform too, where the checks that only apply to AWS are reported as
# skipped.
#
# Usage: infra/smoke.sh BASE_URL [--api-url URL] [--email ADDRESS]
#   --api-url  the API's own address (the stack's ApiUrl output), which must
#              refuse requests that did not come through CloudFront
#   --email    an address of the program's domains to send a sign-in link to
#              (default: smoke-test@mo.gov; in AWS it really is emailed)
# Needs curl and python3. Exits 1 if any check fails.
set -uo pipefail

base="${1:?usage: infra/smoke.sh BASE_URL [--api-url URL] [--email ADDRESS]}"
base="${base%/}"
shift
api_url=""
email="smoke-test@mo.gov"
while [ $# -gt 0 ]; do
  case "$1" in
    --api-url) api_url="${2%/}"; shift 2 ;;
    --email) email="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$base" in
  http://127.0.0.1*|http://localhost*) local_platform=1 ;;
  *) local_platform=0 ;;
esac

failed=0
pass() { printf '  ok    %s\n' "$1"; }
fail() { printf '  FAIL  %s: %s\n' "$1" "$2"; failed=1; }
skip() { printf '  skip  %s (%s)\n' "$1" "$2"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# fetch NAME URL [curl args...]: headers in $tmp/NAME.h, body in $tmp/NAME.b,
# status printed.
fetch() {
  local name="$1" url="$2"
  shift 2
  curl -sS --max-time 20 -D "$tmp/$name.h" -o "$tmp/$name.b" -w '%{http_code}' "$@" "$url" 2>"$tmp/$name.e"
}
header() { grep -i "^$2:" "$tmp/$1.h" | tail -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

echo "Smoke check of $base"

# Pages: served, with the security headers CloudFront adds.
status="$(fetch home "$base/")"
if [ "$status" = 200 ] && grep -q "MOments" "$tmp/home.b"; then pass "the home page"; else fail "the home page" "HTTP $status"; fi
if [ "$local_platform" = 1 ]; then
  skip "security headers and CSP on pages" "added by CloudFront"
else
  for h in content-security-policy strict-transport-security x-content-type-options x-frame-options referrer-policy; do
    if [ -n "$(header home "$h")" ]; then pass "pages carry $h"; else fail "pages carry $h" "missing"; fi
  done
  case "$(header home content-security-policy)" in
    *"default-src 'self'"*) pass "the CSP allows this site only" ;;
    *) fail "the CSP allows this site only" "$(header home content-security-policy)" ;;
  esac
fi

# The API: personal answers are never stored; the document is served.
status="$(fetch me "$base/api/me")"
if [ "$status" = 401 ]; then pass "GET /api/me without a session is 401"; else fail "GET /api/me without a session is 401" "HTTP $status"; fi
case "$(header me cache-control)" in
  *no-store*) pass "API answers are no-store" ;;
  *) fail "API answers are no-store" "Cache-Control: $(header me cache-control)" ;;
esac
status="$(fetch doc "$base/api/openapi.json")"
if [ "$status" = 200 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d.get("openapi") != "3.1.0" or len(d["paths"]) < 30)' "$tmp/doc.b"; then
  pass "the OpenAPI document"
else
  fail "the OpenAPI document" "HTTP $status"
fi

# The calendar file calendar apps subscribe to, served live by the API.
status="$(fetch ics "$base/api/calendar.ics")"
if [ "$status" = 200 ] && head -c 200 "$tmp/ics.b" | grep -q "BEGIN:VCALENDAR"; then
  case "$(header ics content-type)" in
    text/calendar*) pass "the calendar feed" ;;
    *) fail "the calendar feed" "Content-Type: $(header ics content-type)" ;;
  esac
else
  fail "the calendar feed" "HTTP $status"
fi

# Around CloudFront, the API refuses.
if [ "$local_platform" = 1 ]; then
  skip "the API's own address refuses requests" "no CloudFront locally"
elif [ -z "$api_url" ]; then
  skip "the API's own address refuses requests" "give --api-url (the ApiUrl output)"
else
  status="$(fetch direct "$api_url/api/catalogue")"
  if [ "$status" = 403 ]; then pass "the API's own address refuses requests"; else fail "the API's own address refuses requests" "HTTP $status"; fi
fi

# Signing in starts: a link is asked for (and, in AWS, emailed).
status="$(fetch link "$base/api/auth/link" -X POST -H "Origin: $base" -H 'Content-Type: application/json' --data "{\"email\": \"$email\"}")"
if [ "$status" = 202 ]; then pass "a sign-in link for $email is accepted"; else fail "a sign-in link for $email is accepted" "HTTP $status: $(head -c 300 "$tmp/link.b" 2>/dev/null)"; fi

if [ "$failed" = 1 ]; then
  echo "Smoke check FAILED" >&2
  exit 1
fi
echo "Smoke check passed"
