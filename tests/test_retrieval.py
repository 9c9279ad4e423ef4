"""Retrieval on the dev questions: evidence in the cited passages, better than every baseline row."""

from qa.text import normal_form as norm
from qa.retrieve.hybrid import _with_quoted_figures, retrieve, retriever_for, with_passages_for
from qa.types import PassageKind


def _evidence_rank(texts: list[str], evidence: list[str]) -> int | None:
    return next((i for i, t in enumerate(texts) if all(norm(e) in norm(t) for e in evidence)), None)


def test_cited_passages_hold_the_evidence(assistant, dev_questions):
    answerable = [q for q in dev_questions if not q["unanswerable"]]
    ranks = [_evidence_rank([c.text for c in assistant.ask(q["q"]).citations], q["evidence"]) for q in answerable]
    hit1 = sum(r == 0 for r in ranks) / len(ranks)
    hit3 = sum(r is not None and r < 3 for r in ranks) / len(ranks)
    assert hit1 >= 0.85, ranks
    assert hit3 >= 0.96, ranks


def test_hybrid_ranking_beats_the_baseline_at_five(assistant, dev_questions):
    answerable = [q for q in dev_questions if not q["unanswerable"]]
    settings = assistant.settings.retrieval
    ranks = [_evidence_rank([h.passage.text for h in retrieve(assistant.index, q["q"], 5, settings).hits],
                            q["evidence"]) for q in answerable]
    assert sum(r is not None for r in ranks) / len(ranks) >= 0.96


def test_company_founding_question_retrieves_its_table_row(assistant):
    hits = retrieve(assistant.index, "商汤科技是什么时候成立的？", 3, assistant.settings.retrieval).hits
    assert hits[0].passage.kind is PassageKind.TABLE_ROW and "商汤科技" in hits[0].passage.text


def test_a_figure_the_question_quotes_brings_the_passage_that_writes_it(assistant):
    """Fusion ranks "北京人工智能相关企业数量达1084家" below the eight candidates for this question (its dense rank is
    past 30); the quoted 1084 brings it back, last. A year or a one-digit number brings nothing."""
    question = "北京那1084家AI相关企业里，没拿到过融资的大概有多少家？"
    hits = retrieve(assistant.index, question, 8, assistant.settings.retrieval).hits
    assert len(hits) == 9 and "1084" in norm(hits[-1].passage.text)
    assert hits[-1].score == hits[-2].score
    plain = retrieve(assistant.index, "2019年北京有1家AI企业吗？", 8, assistant.settings.retrieval).hits
    assert len(plain) == 8


def test_of_the_passages_writing_a_quoted_figure_the_best_for_the_whole_question_is_brought(assistant):
    """442 is written in three passages; the caption of Figure 1 is the one this question is about. A year quoted
    brings nothing (years are written everywhere)."""
    retriever, tokens = retriever_for(assistant.index), assistant.index.segmenter.index_tokens
    brought = _with_quoted_figures(retriever, tokens("那442家获得融资的AI企业，成立时间分布图是怎样的"), [])
    assert [assistant.index.passages[pos].text[:4] for pos, _ in brought] == ["图 1 "]
    assert _with_quoted_figures(retriever, tokens("2019年北京有多少AI企业"), []) == []


def test_passages_retrieved_for_a_whole_are_added_last_once(assistant):
    """The count of "北京的AI企业" (1084家) is in no passage the question "北京的AI企业里，没获得过融资的有几家？" ranks;
    retrieved for the whole asked as a count, it is added after the question's own hits, at their lowest score, and
    a passage already held is not added twice."""
    settings = assistant.settings.retrieval
    found = retrieve(assistant.index, "北京的AI企业里，没获得过融资的有几家？", 8, settings)
    assert not any("1084家" in hit.passage.text for hit in found.hits)
    more = with_passages_for(assistant.index, found, ("北京的AI企业有多少家",), 5, settings)
    assert more.hits[:len(found.hits)] == found.hits and more.query_vector is found.query_vector
    added = more.hits[len(found.hits):]
    assert any("1084家" in hit.passage.text for hit in added)
    assert all(hit.score == found.hits[-1].score for hit in added)
    ids = [hit.passage.id for hit in more.hits]
    assert len(ids) == len(set(ids))
