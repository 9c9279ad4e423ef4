"""How compose.py quotes the chosen sentence and numbers what it cites, pinned where a mutation run (issue 23)
found no test looking: a continuation that runs into the next passage cites each passage after its own last
sentence; a heading (for why/how/list questions) or an announcing sentence ("主要特点如下：") with nothing added
after it is followed by its sub-sections, each cited — any other sentence is not; a cited passage the search did
not return is listed with score 0.

Checked on `_quoted` and `_Citations` directly with the bundled report's own sentences: which sentence the
selector picks, and whether the continuation model goes on, change with retrained models; how a given choice is
quoted must not.
"""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.candidates import Candidate
from qa.answer.compose import _Citations, _quoted
from qa.answer.continuation import Quoted
from qa.answer.features import Question, analyse
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve
from qa.types import Passage

CLUSTER = "4、人工智能产业发展生态良好，已经形成人工智能优势产业集群"
FEATURES = ("一是技术研发优势突出", "二是应用技术领先", "三是落地场景丰富", "四是产业集群优势明显", "五是创新活跃")
SUPPORT = "此外，政府应加大对人工智能企业的支持力度,可以采取："
FOURTH = "(4)还可以借鉴其他区域的做法提供政府孵化器、装修补助等等。"


def passage_with(assistant: Assistant, sentence: str) -> Passage:
    """The report's passage holding `sentence` as one of its statements."""
    return next(p for p in assistant.context.passages if sentence in p.statements)


def candidate(assistant: Assistant, sentence: str) -> Candidate:
    """The sentence as compose's selector would hand it over (a heading when it is one of the passage's
    opening headings)."""
    passage = passage_with(assistant, sentence)
    index = passage.statements.index(sentence)
    return Candidate(passage, rank=0, neighbour=False, index=index, text=sentence,
                     vector=np.zeros(1, dtype=np.float32), heading=sentence in passage.headings)


def analysed(assistant: Assistant, question: str) -> Question:
    understood = assistant.understand(question)
    found = retrieve(assistant.index, understood.searched, 3, assistant.settings.retrieval)
    return analyse(understood, found.query_vector, assistant.context)


@pytest.fixture(scope="module")
def why(assistant: Assistant) -> Question:
    q = analysed(assistant, "为什么说北京已经形成人工智能优势产业集群？")
    assert q.qtype.kind.value == "why"
    return q


@pytest.fixture(scope="module")
def fact(assistant: Assistant) -> Question:
    q = analysed(assistant, "北京形成了什么产业集群？")
    assert q.qtype.kind.value == "fact"
    return q


def quoted(assistant: Assistant, q: Question, sentence: str, added: list[Quoted] | None = None) -> tuple[str, list[Passage]]:
    """The quote `_quoted` writes and the passages it cited, in marker order."""
    cites = _Citations([], assistant.context.titles)
    text = _quoted(candidate(assistant, sentence), q, assistant.context, cites, added or [])
    return text, cites.used


def test_a_heading_asked_why_is_followed_by_its_sub_sections_each_cited(assistant: Assistant, why: Question) -> None:
    text, used = quoted(assistant, why, CLUSTER)
    assert text == CLUSTER + "[1]" + "；".join(f"{name}[{n}]" for n, name in enumerate(FEATURES, start=2)) + "。"
    sections = assistant.context.sections[passage_with(assistant, CLUSTER).section]
    assert used == [passage_with(assistant, CLUSTER), *sections.values()]


def test_a_heading_asked_for_a_fact_is_quoted_alone(assistant: Assistant, fact: Question) -> None:
    assert quoted(assistant, fact, CLUSTER)[0] == CLUSTER + "。[1]"


def test_a_sentence_that_is_no_heading_is_quoted_alone_even_for_a_why_question(assistant: Assistant,
                                                                               why: Question) -> None:
    sentence = "北京已形成人工智能优势产业集群，具备相对完善的产业链条。"
    assert sentence in passage_with(assistant, CLUSTER).statements  # the heading's passage: its sub-sections exist
    assert quoted(assistant, why, sentence)[0] == sentence + "[1]"


def test_an_announcing_sentence_is_followed_by_its_sub_sections_whatever_the_question(assistant: Assistant,
                                                                                     fact: Question) -> None:
    text, _ = quoted(assistant, fact, "主要特点如下：")
    assert text == "主要特点如下：[1]" + "；".join(f"{name}[{n}]" for n, name in enumerate(FEATURES, start=2)) + "。"


def test_a_heading_with_a_continuation_quotes_the_continuation_not_the_sub_sections(assistant: Assistant,
                                                                                   why: Question) -> None:
    passage = passage_with(assistant, CLUSTER)
    following = passage.statements[1]
    text, used = quoted(assistant, why, CLUSTER, [Quoted(following, passage)])
    assert text == CLUSTER + following + "[1]" and used == [passage]


def test_a_continuation_into_the_next_passage_cites_each_passage_after_its_last_sentence(assistant: Assistant,
                                                                                        fact: Question) -> None:
    first, second = passage_with(assistant, SUPPORT), passage_with(assistant, FOURTH)
    assert first is not second
    rest = [Quoted(s, first) for s in first.statements[1:]]
    text, used = quoted(assistant, fact, SUPPORT, [*rest, Quoted(FOURTH, second)])
    assert text == "".join(first.statements) + "[1]" + FOURTH + "[2]"
    assert used == [first, second]


def test_a_continuation_back_into_the_first_passage_keeps_its_number(assistant: Assistant, fact: Question) -> None:
    first, second = passage_with(assistant, SUPPORT), passage_with(assistant, FOURTH)
    text, used = quoted(assistant, fact, SUPPORT, [Quoted(FOURTH, second), Quoted(first.statements[1], first)])
    assert text == SUPPORT + "[1]" + FOURTH + "[2]" + first.statements[1] + "[1]"
    assert used == [first, second]


def test_a_cited_passage_the_search_did_not_return_is_listed_with_score_zero(assistant: Assistant) -> None:
    found = retrieve(assistant.index, "北京人工智能企业主要集中在哪个区？", 3, assistant.settings.retrieval)
    outside = passage_with(assistant, FOURTH)
    assert outside.id not in {h.passage.id for h in found.hits}
    cites = _Citations(found.hits, assistant.context.titles)
    assert cites.mark(outside) == "[1]"
    listed = cites.listing(found.hits, 3)
    assert [c.id for c in listed] == [outside.id] + [h.passage.id for h in found.hits[:2]]
    assert listed[0].score == 0.0 and listed[0].text == outside.text and listed[0].n == 1
    assert [c.score for c in listed[1:]] == [round(h.score, 6) for h in found.hits[:2]]
