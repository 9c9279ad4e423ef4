"""The sentence the reader points at: when the reader's span lies in the sentence before or after the chosen one,
that sentence is quoted too (issue 19: on DRCD the selector often chose the sentence next to the answer)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.beside import BESIDE_MIN_SPAN_P, read_beside
from qa.answer.candidates import Candidate, previous_statement
from qa.answer.reader import Reading, bundled_reader, window_of
from qa.pipeline import Assistant
from qa.types import Passage, PassageKind

TEXT = "北元是元朝灭亡后退居漠北的政权。北元后主天元十年去大元国号，北元亡。这一年是公元1388年。"


def _middle(text: str = TEXT) -> Candidate:
    passage = Passage("t#1", "t.txt", ("一",), PassageKind.TEXT, text, text, 0, len(text))
    return Candidate(passage, 0, False, 1, passage.statements[1], np.zeros(1), False)


def test_the_reader_points_past_the_chosen_sentence_to_the_year(assistant: Assistant) -> None:
    chosen = _middle()
    window, reading = bundled_reader().read("北元在哪一年正式灭亡？", [window_of(chosen, assistant.context)])[0]
    assert reading.start >= window.end and "1388" in window.text[reading.start:reading.end]
    beside = read_beside(chosen, reading, window, assistant.context)
    assert beside.before is None and beside.after is not None and beside.after.text == chosen.passage.statements[2]
    assert beside.quoted.start == window.start and beside.quoted.end == len(window.text)  # the span may be bold


@pytest.mark.parametrize(("start", "end", "p", "side"), [
    (0, 4, 0.6, "before"),                  # wholly in the sentence before
    (40, 45, 0.6, "after"),                 # wholly in the sentence after
    (20, 25, 0.9, None),                    # in the chosen sentence: nothing beside
    (40, 45, BESIDE_MIN_SPAN_P - 0.01, None),  # a weak guess
])
def test_only_a_likely_span_wholly_beside_the_sentence_brings_its_neighbour(assistant, start, end, p, side) -> None:
    chosen = _middle()
    window = window_of(chosen, assistant.context)
    beside = read_beside(chosen, Reading(0.9, start, end, p), window, assistant.context)
    assert (beside.before is not None, beside.after is not None) == (side == "before", side == "after")
    assert beside.quoted.start <= start and end <= beside.quoted.end if side else beside.quoted == window
    quoted = beside.before or beside.after
    if quoted is not None:
        assert quoted.text == chosen.passage.statements[0 if side == "before" else 2]



def _first_of_a_section(assistant: Assistant, new_section: bool) -> Candidate:
    """A report sentence opening its passage whose sentence before is in another section (or, `new_section`
    False, in the same one)."""
    for passage in assistant.index.passages:
        at = previous_statement(passage, 0, assistant.context) if passage.statements else None
        if at is not None and (at[0].section != passage.section) == new_section and window_of(
                Candidate(passage, 0, False, 0, passage.statements[0], np.zeros(1), False), assistant.context).start:
            return Candidate(passage, 0, False, 0, passage.statements[0], np.zeros(1), False)
    raise AssertionError("the report has no such sentence")


@pytest.mark.parametrize("new_section", [True, False])
def test_a_neighbour_in_another_section_is_another_topic(assistant: Assistant, new_section: bool) -> None:
    """As for the continuation and a conclusion's ground, the sentence beside is quoted only within the section."""
    chosen = _first_of_a_section(assistant, new_section)
    window = window_of(chosen, assistant.context)
    beside = read_beside(chosen, Reading(0.9, 0, 2, 0.9), window, assistant.context)  # the span: before it
    assert (beside.before is None) == new_section and beside.after is None
