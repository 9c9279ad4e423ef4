"""Each evaluation metric on hand-made cases whose values are known."""

import pytest

from qa.evaluate import metrics as m
from qa.evaluate.questions import EvalQuestion
from qa.evaluate.runner import score, summarize


def test_answer_keys_all_present_after_normal_form():
    assert m.answer_correct("海淀区占比达62.44%。[1]", ["62.44%", "海淀"])
    assert m.answer_correct("ＡＢＣ 公司 成立于 2016-3", ["abc公司", "2016-3"])  # NFKC, case, spaces
    assert m.answer_correct("占比 6[1]2.44%", ["62.44%"])  # markers are not answer text
    assert not m.answer_correct("海淀区占比达62.44%", ["62.44%", "朝阳"])
    assert m.answer_correct("任何文字", [])


def test_evidence_rank_hit_and_mrr():
    passages = ["无关段落", "含 12 家上市公司", "其中含12家上市公司，442家获投"]
    assert m.evidence_rank(passages, ["含12家上市公司"]) == 2
    assert m.evidence_rank(passages, ["含12家上市公司", "442"]) == 3  # one passage must hold all strings
    assert m.evidence_rank(passages, ["不存在"]) is None
    assert (m.hit_at(2, 1), m.hit_at(2, 3), m.hit_at(None, 5)) == (False, True, False)
    assert [m.reciprocal_rank(r) for r in (1, 2, 4, None)] == [1.0, 0.5, 0.25, 0.0]


def test_marked_numbers_in_first_use_order():
    assert m.marked_numbers("甲[2]乙[1]丙[2]") == [2, 1]
    assert m.strip_markers("甲[2]乙[10]") == "甲乙"


def test_char_f1_known_values():
    assert m.char_f1("海淀区", "海淀区") == 1.0
    assert m.char_f1("海淀", "海淀区") == pytest.approx(0.8)          # p=1, r=2/3
    assert m.char_f1("海淀区，62%。", "62% 海淀区") == 1.0             # punctuation dropped, order free
    assert m.char_f1("ab", "cd") == 0.0
    assert m.char_f1("aab", "ab") == pytest.approx(0.8)                # multiset: common 2, p=2/3, r=1
    assert m.char_f1("", "") == 1.0 and m.char_f1("", "海淀") == 0.0 and m.char_f1("。", "海淀") == 0.0
    assert m.char_f1("ＡＢ", "ab") == 1.0                                # NFKC + lowercase
    assert m.best_char_f1("海淀[1]", ["朝阳", "海淀"]) == 1.0
    assert m.best_char_f1("海淀", []) is None


def test_refusal_precision_recall():
    refused = [True, True, False, False, True]
    unanswerable = [True, False, True, False, True]
    precision, recall = m.refusal_precision_recall(refused, unanswerable)
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(2 / 3)
    assert m.refusal_precision_recall([False, False], [False, True]) == (None, 0.0)
    assert m.refusal_precision_recall([True], [False]) == (0.0, None)


def test_percentile_interpolates_like_numpy():
    values = [10.0, 20.0, 30.0, 40.0]
    assert m.percentile(values, 50) == 25.0
    assert m.percentile(values, 95) == pytest.approx(38.5)
    assert m.percentile([7.0], 95) == 7.0 and m.percentile([], 50) is None
    assert m.percentile(list(range(101)), 95) == 95


def _result(answer, answered, cits, latency=10.0):
    return {"answer": answer, "answered": answered, "latency_ms": latency,
            "citations": [{"n": i + 1, "source": "doc", "text": t} for i, t in enumerate(cits)]}


DOC = {"doc": "甲。乙含证据X。丙含答案A。"}


def test_score_per_question_checks():
    q = EvalQuestion("q1", "问？", answer=("A",), evidence=("证据X",), reference=("答案A",))
    good = score(q, _result("丙含答案A。[2]", True, ["丙含答案A。", "乙含证据X。"]), DOC)
    assert good["evidence_rank"] == 2 and good["hit@1"] is False and good["hit@3"] is True
    assert good["rr"] == 0.5 and good["citation_correct"] is True and good["answer_correct"] is True
    assert good["citations_verbatim"] and good["passed"] and good["char_f1"] == pytest.approx(0.75)  # p=3/5, r=1
    # the evidence passage is listed but not cited by the answer; one citation is not from the corpus
    bad = score(q, _result("甲[1]", True, ["甲。", "改写过的段落", "乙含证据X。", "x", "y"]), DOC)
    assert bad["failed"] == ["answer", "citation", "verbatim"]
    far = score(q, _result("丙含答案A[1]", True, ["丙含答案A", "甲", "丙", "乙含证据X"]), DOC)
    assert far["failed"] == ["evidence@3", "citation"] and far["hit@5"] is True
    refused = score(q, _result("抱歉，没有找到。", False, ["乙含证据X。"]), DOC)
    assert refused["failed"] == ["refusal", "answer", "citation"] and refused["char_f1"] == 0.0


def test_score_unanswerable():
    q = EvalQuestion("u", "广州？", unanswerable=True)
    ok = score(q, _result("抱歉，没有找到。", False, ["甲。"]), DOC)
    assert ok["passed"] and ok["answer_correct"] is None and ok["hit@1"] is None
    wrong = score(q, _result("甲[1]", True, ["甲。"]), DOC)
    assert wrong["failed"] == ["refusal"]


def test_summary_on_known_results():
    qs = [EvalQuestion("a", "?", ("A",), ("证据X",)), EvalQuestion("b", "?", ("乙",), ("乙",)),
          EvalQuestion("u", "?", unanswerable=True), EvalQuestion("v", "?", unanswerable=True)]
    raw = [_result("丙含答案A。[2]", True, ["丙含答案A。", "乙含证据X。"], 10),
           _result("抱歉", False, ["甲。"], 20),
           _result("抱歉", False, [], 30),
           _result("甲[1]", True, ["甲。"], 40)]
    results = [{"id": q.id, **r, "expected": q.expected(), "checks": score(q, r, DOC)} for q, r in zip(qs, raw)]
    s = summarize(results)
    x = s["metrics"]
    assert x["answer_accuracy"] == 0.5 and x["hit@1"] == 0.0 and x["hit@3"] == 0.5 and x["mrr"] == 0.25
    assert x["citation_accuracy"] == 0.5 and x["citation_verbatim"] == 1.0 and x["char_f1"] is None
    assert x["unanswerable_precision"] == 0.5 and x["unanswerable_recall"] == 0.5
    assert x["latency_p50_ms"] == 25.0 and x["latency_p95_ms"] == 38.5
    assert s["failed"] == {"b": ["refusal", "answer", "evidence@3", "citation"], "v": ["refusal"]}
    assert s["counts"]["passed"] == 2 and s["per_question"] == {"a": True, "b": False, "u": True, "v": False}
