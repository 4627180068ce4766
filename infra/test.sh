#!/usr/bin/env bash
# Runs every test of MOments from a fresh clone: formatting, lints, domain
# unit and property tests, API scenarios against the local platform, and the
# adapter conformance suite against the embedded store and against AWS
# stand-ins (moto server on 127.0.0.1, installed here into .venv and started
# and stopped by this script), and browser journeys in Debian's chromium
# driven by playwright-core (both installed here when missing). Needs only
# what a new machine has: Rust, Python 3, Node.js and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
say() { printf '\n==> %s\n' "$*"; }

say "Checking formatting (cargo fmt --check)"
cargo fmt --all -- --check

say "Linting every crate and test (cargo clippy -- -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

if ! .venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  say "Installing moto[server] $MOTO_VERSION into .venv (stand-in for DynamoDB and SES; one-time)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

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
say "Installing playwright-core and axe-core (npm ci in tests/e2e)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
say "Building the local platform for the browser journeys"
cargo build -p moments-local --locked
say "Running the browser journeys (node --test in tests/e2e)"
(cd tests/e2e && npm test)
