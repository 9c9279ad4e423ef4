"""Follow-up resolution measured on the evaluation sets (the README's numbers): no standalone question is
rewritten after another question, and the real elliptic follow-ups of eval/followups.jsonl resolve."""

from __future__ import annotations

from qa.pipeline import Assistant
from qa.evaluate.followup_rates import false_rewrites, misses, read_followups, standalone_sets

#: The share of eval/followups.jsonl that must resolve to exactly the expected question.
MIN_HIT_RATE = 0.9


def test_no_standalone_question_is_rewritten(assistant: Assistant) -> None:
    sets = standalone_sets()
    assert {"dev_qa", "cmrc2018_trial", "report_train"} <= set(sets)   # the shared sets are on CI's machine too
    for name, questions in sets.items():
        tried, wrong = false_rewrites(questions, assistant.segmenter)
        assert tried >= len(questions) and wrong == [], name


def test_elliptic_follow_ups_resolve(assistant: Assistant) -> None:
    cases = read_followups()
    missed = misses(cases, assistant.segmenter)
    assert len(cases) >= 50
    assert (len(cases) - len(missed)) / len(cases) >= MIN_HIT_RATE, missed
