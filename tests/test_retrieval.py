"""Retrieval on the dev questions: evidence in the cited passages, better than every baseline row."""

from qa.text import normal_form as norm
from qa.retrieve.hybrid import retrieve
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
