#!/usr/bin/env bash
# Runs every test of MOments from a fresh clone: formatting, lints, the
# dependencies' licences, banned crates and sources (cargo deny), domain
# unit and property tests, API scenarios against the local platform, and the
# adapter conformance suite against the embedded store and against AWS
# stand-ins (moto server on 127.0.0.1, installed here into .venv and started
# and stopped by this script; sign-in through an OpenID Connect provider
# against oauth2-mock-server on 127.0.0.1, installed by npm and started
# here), the deployment template (cfn-lint and
# `sam validate --lint`, offline; a rehearsal deploying moments-dev and
# moments-prod in one account on moto: both complete, no name shared, every
# HttpApi event routed; and tests/deploy: every route and schedule in
# template.yaml reaches a function that handles it), schemathesis over
# every operation of the OpenAPI document as each role, and browser journeys
# and page checks (axe-core on every page signed out and as each role, page
# weight, internal links, phone width, layout shift, keyboard focus,
# screenshots) in Debian's chromium driven by playwright-core (both installed
# here when missing). Needs only what a new machine has: Rust, Python 3,
# Node.js and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
CFN_LINT_VERSION="1.58.0"
SAM_CLI_VERSION="1.170.0"
SCHEMATHESIS_VERSION="4.32.5"
CARGO_DENY_VERSION="0.20.2"
PYTHON_TOOLS=("moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION" "aws-sam-cli==$SAM_CLI_VERSION" "schemathesis==$SCHEMATHESIS_VERSION")
# Each step says how long the run has taken so far, so a slow step shows.
say() { printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
# A one-off build gains nothing from incremental caches, which would take
# another gigabyte or more of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

say "Checking formatting (cargo fmt --check)"
cargo fmt --all -- --check

say "Linting every crate and test (cargo clippy -- -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

if ! target/tools/bin/cargo-deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION\$"; then
  say "Installing cargo-deny $CARGO_DENY_VERSION into target/tools (from crates.io; one-time, about 2 minutes)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked --root target/tools --quiet
fi
# cargo deny reads every package of Cargo.lock, those of other platforms
# too (Windows, Android), which no build here downloads.
say "Fetching every locked dependency's source, all platforms (cargo fetch; for cargo deny)"
cargo fetch --locked --quiet
say "Checking dependencies' licences, banned crates and sources (cargo deny; advisories run in GitHub CI)"
target/tools/bin/cargo-deny --offline check licenses bans sources

installed() {
  .venv/bin/python - "$@" <<'PY'
import importlib.metadata, re, sys
for spec in sys.argv[1:]:
    name, version = re.sub(r"\[.*\]", "", spec).split("==")
    if importlib.metadata.version(name) != version:
        sys.exit(1)
PY
}
if ! installed "${PYTHON_TOOLS[@]}" 2>/dev/null; then
  say "Installing ${PYTHON_TOOLS[*]} into .venv (stand-ins for DynamoDB, SES and Scheduler; template checks; API fuzzing; one-time)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
fi

say "Linting template.yaml and infra/waf.yaml (cfn-lint $CFN_LINT_VERSION)"
.venv/bin/cfn-lint template.yaml infra/waf.yaml
say "Validating template.yaml (sam validate --lint; offline, no AWS account needed)"
SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 .venv/bin/sam validate --lint
say "Checking the deployment rehearsal's own expansion and collision checks (infra/rehearse.py --self-test)"
.venv/bin/python infra/rehearse.py --self-test

say "Checking the deploy role's policy in docs/deploy.md against template.yaml (infra/deploy_policy.py)"
.venv/bin/python infra/deploy_policy.py --check

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "Starting moto server on 127.0.0.1:$port (log: target/moto.log)"
mkdir -p target
.venv/bin/python infra/moto_server.py 127.0.0.1 "$port" >target/moto.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then echo "moto server exited; see target/moto.log" >&2; exit 1; fi
  sleep 0.2
done
export MOMENTS_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"

say "Rehearsing the deployment: moments-dev and moments-prod in one account on moto (infra/rehearse.py)"
.venv/bin/python infra/rehearse.py
# The rehearsal's resources live in an account of their own; the tests
# start from an empty moto all the same.
curl -fsS -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null

say "Installing playwright-core, axe-core and oauth2-mock-server (npm ci in tests/e2e)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
say "Starting the loopback OpenID Connect provider, the state identity provider's stand-in (tests/e2e/oidc-provider.mjs; log: target/oidc.log)"
node tests/e2e/oidc-provider.mjs >target/oidc.log 2>&1 &
oidc_pid=$!
trap 'kill "$moto_pid" "$oidc_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if grep -q '^issuer=' target/oidc.log; then break; fi
  if ! kill -0 "$oidc_pid" 2>/dev/null; then echo "the OpenID Connect provider exited; see target/oidc.log" >&2; exit 1; fi
  sleep 0.2
done
MOMENTS_TEST_OIDC_ISSUER="$(sed -n 's/^issuer=//p' target/oidc.log)"
export MOMENTS_TEST_OIDC_ISSUER

# One build for the tests and the local platform: built apart, the local
# platform's dependencies resolve to other features (dev-dependencies are
# left out) and about seventy crates would compile twice.
say "Building every crate, its tests and the local platform, with one feature set (cargo build --bins --tests)"
cargo build --workspace --bins --tests --locked
say "Running every test (cargo nextest run --workspace)"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

if [ ! -x /usr/bin/chromium ]; then
  say "Installing Debian's chromium for the browser journeys (apt-get; one-time)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
say "Smoke-checking the local platform as a deployment is checked (infra/smoke.sh)"
smoke_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
smoke_data=$(mktemp -d)
PORT="$smoke_port" MOMENTS_DATA_DIR="$smoke_data" RUST_LOG=error target/debug/moments-local >target/smoke-platform.log 2>&1 &
smoke_pid=$!
trap 'kill "$moto_pid" "$oidc_pid" "$smoke_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$smoke_port/" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
infra/smoke.sh "http://127.0.0.1:$smoke_port"
kill "$smoke_pid" 2>/dev/null || true
rm -rf "$smoke_data"
say "Fuzzing every API operation as each role (schemathesis $SCHEMATHESIS_VERSION; reports in target/schemathesis/)"
.venv/bin/python tests/fuzz/run.py --max-examples 25
say "Running the browser journeys and page checks (node --test in tests/e2e; screenshots in tests/e2e/screenshots)"
(cd tests/e2e && npm test)
say "Every test passed"
