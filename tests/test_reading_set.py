"""Reading-comprehension data sets (CMRC/SQuAD JSON) for `qa eval`: parsing, the corpus they become, scoring."""

from __future__ import annotations

import json

import pytest

from qa.evaluate.metrics import exact_match
from qa.evaluate.questions import EvalError
from qa.evaluate.reading import is_reading_set, parse_reading_set, write_corpus
from qa.evaluate.scoring import score

CMRC = [{"context_id": "T_1", "title": "寒武纪", "context_text": "寒武纪成立于2016年3月。总部位于北京。",
         "qas": [{"query_id": "T_1_Q0", "query_text": "寒武纪成立于哪一年？", "answers": ["2016年3月", "2016年"]},
                 {"query_id": "T_1_Q1", "query_text": "坏答案", "answers": [{"x": 1}]}]}]
SQUAD = {"data": [{"title": "海淀", "paragraphs": [
    {"context": "海淀区企业占比62.44%。", "qas": [{"id": "s1", "question": "海淀占比多少？",
                                                 "answers": [{"text": "62.44%", "answer_start": 6}]}]}]}]}


def test_cmrc_layout_gives_questions_with_gold_alternatives():
    data = parse_reading_set(json.dumps(CMRC, ensure_ascii=False))
    assert [c.id for c in data.contexts] == ["T_1"]
    assert [q.id for q in data.questions] == ["T_1_Q0"]  # the non-string gold is skipped, as the CMRC scorer does
    q = data.questions[0]
    assert q.answer_any == ("2016年3月", "2016年") and q.reference == q.answer_any and data.context_of["T_1_Q0"] == "T_1"


def test_squad_layout_is_read_too():
    data = parse_reading_set(json.dumps(SQUAD, ensure_ascii=False))
    assert data.questions[0].answer_any == ("62.44%",) and data.contexts[0].title == "海淀"


def test_detection_tells_data_sets_from_question_files():
    assert is_reading_set(json.dumps(CMRC)) and is_reading_set(json.dumps(SQUAD))
    assert not is_reading_set('{"id": "q1", "q": "问题"}\n{"id": "q2", "q": "问题"}')
    with pytest.raises(EvalError):
        parse_reading_set("[]")


def test_corpus_holds_one_file_per_context_and_nothing_else(tmp_path):
    stale = tmp_path / "old.txt"
    stale.write_text("上次的数据集", encoding="utf-8")
    data = parse_reading_set(json.dumps(CMRC, ensure_ascii=False))
    write_corpus(data.contexts, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["T_1.txt"]
    assert (tmp_path / "T_1.txt").read_text(encoding="utf-8").startswith("寒武纪\n\n寒武纪成立于")


def test_any_gold_counts_and_short_answers_are_scored():
    q = parse_reading_set(json.dumps(CMRC, ensure_ascii=False)).questions[0]
    result = {"answer": "2016年。寒武纪成立于2016年3月。[1]", "answered": True, "short_answer": "2016年",
              "citations": [{"n": 1, "text": "寒武纪成立于2016年3月。", "source": "T_1.txt"}]}
    checks = score(q, result, {"T_1.txt": "寒武纪\n\n寒武纪成立于2016年3月。"})
    assert checks["answer_correct"] and checks["hit@1"] and checks["citation_correct"]
    assert checks["short_em"] == 1.0 and checks["short_f1"] == 1.0
    assert exact_match(None, ["x"]) == 0.0 and exact_match("2016 年", ["2016年"]) == 1.0
