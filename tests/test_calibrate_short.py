"""How `scripts/calibrate_short.py` chooses what is shown in bold for a script: the lowest threshold whose shown
answers are ≥ 85 % mostly right, and the offer (both readers' phrases, the trees' alone, the span alone) with the
highest short-answer F1 over all questions at its own such threshold. The shipped show models come from this
choice; a flipped comparison would ship a worse offer with no other test failing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "calibrate_short.py"
_spec = importlib.util.spec_from_file_location("calibrate_short", _SCRIPT)
calibrate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(calibrate)  # type: ignore[union-attr]


def test_the_lowest_threshold_with_enough_right_answers_and_never_without_one() -> None:
    # P and F1 of 20 questions: the likelier ones are right, the unlikelier half wrong
    p = np.linspace(0.0, 0.95, 20)
    f1 = np.where(p >= 0.5, 1.0, 0.0)
    points = calibrate.curve(p, f1)
    chosen = calibrate.lowest_right(points)
    at = next(c for c in points if c["threshold"] == chosen)
    before = next(c for c in points if c["threshold"] == round(chosen - 0.05, 2))
    assert at["shown_right"] >= calibrate.TARGET_RIGHT > before["shown_right"]
    assert calibrate.lowest_right(calibrate.curve(p, np.zeros(20))) == calibrate.NEVER == 1.0


def test_the_offer_with_the_most_right_answers_at_its_own_threshold_is_chosen() -> None:
    p = np.linspace(0.0, 0.95, 20)
    good = np.where(p >= 0.3, 1.0, 0.0)  # right from 0.3 on: shown from ~0.3
    fair = np.where(p >= 0.7, 1.0, 0.0)  # right from 0.7 on: shown from ~0.7, fewer right answers
    corpus = {"curve both": calibrate.curve(p, fair), "curve trees": calibrate.curve(p, good),
              "curve span": calibrate.curve(p, np.zeros(20))}
    offered, threshold = calibrate.offered_and_threshold(corpus)
    assert offered == "trees" and threshold == calibrate.lowest_right(corpus["curve trees"]) < 0.5
