"""Which name the quoted figures make largest (issue 19, item 2 — the README example's bold answer): "哪个区的人工
智能企业最多？" is answered by comparing the figures the quoted sentences give each district, not by a phrase's place
in a sentence."""

from __future__ import annotations

import pytest

from qa.answer.extreme import largest_named
from qa.pipeline import Assistant


@pytest.mark.parametrize("question", ["哪个区的人工智能企业最多？", "哪個區的人工智慧企業最多？"])
def test_the_readme_example_shows_the_district_with_the_largest_share(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.answered and answer.short_answer == "海淀区"
    assert answer.answer.startswith("海淀区。") and "62.44%" in answer.answer and "25.79%" in answer.answer


def _largest(assistant: Assistant, question: str, *quoted: str) -> str | None:
    return largest_named(assistant.understand(question).searched, list(quoted), assistant.context.segmenter)


@pytest.mark.parametrize(("question", "quoted", "largest"), [
    # a name's figure comes before the next name: 北京市's first mention has none, its second has 80家
    ("哪个市的AI企业最多？", ("北京市的人工智能企业少于上海市，后者有120家；北京市有80家。",), "上海市"),
    # "由 x 提高到 y": the figure now
    ("哪个区的人工智能企业最多？", ("人工智能企业中，丰台区由10%提高到30%，朝阳区为20%。",), "丰台区"),
    # a place asked by a longer noun: any place name (jieba ns)
    ("哪个城市的AI企业最多？", ("北京有1084家人工智能企业，上海有300家，深圳有400家。",), "北京"),
    ("哪家公司的员工最多？", ("华为公司员工有19万人，腾讯公司员工有10万人。",), "华为公司"),
    # the asked noun is the one after 哪个, not the question's first ("北京AI企业…": 企业 would let 北京市 in)
    ("北京AI企业最多的是哪个区？", ("人工智能企业北京市有1084家，海淀区有600家，朝阳区有300家。",), "海淀区"),
    # no noun after 哪家: any organisation name
    ("哪家的融资最多？", ("华为公司融资19亿元，腾讯公司融资10亿元。",), "华为公司"),
    # a one-character asked noun ends the name: 北京市 is no district
    ("哪个区的企业最多？", ("北京市有1084家企业，海淀区有600家，朝阳区有300家。",), "海淀区"),
    # the asking clause asks a place, though 占比 makes the question a QUANTITY one for the selector
    ("北京哪个区的获投企业占比最高？", ("海淀区占62.44%，朝阳区占25.79%。",), "海淀区"),
    # a word that only counts need not be written: 最多 asks how many already
    ("哪个区的企业数量最多？", ("企业中海淀区占62.44%，朝阳区占25.79%。",), "海淀区"),
    # names joined into a group have no figure of their own: the 88% is the two districts' together
    ("哪个区的企业最多？", ("海淀区和朝阳区企业合计超过88%，海淀区占62.44%，朝阳区占25.79%。",), "海淀区"),
    ("哪个区的企业最多？", ("朝阳区与海淀区企业合计超过88%，海淀区占62.44%，朝阳区占25.79%。",), "海淀区"),
    # a name given two figures keeps the first
    ("哪个区的企业最多？", ("朝阳区企业占25.79%，海淀区占20%。", "海淀区由20%提高到62.44%。"), "朝阳区"),
    ("哪个区的企业最多？", ("朝阳区企业占25.79%，海淀区占20%；海淀区后来占62.44%。",), "朝阳区"),
])
def test_the_name_with_the_largest_figure_is_found(assistant: Assistant, question: str, quoted: tuple[str, ...],
                                                   largest: str) -> None:
    assert _largest(assistant, question, *quoted) == largest


@pytest.mark.parametrize(("question", "quoted"), [
    ("哪个区的企业最少？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),  # the least of the listed leaders is no answer
    ("哪个区的企业最多？", ("企业中海淀区占62.44%，朝阳区有25家。",)),  # figures of two units
    ("哪个区的企业最多？", ("企业中海淀区占50%，朝阳区占50%。",)),  # no largest
    ("哪个区的企业最多？", ("企业中海淀区占62.44%。",)),  # one name alone
    ("哪个区的企业最多？", ("企业聚集区占62.44%，朝阳区占25.79%。",)),  # 聚集区 is no place name
    # a figure more than MENTION_REACH characters after the name is not its own
    ("哪个区的企业最多？", ("海淀区是北京市最重要的人工智能产业聚集地之一，其企业数量占比达62.44%。朝阳区占25.79%。",)),
    ("哪个队的球员最多？", ("红队球员有12人，排队的有30人。",)),  # a FACT question: "排队" would pass for a name
    ("什么时候的融资最多？", ("春季融资有100家，秋季融资有200家。",)),  # kinds other than names: left to the trees
    ("海淀区的企业有多少家？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),  # no extreme asked
    ("哪个区的企业最晚出现？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),  # an extreme of time, not of size
    # the asking clause asks a number, not a name
    ("哪个区的企业最多？占比多少？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),
    # what is measured is not what the quote gives figures of: the districts' shares of companies, not of funding
    ("北京哪个区的企业融资总额最多？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),
    ("哪个区的AI企业最多？", ("企业中海淀区占62.44%，朝阳区占25.79%。",)),  # AI: written 人工智能 or not at all
])
def test_no_name_is_computed_without_a_clear_largest(assistant: Assistant, question: str,
                                                     quoted: tuple[str, ...]) -> None:
    assert _largest(assistant, question, *quoted) is None

