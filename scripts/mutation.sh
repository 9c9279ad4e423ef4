#!/usr/bin/env bash
# Mutation testing of chosen modules (mutmut; CPU-heavy, so always at the lowest priority and one mutant at a time
# unless MUTATION_JOBS says otherwise). Not part of CI: run it by hand or weekly, e.g.
#   bash scripts/mutation.sh qa/answer/tables.py qa/ingest/clean.py
#   MUTATION_SAMPLE=60 bash scripts/mutation.sh qa/answer/compose.py   (60 mutants drawn with a fixed seed)
#   bash scripts/mutation.sh --survivors qa/answer/compose.py          (only the last run's survivors, current tests)
# Summary in .mutation/summary.md; how to read it and the latest scores: README, "Mutation testing".
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || { echo "用法：bash scripts/mutation.sh 模块文件…（例如 qa/answer/tables.py）" >&2; exit 2; }
nice -n 19 bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE
exec nice -n 19 .venv/bin/python scripts/mutation.py "$@"
