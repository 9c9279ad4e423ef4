"""Inputs an attack run turned into 500s and tracebacks (issue 21): each is now a 4xx or an answer.

The numeral property test feeds random numerals — Chinese and Arabic, mixed with magnitudes and measure words —
through the whole ask path (`Assistant.ask`: cleaning, cn2an's conversion in `qa.segment.numerals`, retrieval,
the answer layer), because cn2an raises more than the ValueError it documents ("零十二亿" → KeyError).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from qa.api import create_api
from qa.cli import main
from qa.pipeline import Assistant
from qa.segment.numerals import arabic_numerals
from qa.config import Settings
from qa.web.feedback import FeedbackBackend, add_feedback_route, open_feedback

from test_bad_input import assert_chinese, check_ask

NUMERAL_PARTS = st.one_of(
    st.sampled_from(list("零〇一二两三四五六七八九十百千万亿点")),
    st.sampled_from(["百分之", "第", "多", "余", "年", "家", "个", "元", "%", ".", "-", "亿元", "万家"]),
    st.integers(min_value=0, max_value=10 ** 12).map(str),
)
NUMERAL_QUESTIONS = st.tuples(st.sampled_from(["", "融资过", "海淀区有", "哪一年"]),
                              st.lists(NUMERAL_PARTS, min_size=1, max_size=12).map("".join),
                              st.sampled_from(["", "的企业有多少家？", "？", "占比多少"])).map("".join)


@pytest.mark.parametrize("question", ["零十二亿", "零十二家", "百分之零十二", "零十二亿元的融资有几家？"])
def test_numerals_cn2an_cannot_read_are_left_as_typed(question: str) -> None:
    assert "零十二" in arabic_numerals(question)


@pytest.mark.parametrize("question", ["零十二亿", "零十二亿元的融资有几家？"])
def test_unreadable_numeral_question_is_answered(assistant: Assistant, question: str) -> None:
    data = assistant.ask(question).to_json()
    assert isinstance(data["answered"], bool)
    assert_chinese(data["answer"])


def test_cli_answers_unreadable_numeral(assistant: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    settings = assistant.settings
    code = main(["ask", "零十二亿", "--json", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)])
    out = capsys.readouterr()
    assert code == 0 and "Traceback" not in out.err
    assert isinstance(json.loads(out.out)["answered"], bool)


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=NUMERAL_QUESTIONS)
def test_random_numerals_never_escape_the_ask_path(assistant: Assistant, question: str) -> None:
    check_ask(assistant, question)


@pytest.fixture()
def feedback_client(assistant: Assistant, feedback_location: str) -> tuple[TestClient, FeedbackBackend]:
    store = open_feedback(feedback_location, Settings())  # SQLite and PostgreSQL
    app = create_api(assistant)
    add_feedback_route(app, store)
    return TestClient(app, raise_server_exceptions=False), store


@pytest.mark.parametrize("raw", [
    b'{"question": "q", "answer": "a", "rating": "up", "n": ' + b"9" * 5000 + b"}",
    b'{"question": "q", "answer": "a", "rating": "up", "n": -' + b"9" * 5000 + b"}",
    b'{"question": "\\ud800x", "answer": "a", "rating": "up"}',
    b'{"question": "q", "answer": "a\\udfff", "rating": "down"}',
    b'{"question": "q", "answer": "a", "rating": "down", "comment": "\\udbff"}',
])
def test_feedback_that_used_to_answer_500_gets_a_chinese_4xx(feedback_client: tuple[TestClient, FeedbackBackend],
                                                             raw: bytes) -> None:
    client, store = feedback_client
    response = client.post("/api/feedback", content=raw, headers={"content-type": "application/json"})
    if b"9" * 5000 in raw:  # the number is not a field: the vote itself is fine
        assert response.status_code == 200 and len(store.all()) == 1
        return
    assert response.status_code == 400
    assert_chinese(response.json()["error"])
    assert store.all() == []
