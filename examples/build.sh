#!/usr/bin/env bash
# Builds every example hook into pb_hooks/ (or the folder given as $1). Rust examples are
# compiled for wasm32-wasip1 with the size-optimised `release-wasm` profile.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/pb_hooks}"
mkdir -p "$out"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1; then
  rustup target add wasm32-wasip1
fi
cd "$root"
rust_examples=(minimal)
for example in "${rust_examples[@]}"; do
  cargo build --quiet --locked -p "example-$example" --target wasm32-wasip1 --profile release-wasm
  cp "target/wasm32-wasip1/release-wasm/example_${example//-/_}.wasm" "$out/rust_${example//-/_}.wasm"
done
echo "example hooks built into $out: $(cd "$out" && ls *.wasm | tr '\n' ' ')"
