#!/usr/bin/env bash
# Cold-start benchmark of every function in template.yaml: builds each one
# and a minimal lambda_runtime hello-world with `cargo lambda build --release`
# (x86_64 here; AWS runs arm64 by default), then starts each bootstrap
# repeatedly against a local stand-in for the Lambda Runtime API and prints,
# per function, the median time from process start to its first request for
# work, its ratio to the hello-world, and the bootstrap's size. Loopback only:
# the functions get dummy settings and credentials, and their SDK calls go to
# a stand-in on 127.0.0.1 that refuses them. RUNS=N sets the number of starts
# (default 101; a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LAMBDA_VERSION="1.9.2"
# cargo-lambda's requirement on zig is unbounded; this one links our builds.
ZIG_VERSION="0.17.1"
if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('cargo-lambda') != '$CARGO_LAMBDA_VERSION' or m.version('ziglang') != '$ZIG_VERSION')" 2>/dev/null; then
  echo "==> Installing cargo-lambda $CARGO_LAMBDA_VERSION into .venv (with zig; one-time)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "cargo-lambda==$CARGO_LAMBDA_VERSION" "ziglang==$ZIG_VERSION"
fi
export PATH="$PWD/.venv/bin:$PATH"

binaries=$(sed -n 's/^ *Binary: *//p' template.yaml | sort -u)
bin_args=(--bin coldstart-hello)
for b in $binaries; do bin_args+=(--bin "$b"); done

echo "==> cargo lambda build --release --x86-64 ($(echo $binaries coldstart-hello | wc -w) bootstraps; a few minutes the first time)"
nice -n 10 cargo lambda build --release --x86-64 --locked "${bin_args[@]}"
echo "==> Building the runner"
cargo build --release --locked -p moments-coldstart --bin coldstart
echo "==> Starting each bootstrap ${RUNS:-101} times"
target/release/coldstart --runs "${RUNS:-101}" target/lambda coldstart-hello $binaries
