"""Traditional and mixed script: a corpus in either script answers questions in either script (issue 19, item 5).

A Traditional corpus is the bundled report converted with OpenCC's Taiwan table (人工智能 → 人工智慧, 软件 → 軟體),
so its wording differs from the mainland report as a Taiwan document's would, not only its characters.
"""

from __future__ import annotations


import opencc
import pytest

from qa.config import Settings
from qa.evaluate.metrics import answer_correct
from qa.pipeline import Assistant
from qa.segment.script import corpus_is_traditional, is_traditional, to_simplified
from qa.text import fold, key_form, simplified_chars, traditional_share

from conftest import REPORT


@pytest.fixture(scope="module")
def traditional(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("corpus_tw")
    text = opencc.OpenCC("s2twp").convert(REPORT.read_text(encoding="utf-8"))
    (corpus / "report_tw.txt").write_text(text, encoding="utf-8")
    return Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index_tw")), show_progress=False)


def test_simplified_characters_keep_every_offset() -> None:
    text = "通過分析獲投企業註冊地分佈情況可知，北京市人工智慧企業主要集中於海淀區，佔比達 62.44%。"
    canonical = simplified_chars(text)
    assert len(canonical) == len(text)
    assert "获投企业注册地" in canonical and "海淀区" in canonical
    assert simplified_chars("北京市人工智能企业") == "北京市人工智能企业"  # Simplified text is left as it is
    assert fold("擴張") == fold("扩张") == "扩张"


def test_scripts_are_told_apart() -> None:
    assert traditional_share("北京市人工智能企业主要集中于海淀区") == 0.0
    assert traditional_share("北京市人工智慧企業主要集中於海淀區") == 3 / 17  # 業 於 區
    assert is_traditional("哪個區最多") and not is_traditional("哪个区最多")
    assert corpus_is_traditional(["通過分析獲投企業註冊地分佈情況", "海淀區佔比達 62.44%"])
    assert not corpus_is_traditional(["通过分析获投企业注册地分布情况", "海淀区占比达 62.44%"])


def test_questions_keep_their_words_for_a_traditional_corpus() -> None:
    """Taiwan wording is turned into mainland wording only for a Simplified corpus."""
    assert to_simplified("軟體企業有多少家", traditional_corpus=False) == "软件企业有多少家"
    assert to_simplified("軟體企業有多少家", traditional_corpus=True) == "软体企业有多少家"


def test_scoring_keeps_the_script() -> None:
    """The answer layer matches scripts; scoring must not, or a Simplified answer would pass a Traditional key."""
    assert key_form("海淀 區") == "海淀區"
    assert not answer_correct("海淀区[1]", ["海淀區"])
    assert answer_correct("主要集中於海淀區[1]", ["海淀區"])


def test_traditional_corpus_answers_traditional_questions_verbatim(traditional: Assistant) -> None:
    assert traditional.understand("軟體企業有多少家").searched == "软体企业有多少家"  # a Traditional corpus keeps its words
    answer = traditional.ask("哪個區的人工智慧企業最多？")
    assert answer.answered
    assert "海淀區" in answer.answer and "62.44%" in answer.answer
    assert any("海淀區" in c.text for c in answer.citations)  # cited verbatim, in the corpus's own script
    documents = "".join(d.text for d in traditional.index.documents.values())
    assert all(c.text in documents for c in answer.citations)


def test_traditional_corpus_answers_simplified_questions(traditional: Assistant) -> None:
    answer = traditional.ask("寒武纪是哪一年成立的？")
    assert answer.answered and "2016-3" in answer.answer


def test_refusals_follow_the_question_script(traditional: Assistant, assistant: Assistant) -> None:
    """A Traditional question is refused in Traditional script; the quoted nearest fact stays verbatim."""
    refused = traditional.ask("2023年海淀區的人工智慧企業佔比多少？")
    assert not refused.answered
    assert refused.answer.startswith("報告沒有2023年")
    simplified = assistant.ask("2023年海淀区的人工智能企业占比多少？")
    assert not simplified.answered and simplified.answer.startswith("报告没有2023年")
    asked_in_traditional = assistant.ask("2023年海淀區的人工智慧企業佔比多少？")
    assert not asked_in_traditional.answered and asked_in_traditional.answer.startswith("報告沒有2023年")
    quote = asked_in_traditional.answer.split("：", 1)[1]
    assert "海淀区" in quote  # the bundled report's own words, not converted


def test_the_reader_reads_the_question_in_the_corpuss_script(traditional: Assistant, assistant: Assistant,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The transformer reader learned Traditional questions beside Traditional text (DRCD) and Simplified beside
    Simplified (CMRC): it gets the question as asked, in the corpus's script — not the searched Simplified form."""
    assert traditional.understand("软件企业有多少家？").read_as == "軟件企業有多少家？"
    assert traditional.understand("軟體企業有多少家？").read_as == "軟體企業有多少家？"  # its own words kept
    assert assistant.understand("軟體企業有多少家？").read_as == "软件企业有多少家？"

    import qa.answer.compose as compose
    read = []
    real = compose.read_candidate

    def recording(question, candidate, context):  # type: ignore[no-untyped-def]
        read.append(question)
        return real(question, candidate, context)

    monkeypatch.setattr(compose, "read_candidate", recording)
    traditional.ask("哪個區的人工智慧企業最多？")
    assert read == ["哪個區的人工智慧企業最多？"]


def test_short_answers_of_traditional_sentences_come_from_the_traditional_trees(traditional: Assistant,
                                                                               assistant: Assistant) -> None:
    """A Traditional sentence's phrases are scored by the trees learned from DRCD's Traditional questions, a
    Simplified sentence's by the CMRC trees (one set for both cost CMRC what it gave DRCD)."""
    from qa.answer.candidates import collect
    from qa.answer.features import analyse
    from qa.answer.model import bundled_model
    from qa.answer.short import SHORT_FEATURES, scored_phrase
    from qa.retrieve.hybrid import retrieve
    from qa.segment.script import written_traditional

    def scored(app: Assistant, question: str):  # type: ignore[no-untyped-def]
        understood = app.understand(question)
        found = retrieve(app.index, understood.searched, 5, app.settings.retrieval)
        q = analyse(understood, found.query_vector, app.context)
        candidate = next(c for c in collect(found.hits, app.context) 
                         if "海淀" in simplified_chars(c.text) and "占比" in simplified_chars(c.text))
        own = scored_phrase(q, candidate, app.context)
        by = {name: scored_phrase(q, candidate, app.context, bundled_model(name, SHORT_FEATURES))
              for name in ("short", "short_traditional")}
        return written_traditional(candidate.text), own, by

    for app, question, script, model in ((traditional, "北京獲投AI企業主要集中在哪個區？", True, "short_traditional"),
                                         (assistant, "北京获投AI企业主要集中在哪个区？", False, "short")):
        is_traditional_text, own, by = scored(app, question)
        assert is_traditional_text is script
        assert own == by[model]
        assert by["short"] != by["short_traditional"]  # the two models do differ on this sentence


def test_the_answer_names_the_question_as_asked_not_its_searched_form(assistant: Assistant) -> None:
    """`Answer.question` (the API's contract field) is the question as understood in the user's own script, not
    the Simplified form the search used."""
    understood = assistant.understand("北京的軟體企業有多少家？")
    assert understood.searched != understood.asked_as
    assert assistant.ask("北京的軟體企業有多少家？").question == understood.asked_as
