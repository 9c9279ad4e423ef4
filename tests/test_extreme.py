"""Which name the quoted figures make largest (issue 19, item 2 — the README example's bold answer): "哪个区的人工
智能企业最多？" is answered by comparing the figures the quoted sentences give each district, not by a phrase's place
in a sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.answer.asked_kind import unnamed_kind
from qa.answer.extreme import largest_named, smallest_unstated
from qa.answer.features import analyse
from qa.config import Settings
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
    # a figure written before the name in its own clause: "42家位于海淀", a district by its name alone (海淀区)
    ("国内AI百强里，北京哪个区的企业最多？", ("位于北京的53家企业有6家位于朝阳，42家位于海淀，1家位于西城。",), "海淀"),
    # a figure before the name but before another name too is that name's: 丰台区 has none
    ("哪个区的企业最多？", ("海淀区企业有30家，有42家的朝阳区多于丰台区。",), "朝阳区"),
    # its own clause's figure after the name before one before it
    ("哪个区的企业最多？", ("企业有10家的海淀区占62.44%，有20家的朝阳区占25.79%。",), "海淀区"),
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



@pytest.mark.parametrize(("question", "quoted", "unstated"), [
    # the least of the listed leaders is no answer: a near miss
    ("哪个区的企业最少？", ("企业中海淀区占62.44%，朝阳区占25.79%。",), "最少"),
    ("获投企业的注册地里，占比最低的是哪个区", ("海淀区占比达62.44%，朝阳区占比达25.79%。",), "最低"),
    # the quote says which is least itself
    ("哪个区的企业最少？", ("企业中海淀区占62.44%，朝阳区占25.79%，西城区最少，占1%。",), None),
    ("哪个区的企业最多？", ("企业中海淀区占62.44%，朝阳区占25.79%。",), None),  # the most is computed
    ("哪个区的企业最少？", ("企业中海淀区占62.44%。",), None),  # one name alone lists no leaders
])
def test_the_least_of_listed_names_is_a_near_miss(assistant: Assistant, question: str, quoted: tuple[str, ...],
                                                  unstated: str | None) -> None:
    assert smallest_unstated(assistant.understand(question).searched, list(quoted),
                             assistant.context.segmenter) == unstated


def test_the_least_district_is_refused_with_the_leaders_as_nearest_fact(assistant: Assistant) -> None:
    answer = assistant.ask("获投AI企业的注册地里，占比最低的是哪个区")
    assert not answer.answered and answer.answer.startswith("报告中没有关于“最低”的数据；最接近的内容是：")
    assert "62.44%" in answer.answer

# --- a "which district" question answered by a sentence naming none (asked_kind.py) --------------------------

@pytest.mark.parametrize(("question", "lacks"), [
    ("北京哪个区的AI企业融资总额最多？", "报告中没有关于“各区”的数据；最接近的内容是："),
    ("北京哪個區的AI企業融資總額最多？", "報告中沒有關於“各區”的資料；最接近的內容是："),
])
def test_a_district_asked_of_a_sentence_naming_none_is_a_near_miss(assistant: Assistant, question: str,
                                                                   lacks: str) -> None:
    """The report gives the districts' shares of companies, not of funding: neither the table's largest round (a
    company) nor the 融资总额 sentence (no district; "北京市" is none, though jieba knows "北京市区") answers."""
    answer = assistant.ask(question)
    assert not answer.answered and answer.answer.startswith(lacks) and "融资总额" in answer.answer
    assert answer.short_answer is None and "据表" not in answer.answer


@pytest.mark.parametrize(("question", "district"), [
    ("北京AI公司一般都扎堆在哪个区啊", "海淀"),  # "42家位于海淀": 海淀 is a district with 区
    ("按获投企业的注册地来看，北京第二大AI企业聚集地是哪个区？", "朝阳区"),
])
def test_a_district_the_window_names_is_answered(assistant: Assistant, question: str, district: str) -> None:
    answer = assistant.ask(question)
    assert answer.answered and district in answer.answer


def _unnamed(assistant: Assistant, question: str, *sentences: str) -> str | None:
    """unnamed_kind for a window of `sentences`."""
    q = analyse(assistant.understand(question), np.zeros(384, dtype=np.float32), assistant.context)
    return unnamed_kind(q, "".join(sentences), assistant.context.segmenter)


@pytest.mark.parametrize(("question", "sentences", "unnamed"), [
    ("北京哪个区的企业融资总额最多？", ("42家位于海淀。",), None),  # 海淀区 is a district
    ("北京哪个区的企业融资总额最多？", ("北京市企业融资总额最多。",), "各区"),
    ("北京哪个区的企业融资总额最多？", ("海淀区位居第一。", "其企业融资总额最多。"), None),  # the window names one
    ("北京哪个区的企业融资总额最多？", ("按区统计，企业融资总额最多。",), "各区"),  # "区" alone names no district
    ("北京哪个区的企业融资总额最多？", ("各区企业融资总额最多。",), "各区"),  # nor does a pronoun
    ("北京哪个区的企业融资总额最多？", ("位于中心的企业融资总额最多。",), "各区"),  # 中心区 is a place, 中心 none
    ("哪个城市的人工智能企业最多？", ("北京市人工智能企业主要集中于海淀区。",), None),  # 城市: not one character
    ("哪个队的球员最多？", ("北京市人工智能企业主要集中于海淀区。",), None),  # no place asked
])
def test_the_asked_kind_of_place_is_looked_for_in_the_window(assistant: Assistant, question: str,
                                                             sentences: tuple[str, ...], unnamed: str | None) -> None:
    assert _unnamed(assistant, question, *sentences) == unnamed


NEIGHBOUR = """# 北京人工智能产业观察

## 一、区域分布

北京的人工智能企业分布并不均衡。海淀区是全市人工智能企业最集中的区域。该区人工智能企业的融资总额最多，超过一千亿元。其他地方的企业明显偏少。

## 二、发展建议

建议加大对中小企业的支持力度，完善人才引进政策。
"""


def test_a_district_the_sentence_before_names_answers(tmp_path: Path) -> None:
    """"该区…融资总额最多" names its district in the sentence before: the whole window is looked in, not the
    sentence alone (nor the reader's window, which may be cut to its budget)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.md").write_text(NEIGHBOUR, encoding="utf-8")
    report = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), show_progress=False)
    answer = report.ask("哪个区的人工智能企业融资总额最多？")
    assert answer.answered and "海淀区是全市人工智能企业最集中的区域" in answer.answer
