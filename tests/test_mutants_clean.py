"""Page furniture and line joins at their edges: the cases mutation testing found unchecked (qa/ingest/clean.py).

Lines are built by hand (one `Line` per printed line, `starts_page` on each page's first line) so every
threshold is hit exactly: three pages is the fewest that may repeat, a third of the pages the smallest share.
"""

from __future__ import annotations

from qa.ingest.clean import MAX_FURNITURE_CHARS, Line, drop_page_furniture, join_wrapped


def pages(*texts: list[str]) -> list[Line]:
    """Lines of pages given as lists of line texts; the first page's first line carries no page mark."""
    return [Line(text, starts_page=n > 0 and i == 0) for n, page in enumerate(texts) for i, text in enumerate(page)]


def cn(n: int) -> str:
    """A page's own words: digits are ignored when lines are compared, so pages differ by Chinese numerals."""
    return "零一二三四五六七八九十甲乙丙丁"[n]


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def starts(lines: list[Line]) -> list[bool]:
    return [line.starts_page for line in lines]


def test_a_dropped_header_passes_its_page_start_to_the_next_line() -> None:
    lines = pages(*[["年度报告", f"第{cn(n)}页正文。", f"第{cn(n)}页结语。"] for n in range(1, 5)])
    kept = drop_page_furniture(lines)
    assert texts(kept) == [t for n in range(1, 5) for t in (f"第{cn(n)}页正文。", f"第{cn(n)}页结语。")]
    assert starts(kept) == [False, False, True, False, True, False, True, False]


def test_a_footer_and_the_next_header_dropped_together_keep_the_page_start() -> None:
    lines = pages(*[["年度报告", f"第{cn(n)}页正文。", "内部资料"] for n in range(1, 5)])
    kept = drop_page_furniture(lines)
    assert texts(kept) == [f"第{cn(n)}页正文。" for n in range(1, 5)]
    assert starts(kept) == [False, True, True, True]


def test_exactly_three_pages_are_enough_to_find_furniture() -> None:
    kept = drop_page_furniture(pages(*[["研究院报告", f"第{cn(n)}页正文。"] for n in range(1, 4)]))
    assert texts(kept) == ["第一页正文。", "第二页正文。", "第三页正文。"]


def test_two_pages_are_not() -> None:
    lines = pages(*[["研究院报告", f"第{cn(n)}页正文。"] for n in range(1, 3)])
    assert texts(drop_page_furniture(lines)) == texts(lines)


def test_a_numbered_footer_is_one_footer_whatever_its_page_number() -> None:
    kept = drop_page_furniture(pages(*[[f"第{cn(n)}页正文。", f"年度报告 - {n} -"] for n in range(1, 5)]))
    assert texts(kept) == [f"第{cn(n)}页正文。" for n in range(1, 5)]


def test_a_header_of_the_longest_furniture_length_still_counts() -> None:
    header = "报" * MAX_FURNITURE_CHARS
    kept = drop_page_furniture(pages(*[[header, f"第{cn(n)}页正文。"] for n in range(1, 5)]))
    assert header not in texts(kept)
    longer = "报" * (MAX_FURNITURE_CHARS + 1)
    assert longer in texts(drop_page_furniture(pages(*[[longer, f"第{cn(n)}页正文。"] for n in range(1, 5)])))


def test_a_line_on_a_third_of_the_pages_is_furniture_and_on_fewer_is_not() -> None:
    nine = [[("研究院报告" if n % 3 == 0 else f"第{cn(n)}页标题"), f"第{cn(n)}页正文。"] for n in range(9)]
    assert "研究院报告" not in texts(drop_page_furniture(pages(*nine)))
    twelve = [[("研究院报告" if n % 4 == 0 else f"第{cn(n)}页标题"), f"第{cn(n)}页正文。"] for n in range(12)]
    assert texts(drop_page_furniture(pages(*twelve))).count("研究院报告") == 3


def test_a_single_line_cover_page_is_content_even_when_it_repeats_as_a_header() -> None:
    lines = pages(["年度报告"], *[["年度报告", f"第{cn(n)}页正文。"] for n in range(1, 4)])
    assert texts(drop_page_furniture(lines)) == ["年度报告", "第一页正文。", "第二页正文。", "第三页正文。"]


def test_footer_residue_on_exactly_three_of_three_pages_is_removed() -> None:
    kept = drop_page_furniture(pages(*[[f"第{cn(n)}页正文。", f"第{cn(n)}页最后一句到此为止北"] for n in range(1, 4)]))
    assert texts(kept)[1::2] == [f"第{cn(n)}页最后一句到此为止" for n in range(1, 4)]


def test_residue_on_a_third_of_the_pages_is_removed() -> None:
    ends = [[f"第{cn(n)}页正文。", f"第{cn(n)}页的结尾{'北' if n % 3 == 0 else '。'}"] for n in range(9)]
    kept = drop_page_furniture(pages(*ends))
    assert not [t for t in texts(kept) if t.endswith("北")]


def test_residue_after_a_latin_character_or_a_space_counts_and_goes_with_the_space() -> None:
    kept = drop_page_furniture(pages(*[[f"第{cn(n)}页正文。", f"{cn(n)}季度增长率为 2{n}%北"] for n in range(1, 4)],
                                     ["结束。 北"]))
    assert texts(kept) == ["第一页正文。", "一季度增长率为 21%", "第二页正文。", "二季度增长率为 22%",
                           "第三页正文。", "三季度增长率为 23%", "结束。"]


def test_a_character_ending_too_few_of_the_pages_is_not_residue() -> None:
    ends = [[f"第{cn(n)}页正文。", f"第{cn(n)}页的结尾{'北' if n < 3 else '。'}"] for n in range(12)]
    kept = drop_page_furniture(pages(*ends))
    assert [t for t in texts(kept) if t.endswith("北")] == ["第零页的结尾北", "第一页的结尾北", "第二页的结尾北"]


def test_residue_making_a_word_with_the_next_page_is_kept() -> None:
    lines = pages(*[[f"第{cn(n)}页正文。", f"第{cn(n)}页最后一句到此为止北"] for n in range(1, 4)],
                  ["企业主要分布在北"], ["京的海淀区。"])
    kept = texts(drop_page_furniture(lines))
    assert kept[-2:] == ["企业主要分布在北", "京的海淀区。"]
    assert kept[1] == "第一页最后一句到此为止"  # residue before a page that makes no word with it


def test_join_wrapped_adds_a_space_only_between_two_latin_words() -> None:
    assert join_wrapped("中文A", "B") == "中文A B"        # the characters at the break decide, not the line
    assert join_wrapped("中文A3", "B") == "中文A3 B"
    assert join_wrapped("A", "B中") == "A B中"
    assert join_wrapped("AI-", "based") == "AI-based"    # a hyphenated word broken at its hyphen
    assert join_wrapped("GDP", "(2019)") == "GDP(2019)"
    assert join_wrapped("使用", "AI") == "使用AI" and join_wrapped("AI", "模型") == "AI模型"
    assert join_wrapped("", "甲") == "甲" and join_wrapped("甲", "") == "甲"
