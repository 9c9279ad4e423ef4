"""scripts/train_answerer.py: the short-answer trees rank a sentence's phrases by graded relevance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture()
def trainer(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.syspath_prepend(str(SCRIPTS))  # the script imports calibrate_short beside it
    import train_answerer

    return train_answerer


def test_a_gold_phrase_gets_the_top_grade_and_others_their_overlap_in_steps(trainer) -> None:  # noqa: ANN001
    """海淀区 is gold (SHORT_GRADES); 北京市海淀区 holds it (char-F1 2/3: step 5 of 0…7); 朝阳区 shares 区
    (char-F1 1/3: step 2); 北京市 none of it (0)."""
    grades = trainer.short_relevance(["海淀区", "北京市海淀区", "朝阳区", "北京市"], ("海淀区",))
    assert trainer.SHORT_GRADES == 8
    assert grades.tolist() == [8, 5, 2, 0]
    assert grades.dtype == np.int32  # LambdaRank takes integer labels
