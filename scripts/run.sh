#!/usr/bin/env bash
# Set up (if needed), build the index of corpus/ once, then start the chat (http://127.0.0.1:7860).
# With arguments, answer that question on the terminal instead: bash scripts/run.sh 哪个区的人工智能企业最多？
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
if [ "$#" -gt 0 ]; then
  exec .venv/bin/qa ask "$*"
fi
exec .venv/bin/python ui.py
