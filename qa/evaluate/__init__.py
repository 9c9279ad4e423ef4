"""Batch evaluation (`qa eval`): read a question file, ask every question, score, write results/summary/report.

- `questions.py` — JSONL/CSV question files → typed records, bad rows reported by line, never fatal;
- `metrics.py`   — pure metric functions (hit@k, MRR, answer keys, char-F1, refusal P/R, percentiles);
- `runner.py`    — runs the assistant over the questions, writes `results.jsonl` line by line, `summary.json`;
- `report.py`    — the self-contained `report.html` (inline CSS and SVG, no scripts, no external URLs).
"""

from qa.evaluate.questions import EvalError, EvalQuestion, RowError, read_questions

__all__ = ["EvalError", "EvalQuestion", "RowError", "read_questions"]
