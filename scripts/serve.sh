#!/usr/bin/env bash
# Runs wasmbase on http://127.0.0.1:8090 with pb_data/ and the example hooks in pb_hooks/.
# Extra arguments go to `wasmbase serve` (e.g. --http=0.0.0.0:8090).
set -euo pipefail
cd "$(dirname "$0")/.."
examples/build.sh pb_hooks
cargo build --release --locked -p wasmbase
exec target/release/wasmbase serve --dir=pb_data --hooksDir=pb_hooks "$@"
