#!/usr/bin/env bash
# Creates or updates .venv/ with the Python packages the test suite runs
# (api/test/python/requirements.txt). Idempotent: it reinstalls only when the
# requirements change. Run once by a developer; CI runs it from .ci/run.
# PYTHON chooses the interpreter the venv is made from (default python3).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
requirements="$root/api/test/python/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null; then
  echo "python-env: $python is not installed; the Python peer-client tests need Python 3.10 or later" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements"
  echo "$wanted" >"$stamp"
fi
