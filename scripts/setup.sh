#!/usr/bin/env bash
# Create .venv and install the project. torch==2.13.0 (CPU wheel) is installed first so that
# sentence-transformers does not pull the multi-GB CUDA build. Re-running is quick: it reinstalls
# only when pyproject.toml changed since the last successful setup.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.setup-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q torch==2.13.0
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.setup-* && touch "$stamp"
fi
