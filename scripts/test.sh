#!/usr/bin/env bash
# The whole test suite: format and lint gates, the example hooks, Rust unit/integration/
# differential tests (pocketbase-ref must be installed: scripts/install-pocketbase-ref.sh), the
# JS SDK tests (needs `npm ci`; the realtime ones also run against pocketbase-ref), the Python
# SDK tests (tests/python/run.sh makes their venv) and the container image test (podman, runc,
# musl-tools, hadolint: scripts/container-test.sh). .ci/run installs everything, then calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "example hooks"
examples/build.sh
step "build the server"
cargo build -p wasmbase --locked
step "Rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
cargo test --doc --workspace --locked
step "JS SDK tests"
npm run --silent test:js
WASMBASE_JS_TARGET=pocketbase-ref node --test tests/js/realtime.test.mjs
step "Python SDK tests"
tests/python/run.sh
step "container image (podman)"
scripts/container-test.sh
step "all tests passed"
