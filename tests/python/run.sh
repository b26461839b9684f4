#!/usr/bin/env bash
# The Python SDK tests: every tests/python/*_test.py against the built wasmbase
# ($WASMBASE_BIN, else target/debug/wasmbase) and against pocketbase-ref. The SDK goes into a
# venv ($WASMBASE_PY_VENV, else .venv-ci, the one .ci/run makes), created once and reused;
# pip does not go to the network when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${WASMBASE_PY_VENV:-.venv-ci}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements.txt
# Absolute: the tests start servers in their own working directories.
wasmbase="$(realpath "${WASMBASE_BIN:-target/debug/wasmbase}")"
reference="$(command -v pocketbase-ref)"
for test in tests/python/*_test.py; do
  for server in "$wasmbase" "$reference"; do
    "$venv/bin/python" "$test" "$server"
  done
done
