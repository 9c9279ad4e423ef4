"""How often follow-up resolution (`qa.understand.followup`) is right: `python -m qa.evaluate.followup_rates`.

- **False rewrites**: every standalone question of the evaluation sets (the dev set, the CMRC trial set's
  question texts, `eval/report_*.jsonl`) is asked after another question — the one before it in its file and two
  fixed openers of the issue that found the defect — and must come back unchanged. Target 0.
- **Hits**: each real elliptic follow-up of `eval/followups.jsonl` (`previous`, `q`, `expected`) must be
  rewritten into exactly `expected`. Target ≥ 0.9.

The numbers are README's; `tests/test_followup_rates.py` holds them to the targets.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from qa.config import PROJECT_ROOT
from qa.segment.tokenizer import Segmenter
from qa.understand.followup import rewrite_followup

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
FOLLOWUPS = PROJECT_ROOT / "eval" / "followups.jsonl"
#: Questions a conversation may well have started with (the issue's own example among them).
OPENERS = ("寒武纪是哪一年成立的？", "海淀区的人工智能企业占比多少？")


@dataclass(frozen=True)
class FollowUp:
    previous: str
    q: str
    expected: str
    answer: tuple[str, ...] = ()


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def standalone_sets() -> dict[str, list[str]]:
    """Question texts by set name: the dev set, the CMRC trial set, each `eval/report_*.jsonl` (sets not on this
    machine are left out)."""
    sets: dict[str, list[str]] = {}
    dev = SHARED_EVAL / "dev_qa.jsonl"
    if dev.is_file():
        sets["dev_qa"] = [str(r["q"]) for r in _jsonl(dev)]
    cmrc = SHARED_EVAL / "cmrc2018_trial.json"
    if cmrc.is_file():
        articles = json.loads(cmrc.read_text(encoding="utf-8"))
        sets["cmrc2018_trial"] = [str(q["query_text"]) for a in articles for q in a["qas"]]
    for path in sorted((PROJECT_ROOT / "eval").glob("report_*.jsonl")):
        sets[path.stem] = [str(r["q"]) for r in _jsonl(path)]
    return sets


def false_rewrites(questions: list[str], segmenter: Segmenter) -> tuple[int, list[tuple[str, str, str]]]:
    """(pairs tried, [(previous, question, rewritten)]) for each question after the one before it and the openers."""
    tried = 0
    wrong: list[tuple[str, str, str]] = []
    for i, question in enumerate(questions):
        for previous in {*OPENERS, *questions[max(i - 1, 0):i]}:
            tried += 1
            asked = rewrite_followup(question, previous, segmenter)
            if asked != question:
                wrong.append((previous, question, asked))
    return tried, wrong


def read_followups(path: Path = FOLLOWUPS) -> list[FollowUp]:
    return [FollowUp(str(r["previous"]), str(r["q"]), str(r["expected"]), tuple(r.get("answer") or ()))
            for r in _jsonl(path)]


def misses(cases: list[FollowUp], segmenter: Segmenter) -> list[tuple[FollowUp, str]]:
    """The follow-ups not rewritten into their expected question, with what they became."""
    out = []
    for case in cases:
        asked = rewrite_followup(case.q, case.previous, segmenter)
        if asked != case.expected:
            out.append((case, asked))
    return out


def main() -> int:
    from qa.config import Settings
    from qa.pipeline import Assistant

    segmenter = Assistant(Settings(), show_progress=False).segmenter
    total_tried = total_wrong = 0
    for name, questions in standalone_sets().items():
        tried, wrong = false_rewrites(questions, segmenter)
        total_tried, total_wrong = total_tried + tried, total_wrong + len(wrong)
        print(f"{name}: {len(questions)} questions, {tried} pairs, {len(wrong)} rewritten")
        for previous, question, asked in wrong:
            print(f"  {previous} → {question} → {asked}")
    cases = read_followups()
    missed = misses(cases, segmenter)
    print(f"false rewrites: {total_wrong}/{total_tried}")
    print(f"follow-ups resolved: {len(cases) - len(missed)}/{len(cases)} = {(len(cases) - len(missed)) / len(cases):.2f}")
    for case, asked in missed:
        print(f"  {case.previous} + {case.q} → {asked} (expected {case.expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
