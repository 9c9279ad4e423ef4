#!/usr/bin/env bash
# Create .venv and install the project with the exact versions of requirements.lock (reproducible; the lock
# pins torch==2.13.0+cpu so sentence-transformers never pulls the multi-GB CUDA build), then the project itself
# without resolving again. Re-running is quick: it reinstalls only when pyproject.toml or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.setup-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e '.[dev]'
  .venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; exit 1; }
  rm -f .venv/.setup-* && touch "$stamp"
fi
