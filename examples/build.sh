#!/usr/bin/env bash
# Builds every example hook into pb_hooks/ (or the folder given as $1):
#   examples/rust-slugify -> rust_slugify.wasm, examples/rust-audit -> rust_audit.wasm
#   (wasm32-wasip1, size-optimised `release-wasm` profile), and examples/as-hello -> as_hello.wasm
#   (AssemblyScript, the `assemblyscript` compiler from npm, `--runtime stub`).
# With --fixtures, also the hooks tests' fixture module (tests/hooks-fixtures/rust-misbehave ->
# fx_misbehave.wasm). AssemblyScript outputs newer than their sources are not rebuilt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/pb_hooks"
fixtures=false
for arg in "$@"; do
  case "$arg" in
    --fixtures) fixtures=true ;;
    *) out="$arg" ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1; then
  rustup target add wasm32-wasip1
fi
cd "$root"

packages=(-p example-rust-slugify -p example-rust-audit)
$fixtures && packages+=(-p fixture-rust-misbehave)
cargo build --quiet --locked "${packages[@]}" --target wasm32-wasip1 --profile release-wasm
built="${CARGO_TARGET_DIR:-$root/target}/wasm32-wasip1/release-wasm"
cp "$built/example_rust_slugify.wasm" "$out/rust_slugify.wasm"
cp "$built/example_rust_audit.wasm" "$out/rust_audit.wasm"
$fixtures && cp "$built/fixture_rust_misbehave.wasm" "$out/fx_misbehave.wasm"

if [ ! -x node_modules/.bin/asc ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
as_build() { # source dir, output file
  local src="$1" target="$2"
  if [ -f "$target" ] && [ -z "$(find "$src" sdk-guest/assemblyscript/assembly -newer "$target" -name '*.ts' -print -quit)" ]; then
    return
  fi
  node_modules/.bin/asc "$src/assembly/index.ts" -o "$target.tmp" -O3 --runtime stub
  mv "$target.tmp" "$target"
}
as_build examples/as-hello "$out/as_hello.wasm"

echo "example hooks built into $out: $(cd "$out" && ls ./*.wasm | xargs -n1 basename | tr '\n' ' ')"
