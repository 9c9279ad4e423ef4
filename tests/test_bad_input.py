"""Bad and odd input through the whole ask path and the CLI: never a traceback, always a clear Chinese message.

A question is either answered (an `Answer` whose JSON is valid UTF-8) or rejected with `QuestionError`
carrying a Chinese message; nothing else may escape. Oversized questions (20,000+ characters) are rejected
(`max_question_chars`, 500 by default) — the HTTP API maps that rejection to 413.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from qa.cli import main
from qa.pipeline import QuestionError
from qa.understand.validate import clean_question

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese(message: str) -> None:
    assert message and CJK.search(message), message
    assert "Traceback" not in message


def check_ask(assistant, question: object, k: int | None = None) -> None:
    """The contract for any input: an answer with clean JSON, or a QuestionError in Chinese."""
    try:
        answer = assistant.ask(question, k)
    except QuestionError as exc:
        assert_chinese(str(exc))
        return
    data = answer.to_json()
    encoded = json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogates can reach the output
    assert json.loads(encoded) == data
    assert isinstance(data["answered"], bool)
    assert_chinese(data["answer"])
    assert all(isinstance(c["text"], str) and c["text"] for c in data["citations"])


# --- the whole ask path over random Unicode ---------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80)
CHINESE_ISH = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                                         st.sampled_from(list("，。？！、：；（）0123456789%  \n\tAIab")),
                                         st.characters()), min_size=1, max_size=120)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=st.one_of(ANY_TEXT, CHINESE_ISH))
def test_any_unicode_question_is_answered_or_rejected_in_chinese(assistant, question):
    check_ask(assistant, question)


@hsettings(max_examples=40, deadline=None)
@given(question=st.text(min_size=1, max_size=40), padding=st.integers(min_value=0, max_value=900))
def test_length_limit_is_enforced_after_cleaning(assistant, question, padding):
    check_ask(assistant, question + "问" * padding)


@hsettings(max_examples=30, deadline=None)
@given(k=st.one_of(st.integers(min_value=-5, max_value=20), st.none(), st.booleans(), st.floats(),
                   st.text(max_size=3)))
def test_any_k_is_accepted_or_rejected_in_chinese(assistant, k):
    check_ask(assistant, "海淀区人工智能企业占比多少？", k)


# --- explicit cases from the issue -------------------------------------------------------------------------

REJECTED = {
    "empty": "",
    "whitespace": " \t\n\u3000 ",
    "only invisible format characters": "\u200b\u200d\ufeff\u2060",
    "only control characters": "\x00\x01\x1b\x7f\x85",
    "20,001 characters": "人工智能" * 5000 + "？",
    "only punctuation": "？？？！！",
    "only emoji": "😀🤖🚀",
    "a backslash": "\\",
    "not text": None,
}

ANSWERED_OR_REFUSED = {
    "control characters around a question": "\x00哪个区\x07的人工智能企业\x1b最多？\x7f",
    "lone surrogates": "\ud800哪个区的人工智能企业最多？\udfff",
    "emoji inside": "😀北京🤖人工智能企业🚀有多少家？",
    "html/script": "<script>alert('x')</script><b>海淀区</b>企业占比？",
    "sql-ish": "'; DROP TABLE passages; -- 海淀区 OR 1=1",
    "english only": "Which district has the most AI companies?",
    "traditional chinese": "哪個區的人工智慧企業最多？",
    "format strings": "%s%d{0}{}${x} 北京",
    "combining marks": "\u0301\u0301海\u0301淀",
    "right-to-left override": "\u202e海淀区占比\u202c",
    "private use and noncharacters": "\ue000\ufdd0\U0010ffff海淀",
    "nul in the middle": "海淀\x00区",
    "500 characters exactly": ("海淀区人工智能企业" * 60)[:500],
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_inputs_get_a_chinese_message(assistant, case):
    with pytest.raises(QuestionError) as info:
        assistant.ask(REJECTED[case])
    assert_chinese(str(info.value))


def test_oversized_question_says_it_is_too_long():
    with pytest.raises(QuestionError, match="问题太长（20001 字）"):
        clean_question("问" * 20001, 500)


@pytest.mark.parametrize("case", list(ANSWERED_OR_REFUSED))
def test_odd_inputs_are_answered_or_refused(assistant, case):
    check_ask(assistant, ANSWERED_OR_REFUSED[case])


def test_control_characters_and_surrogates_are_removed_not_echoed(assistant):
    answer = assistant.ask("\x00哪个区\ud800的人工智能企业最多？\x1b")
    assert answer.question == "哪个区的人工智能企业最多？"
    assert answer.answered and "海淀" in answer.answer


def test_english_and_traditional_questions_get_the_report_s_chinese(assistant):
    english = assistant.ask("Which district has the most AI companies?")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in english.answer)  # a quote or a refusal, in Chinese
    traditional = assistant.ask("哪個區的人工智慧企業最多？")
    assert traditional.answered and "海淀" in traditional.answer


def test_html_is_treated_as_text(assistant):
    answer = assistant.ask("<script>alert(1)</script>")
    assert not answer.answered and "<script>" not in answer.answer


# --- the same through the CLI ---------------------------------------------------------------------------------

@pytest.fixture()
def ask_cli(settings, assistant, capsys):
    def _ask(question: str) -> tuple[int, dict]:
        code = main(["ask", question, "--json", "--corpus", str(settings.corpus_dir),
                     "--index", str(settings.index_dir)])
        out = capsys.readouterr().out
        assert out.count("\n") == 1  # exactly one JSON object
        return code, json.loads(out)
    return _ask


@pytest.mark.parametrize("case", [c for c in REJECTED if isinstance(REJECTED[c], str)])
def test_cli_rejects_with_a_json_error_in_chinese(ask_cli, case):
    code, data = ask_cli(REJECTED[case])
    assert code == 2 and set(data) == {"error"}
    assert_chinese(data["error"])


def test_cli_20000_chars_is_rejected_as_too_long(ask_cli):
    code, data = ask_cli("北京" * 10001)
    assert code == 2 and data["error"].startswith("问题太长（20002 字）")


@pytest.mark.parametrize("case", list(ANSWERED_OR_REFUSED))
def test_cli_answers_or_refuses_odd_inputs(ask_cli, case):
    code, data = ask_cli(ANSWERED_OR_REFUSED[case])
    assert code == 0 and set(data) == {"question", "answer", "answered", "citations", "latency_ms", "short_answer"}
    assert_chinese(data["answer"])
