"""`CorpusText` answers `term in text` exactly as Python does, from positions grouped by character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from qa.answer.corpus_text import CorpusText

#: A small alphabet, so random terms often occur, occur only partly, or overlap themselves (人人人).
ALPHABET = "人工智能企业的𠀋a1\n\x00"


@hsettings(max_examples=300, deadline=None)
@given(text=st.text(ALPHABET, max_size=200), term=st.text(ALPHABET, max_size=6))
def test_membership_is_exactly_pythons(text: str, term: str) -> None:
    assert (term in CorpusText(text)) == (term in text)


@hsettings(max_examples=100, deadline=None)
@given(text=st.text(ALPHABET, min_size=1, max_size=200), data=st.data())
def test_every_substring_is_found(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 8)))
    assert text[start:end] in CorpusText(text)


def test_edges() -> None:
    corpus = CorpusText("人工智能企业\n海淀区")
    assert "" in corpus and "海淀区" in corpus and "人" in corpus and "区" in corpus
    assert "企业\n海" in corpus  # what the corpus holds, separators included
    assert "海淀区的" not in corpus and "龙" not in corpus and "能工" not in corpus
    assert "x" not in CorpusText("") and "" in CorpusText("")
    with pytest.raises(TypeError):
        _ = 3 in corpus  # type: ignore[operator]
