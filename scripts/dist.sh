#!/usr/bin/env bash
# Prepares the container image's files in dist/ (or the folder given as $1), laid out as the
# image's root file system: a static (musl) `wasmbase` built in release mode and stripped, the
# example hooks, CA certificates for outbound TLS, and a passwd/group naming the image's user.
# The Dockerfile's `builder` stage runs this same script; `podman build --target
# runtime-prebuilt .` packages the dist/ that this script left on the host.
#
# Needs: rustup (the script adds the x86_64-unknown-linux-musl and wasm32-wasip1 targets),
# musl-tools (libsql's C code is compiled with x86_64-linux-musl-gcc), binutils (strip),
# ca-certificates.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/dist}"
target=x86_64-unknown-linux-musl
uid=65532

cd "$root"
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  rustup target add "$target"
fi
if ! command -v x86_64-linux-musl-gcc >/dev/null 2>&1 && ! command -v musl-gcc >/dev/null 2>&1; then
  echo "dist.sh: x86_64-linux-musl-gcc not found: install musl-tools (apt-get install musl-tools)" >&2
  exit 1
fi
# The CA certificates Debian ships (Mozilla's set), not this machine's bundle, which may hold
# local additions (a company or sandbox proxy); CA_BUNDLE=FILE picks another bundle.
mozilla=/usr/share/ca-certificates/mozilla
if [ -z "${CA_BUNDLE:-}" ] && ! compgen -G "$mozilla/*.crt" >/dev/null; then
  echo "dist.sh: no certificates in $mozilla: install ca-certificates (or set CA_BUNDLE)" >&2
  exit 1
fi

cargo build --release --locked -p wasmbase --target "$target"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
binary="${target_dir:-$root/target}/$target/release/wasmbase"

# Start from an empty folder so nothing stale is packaged.
case "$out" in /|"$root"|"") echo "dist.sh: refusing to clear $out" >&2; exit 1 ;; esac
rm -rf "$out"
mkdir -p "$out/usr/local/bin" "$out/etc/ssl/certs" "$out/pb_data" "$out/pb_hooks" \
  "$out/pb_public" "$out/tmp"
chmod 1777 "$out/tmp"
cp "$binary" "$out/usr/local/bin/wasmbase"
strip "$out/usr/local/bin/wasmbase"
if readelf -l "$out/usr/local/bin/wasmbase" | grep -q 'Requesting program interpreter'; then
  echo "dist.sh: $binary is dynamically linked; the image has no libc" >&2
  exit 1
fi
if [ -n "${CA_BUNDLE:-}" ]; then
  cp "$CA_BUNDLE" "$out/etc/ssl/certs/ca-certificates.crt"
else
  cat "$mozilla"/*.crt >"$out/etc/ssl/certs/ca-certificates.crt"
fi
printf 'root:x:0:0:root:/:/sbin/nologin\nwasmbase:x:%s:%s:wasmbase:/pb_data:/sbin/nologin\n' \
  "$uid" "$uid" >"$out/etc/passwd"
printf 'root:x:0:\nwasmbase:x:%s:\n' "$uid" >"$out/etc/group"
examples/build.sh "$out/pb_hooks"
echo "dist.sh: image files in $out ($(du -sh "$out" | cut -f1))"
