"""One step of arithmetic (issue 19, item 4): the operation a question asks for, computed from two stated figures
with each operand cited; a missing operand is named in a refusal; a total the report states is quoted instead."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from qa.answer.arithmetic import (Figure, Operation, Support, _compared, _of_another_code, _states_rest_of,
                                  asked_operation, figures_in, wholes_to_find)
from qa.answer.features import analyse
from qa.retrieve.hybrid import retrieve


@pytest.mark.parametrize(("question", "operation"), [
    ("海淀区的获投AI企业占比比朝阳区高出多少个百分点？", Operation("difference", "海淀区的获投AI企业占比", "朝阳区")),
    ("2019年海淀区的占比比2018年提高了几个百分点？", Operation("change", "海淀区的占比")),
    ("和2018年5月比，全国的人工智能企业增加了多少家？", Operation("change", "全国的人工智能企业")),
    ("跟2018年5月那会儿比，北京拿到VC的AI公司多了几家？", Operation("change", "北京拿到VC的AI公司")),
    ("全国获得过风险投资的AI企业里，不在北京的有多少家？", Operation("complement", "全国获得过风险投资的AI企业", "北京")),
    ("截至2019年4月，全国的AI企业中北京以外的有多少家？", Operation("complement", "全国的AI企业", "北京")),
    ("除了北京，全国其他地方加起来还有多少家AI企业？", Operation("complement", "全国", "北京")),  # the part first
    # the whole, then the part taken away, then what remains
    ("全国的AI企业，扣掉北京的还剩多少家？", Operation("complement", "全国的AI企业", "北京")),
    # the part said by what it is not
    ("北京的获投企业里，不是上市公司的有几家？", Operation("complement", "北京的获投企业", "上市公司")),
    ("除掉北京，全国其他地方还有几家？", Operation("complement", "全国", "北京")),  # 除掉 is no part "掉北京"
    ("车和家那笔融资是特斯联B轮融资的几倍？", Operation("ratio", "车和家那笔融资", "特斯联B轮融资")),
    ("海淀和朝阳两区合计占比多少？", Operation("sum", "海淀", "朝阳")),
    # three or more items listed: what remains after the others is each of them, not a complement
    ("除了海淀朝阳，剩下西城、平谷、昌平加一块是几家？", Operation("sum", "西城", "平谷", more=("昌平",))),
    ("西城、平谷和昌平一共有几家？", Operation("sum", "西城", "平谷", more=("昌平",))),
    # a hedge names no side; what remains besides named ones may follow 那些
    ("2019年海淀的获投企业占比，大概是海淀朝阳以外那些其它区域的几倍？", Operation("ratio", "海淀的获投企业占比", "其它区域")),
    # a whole is those of its group where they are (a part is where it is: "北京落在海淀的" → 海淀)
    ("AI百强里落户北京的那些，朝阳区的算下来占百分之多少？", Operation("share", "AI百强里落户北京的那些", "朝阳区")),
    # a change whose subject is in the clause before: the frame
    ("海淀、朝阳以外的其它区域，获投企业占比2019年比2018年涨了几个百分点？",
     Operation("change", "获投企业占比", frame="其它区域")),
    ("Geek+和Momenta这两笔融资加一起是多少？", Operation("sum", "Geek+", "Momenta这两笔融资")),
    # 加 alone joins the sides (not 增加), and what the sum is of may stand between 一共 and 多少
    ("2018年海淀加朝阳一共占北京获投AI企业的多少？", Operation("sum", "海淀", "朝阳")),
    ("特斯联比第四范式多融了多少？", Operation("difference", "特斯联", "第四范式")),  # a verb between 多 and 了
    # a clause before the sides frames the question; the sides are what the last clause names
    ("北京获投AI企业的注册地占比里，海淀比朝阳高出多少个百分点？", Operation("difference", "海淀", "朝阳")),
    # which of two is more or less
    ("海淀跟朝阳哪个区的AI企业占比比较高？各是多少", Operation("compare", "海淀", "朝阳", "高")),
    ("天使轮和B轮的公司，哪个数量占比更低", Operation("compare", "天使轮", "B轮的公司", "低")),
    ("人民币融资的多还是美元融资的多？", Operation("compare", "人民币融资", "美元融资", "多")),
    # a side ends before the words asking its amount
    ("人民币融资和美元融资各有多少家，哪个多？", Operation("compare", "人民币融资", "美元融资", "多")),
    ("车和家跟特斯联比，谁融的钱多？", Operation("compare", "车和家", "特斯联", "多")),  # "…比，" frames the sides
    ("跟2018年相比，朝阳区获投AI企业占比下降了几个百分点？", Operation("change", "朝阳区获投AI企业占比")),
    # two times compared: the frame names what changed (it was "2018年", and 海淀's change was shown in bold)
    ("朝阳区在获投AI公司里的份额，2019年比2018年掉了几个点？", Operation("change", "朝阳区在获投AI公司里的份额")),
    # a last clause that only says when ("从2018年到2019年"): what changed is named before it
    ("朝阳区在北京获投AI企业里的占比，从2018年到2019年掉了多少个百分点？", Operation("change", "朝阳区在北京获投AI企业里的占比")),
    # …or only the share asked ("占比由2018年到2019年"): it had been the subject "占比由"
    # …the rest besides named ones is the side, named last ("海淀朝阳以外的其它区域" is 其它区域)
    ("海淀朝阳以外的其它区域，占比由2018年到2019年提高了多少？", Operation("change", "其它区域")),
    ("2019年海淀的占比比海淀朝阳以外的其它区域高出多少个百分点？", Operation("difference", "海淀的占比", "其它区域")),
    # a side that only says it is counted ("的家数") names what is counted
    ("单笔融资过亿的那119家里，拿人民币的家数是拿美元的多少倍？", Operation("ratio", "拿人民币", "拿美元")),
    # how far apart two sides are, whichever is larger; a time before them says when ("2018年那会儿")
    ("2018年那会儿海淀、朝阳俩区的占比差了多少个点？", Operation("gap", "海淀", "朝阳俩区的占比")),
    ("海淀和朝阳的占比相差多少个百分点？", Operation("gap", "海淀", "朝阳的占比")),
    # the part said by what it has not done; "里头" closes the whole too
    ("全国4000多家AI企业里头，没拿过风投的大概有多少家？", Operation("complement", "全国4000多家AI企业", "拿过风投")),
    # …and with what it is said of before the negation ("单次融资没超过1亿元的": those over 1亿 are the part)
    ("北京获得融资的AI企业中，单次融资没超过1亿元的有多少家？",
     Operation("complement", "北京获得融资的AI企业", "单次融资超过1亿元")),
    # the count of what has not done something, without a "…里" whole: the part first, or the whole around the asking
    ("没获得融资的北京AI企业有多少家？", Operation("complement", "北京AI企业", "获得融资")),
    ("北京还没上市的获投AI企业有几家", Operation("complement", "北京获投AI企业", "上市")),
    ("北京有多少家AI企业没有拿到融资", Operation("complement", "北京AI企业", "拿到融资")),
    # a change whose years are compared after the subject's clause ("比2018年" is no side)
    ("朝阳区在北京获投AI企业里的占比，2019年比2018年变化了多少个百分点？",
     Operation("change", "朝阳区在北京获投AI企业里的占比")),
    # a whole closed by a comma; what is left out said after what it is of ("注册地不在海淀区的": 海淀区)
    ("北京的AI相关企业，尚未获得融资的有多少家？", Operation("complement", "北京的AI相关企业", "获得融资")),
    ("全国获投的AI企业里，还没上市的有多少家？", Operation("complement", "全国获投的AI企业", "上市")),  # not 还上市
    ("截至2019年4月，全国AI企业里北京以外的有多少家？", Operation("complement", "全国AI企业", "北京")),  # 里 first
    ("全国比2018年5月多出来的那批AI公司，除掉北京的还剩几家？",  # 除掉 takes away: not 除 and a part "掉北京"
     Operation("complement", "全国比2018年5月多出来的那批AI公司", "北京")),
    ("北京获投企业里，注册地不在海淀区的占百分之几？", Operation("complement", "北京获投企业", "海淀区")),
    # what remains, named after the part taken away ("其他地方一共还剩")
    ("全国4084家AI企业，刨掉北京的，其他地方一共还剩多少家？", Operation("complement", "全国4084家AI企业", "北京")),
    # a part's share of its whole
    ("全国新增的那44家AI公司里，北京占了几成？", Operation("share", "全国新增的那44家AI公司", "北京")),
    # a frame naming the subject of a change, tried when the side is found nowhere
    ("北京海淀、朝阳以外的其它区域，获投AI企业占比从2018到2019年涨了多少个百分点？",
     Operation("change", "获投AI企业占比", frame="其它区域")),
    ("海淀跟朝阳两个区加一块有几家？", Operation("sum", "海淀", "朝阳")),  # "两个区" says there are two
    # where some are is the side ("北京落在海淀的家数": 海淀's, "有42家位于海淀")
    ("国内AI前百强里，北京落在海淀的家数是朝阳的几倍？", Operation("ratio", "海淀", "朝阳")),
])
def test_the_asked_operation_is_read(question: str, operation: Operation) -> None:
    assert asked_operation(question) == operation


@pytest.mark.parametrize("question", [
    "海淀区的占比是多少？",                          # 占比 is no comparison
    "相比2018年，海淀区占比如何变化？",               # asks how, not how much
    "美国的白宫是拉特罗布和谁共同设计的？",            # 共同 is no sum
    "东京证券交易所和大阪证券交易所的上市企业合计总市值在全球名列第几位？",
    "寒武纪比地平线早成立吗？",
    "截至2019年4月，北京跟人工智能相关的企业一共有多少家？",  # 跟…相关: related to AI, not 北京 plus AI
    "2019年比2018年掉了几个点？",  # two times and nothing that changed
    "北京增加的AI企业一共有多少家？",  # 增加 is no 加 joining two sides, nor is 加大
    "政府加大AI投入一共多少钱？",
    "有多少家没拿到融资？",  # what was not done, of no named whole
    "百强里北京的那53家，除了海淀排第二的是哪个区？几家",  # which one, then its count
])
def test_questions_without_arithmetic_are_left_alone(question: str) -> None:
    assert asked_operation(question) is None


def test_a_difference_is_shown_with_both_operands_cited(assistant) -> None:
    answer = assistant.ask("海淀区的获投AI企业占比比朝阳区高出多少个百分点？")
    assert answer.answered and answer.short_answer == "36.65 个百分点"
    assert "62.44% − 25.79% = 36.65 个百分点" in answer.answer
    assert "62.44%" in answer.citations[0].text and "25.79%" in answer.citations[0].text


def test_each_operand_is_the_figure_of_the_asked_attribute(assistant) -> None:
    """One sentence gives each group's share of companies and then its share of funding: the funding question
    takes the funding shares (86.12%, 13.88%), not the first figure after each group (24.21%, 73.28%)."""
    answer = assistant.ask("B轮、C轮及以后企业的融资总额占比比A轮及以前高出多少个百分点？")
    assert answer.short_answer == "72.24 个百分点" and "86.12% − 13.88% = 72.24 个百分点" in answer.answer
    count = assistant.ask("A轮及以前的企业数量占比比B轮、C轮及以后高多少个百分点？")
    assert count.short_answer == "49.07 个百分点"
    # the whole's noun is no attribute of the part: one later "企业" does not move 北京's figure off 442家
    assert assistant.ask("全国获得过风险投资的AI企业里，不在北京的有多少家？").short_answer == "817家"


def test_a_change_takes_both_figures_of_one_statement(assistant) -> None:
    answer = assistant.ask("2019年海淀区获投AI企业的占比比2018年提高了几个百分点？")
    assert answer.answered and answer.short_answer == "提高 1.48 个百分点"
    assert "62.44% − 60.96% = 1.48 个百分点" in answer.answer
    fell = assistant.ask("2018到2019年朝阳区获投AI企业的占比下降了几个百分点？")
    assert fell.short_answer == "下降 2.74 个百分点" and "25.79% − 28.53% = -2.74 个百分点" in fell.answer
    # said the way people talk: 掉 (fell), 涨 (rose); the year after the subject says when, as one before it does
    dropped = assistant.ask("朝阳区AI企业占比2019年比2018年掉了几个百分点？")
    assert dropped.short_answer == "下降 2.74 个百分点" and dropped.answer.startswith("朝阳区AI企业占比由")
    assert assistant.ask("其它区域的获投AI企业占比从2018到2019年提高了多少个百分点？").answer.startswith(
        "其它区域的获投AI企业占比由 10.51% 变为 11.77%")
    assert assistant.ask("海淀区获投AI企业的占比涨了多少？").short_answer == "提高 1.48 个百分点"
    # the change whose own subject the question names, not the first after a name it mentions on the way (海淀):
    # "…朝阳区由28.53%下降到25.79%，其它区域由10.51%提高到11.77%"
    assert assistant.ask("海淀朝阳以外的其它区域，占比由2018年到2019年提高了多少？").short_answer == "提高 1.26 个百分点"
    # the share asked is no part of the subject: "海淀区的占比由…" does not name "朝阳区的占比" better than "朝阳区由…"
    assert assistant.ask("朝阳区的占比从2018年到2019年下降了多少个百分点？").short_answer == "下降 2.74 个百分点"
    # compared with "上一年", a time without a number: a change the report states itself ("同比增长46.1%")
    said = assistant.ask("北京AI相关软件企业的收入比上一年涨了多少？")
    assert said.answered and "46.1%" in said.answer


def test_a_side_the_statement_names_without_its_leading_verb_is_found(assistant) -> None:
    """"用人民币融资的" is written "人民币融资69家": most of the side is enough; a side of which only a word is
    written ("用欧元融资的": 融资) is missing."""
    answer = assistant.ask("单次融资超过1亿元的北京AI企业中，用人民币融资的比用美元融资的多几家？")
    assert answer.short_answer == "19家" and "69家 − 50家 = 19家" in answer.answer
    missing = assistant.ask("单次融资超过1亿元的北京AI企业中，用欧元融资的比用美元融资的多几家？")
    assert not missing.answered and "用欧元融资" in missing.answer


def test_a_complement_subtracts_the_part_from_the_whole(assistant) -> None:
    answer = assistant.ask("截至2019年4月，全国的AI企业中北京以外的有多少家？")
    assert answer.answered and answer.short_answer == "3000家"
    assert "4084家 − 1084家" in answer.answer


@pytest.mark.parametrize(("question", "computed"), [
    # of two statements holding both sides and covering the question alike, the one whose figures count what is
    # asked: not what was added ("新增44家", "新增14家"), nor a set a relative clause narrows ("获得过风险投资的…1259家")
    ("全国的AI企业中北京以外的有多少家？", "4084家 − 1084家 = 3000家"),
    ("除了北京，全国其他地方加起来还有多少家AI企业？", "4084家 − 1084家 = 3000家"),
    # unless the question asks about what was added
    ("全国较2018年5月新增的AI企业里，北京以外的有几家？", "44家 − 14家 = 30家"),
    ("跟2018年5月比，全国新增的AI企业里北京以外的有几家？", "44家 − 14家 = 30家"),
    # "多出来的" asks about what was added too
    ("全国比2018年5月多出来的那批AI公司，除掉北京的还剩几家？", "44家 − 14家 = 30家"),
    # a figure written before its side in the side's own clause ("有42家位于海淀，6家位于朝阳")
    ("百强里北京那些AI企业，海淀比朝阳多出几家？", "42家 − 6家 = 36家"),
    # but not a bare number there ("《2019北京人工智能发展白皮书》"): no unit asked, the next mention's figure
    ("截至2019年4月，全国的AI企业比北京的多多少？", "4084家 − 1084家 = 3000家"),
    # a leading "按…算" says what every figure measures: the share of the money, not of the companies
    ("按融资额算，B轮往后的公司比A轮及以前的占比多出多少个点？", "86.12% − 13.88% = 72.24 个百分点"),
    # "全国的人工智能企业" is not "…风险投资的人工智能企业1259家": the part without 全国 leaves out most of what it names
    ("全国的人工智能企业里，北京以外的一共有多少家？", "4084家 − 1084家 = 3000家"),
    # "A轮的企业占比": a share of A轮, not the later "天使轮（含preA）企业占比28.48%" (the words asking a share are
    # no attribute, and "企业" is the first figure's too)
    ("A轮的企业占比比天使轮（含preA）高出多少个百分点？", "44.80% − 28.48% = 16.32 个百分点"),
    # the other side's attribute takes no figure far from a mention: "北京" of the title "《2019北京人工智能发展白皮书》"
    # is followed, 40 characters on, by "全国人工智能企业4084家", which says all of 全国AI企业
    ("截至2019年4月全国AI企业里不在北京的有多少家？", "4084家 − 1084家 = 3000家"),
    # a round number the side says of its own figure ("4000多家") is neither its attribute nor a number its
    # sentence must hold; 刨掉 takes a part away as 扣掉 does
    ("全国4000多家AI企业，刨掉北京的还剩多少家？", "4084家 − 1084家 = 3000家"),
    # a side is found as the question writes it or in the report's words (其它 and 其他 are one word): 其它区域 is
    # written as the question writes it
    ("2018年朝阳区的占比比其它区域高多少个百分点？", "28.53% − 10.51% = 18.02 个百分点"),
    # the earlier year of "相比2018年，2019年…由60.96%提高到62.44%" asks for the figures changes start from
    ("2018年北京的获投企业里，海淀区占比比朝阳区高出多少个百分点？", "60.96% − 28.53% = 32.43 个百分点"),
    # both years named: the later figures, as the report's own framing of the change says
    ("相比2018年，2019年海淀区的占比比朝阳区高出多少个百分点？", "62.44% − 25.79% = 36.65 个百分点"),
    # an alias is found in the report's words ("ai" → 人工智能), and so is the attribute: "新增…企业数" is what
    # "全国获投企业数较2018年5月新增22家" says, not the 1259 companies before it
    ("较2018年5月，全国新增AI企业数大约是北京新增数的几倍？", "44家 ÷ 14家 ≈ 3.14 倍"),
])
def test_each_figure_counts_what_the_question_asks(assistant, question: str, computed: str) -> None:
    assert computed in assistant.ask(question).answer


def test_a_rest_the_report_states_is_quoted_not_recomputed(assistant) -> None:
    """"其它区域由10.51%提高到11.77%": what is left besides 海淀 and 朝阳 is stated, not whole − part."""
    answer = assistant.ask("除了海淀朝阳，北京其他区加起来2019年占多少比例？")
    assert "11.77%" in answer.answer and "−" not in answer.answer


def test_a_part_larger_than_its_whole_is_no_complement(assistant) -> None:
    """The whole's mention finds "新增22家" (全国获投), the part 北京's 442家: "22家 − 442家 = -420家" would be a
    confident wrong answer; the question is answered from the sentences instead."""
    answer = assistant.ask("全国获投的上市AI公司里，北京以外的有几家？")
    assert "−" not in answer.answer and answer.short_answer is None


def test_a_missing_operand_is_named(assistant) -> None:
    answer = assistant.ask("海淀区的获投AI企业占比比丰台区高出多少个百分点？")
    assert not answer.answered and "丰台区" in answer.answer and answer.short_answer is None


def test_a_total_the_report_states_is_quoted_not_recomputed(assistant) -> None:
    answer = assistant.ask("海淀和朝阳两区合计占比多少？")
    assert answer.answered and "88%" in answer.answer and "+" not in answer.answer
    # unless the question asks another year than the total's: 2018's shares are added
    earlier = assistant.ask("2018年的时候，海淀和朝阳的获投企业占比合计是多少？")
    assert earlier.short_answer == "89.49%" and "60.96% + 28.53% = 89.49%" in earlier.answer


def test_a_change_of_a_year_the_report_does_not_give_is_not_computed(assistant) -> None:
    """The report gives the districts' shares for 2018 and 2019: "2017年…比2019年低几个百分点" is no change from
    2018 (it was answered "62.44% − 60.96% = 1.48 个百分点")."""
    answer = assistant.ask("2017年海淀区获投企业占比是多少？比2019年低几个百分点？")
    assert not answer.answered and "2017" in answer.answer and "−" not in answer.answer


def test_sides_that_differ_by_one_word_each_take_the_figure_of_their_own_sentence(assistant) -> None:
    """The sides differ only by 获投 and 数量: 北京's 35.1% is in the sentence about companies with venture capital
    (获投 is written later in it), its 26.5% — written "北京人工智能相关企业数量达1084家，占全国…的26.5%", beyond the
    usual reach of a side's mention but said by its attribute — in the sentence about the number of companies.
    Before, both sides fell on 35.1% ("35.1% − 35.1% = 0" was caught, and nothing was computed)."""
    answer = assistant.ask("北京获投AI企业占全国的比例，比北京AI企业数量占全国的比例高多少？")
    assert answer.short_answer == "8.6 个百分点" and "35.1% − 26.5% = 8.6 个百分点" in answer.answer


@pytest.mark.parametrize(("question", "unfound"), [
    # a side said by what was not done is not the figure of those that did ("全国获得过风险投资的…1259家"): a
    # confident "442家 − 1259家 = -817家" before
    ("北京的AI企业里，获得过融资的比没获得过的多几家？", "没获得过"),
    ("北京的获投AI企业里，不是上市公司的比上市公司多几家？", "不是上市公司"),
    # 获投 is in no sentence of the 28.48% that "企业占比" would take: a confident 44.80% − 28.48% before
    ("北京AI企业数量占全国的比例比获投企业占比低多少？", "获投企业占比"),
    # the report counts rounds over 1亿 and over 10亿, never over 5亿: "69家 − 14家 = 55家" before
    ("单次融资超过5亿元人民币的北京AI企业，比超过10亿元的多几家？", "超过5亿元"),
])
def test_a_side_takes_no_figure_from_a_sentence_without_what_it_names(assistant, question: str, unfound: str) -> None:
    answer = assistant.ask(question)
    assert not answer.answered and unfound in answer.answer and answer.short_answer is None


@pytest.mark.parametrize(("question", "shown", "short"), [
    ("海淀跟朝陽哪個區的AI企業佔比比較高？各是多少", "海淀 62.44%[1]，朝陽 25.79%[1]：海淀更高（62.44% > 25.79%）。", "海淀"),
    ("海淀和朝阳哪个区的AI企业占比更低？", "朝阳更低（25.79% < 62.44%）", "朝阳"),
    ("B轮的企业和C轮及以后的企业，哪个占比更高？", "B轮的企业 14.48%[1]，C轮及以后的企业 9.73%[1]：B轮的企业更高", "B轮的企业"),
    ("单笔融资过亿的北京AI公司里，人民币融资的多还是美元融资的多？", "人民币融资更多（69家 > 50家）。", "人民币融资"),
    # by how much, when asked
    ("单笔融资过亿的北京AI公司里，人民币融资的多还是美元融资的多？差几家", "人民币融资更多（69家 > 50家），相差 19家。",
     "人民币融资"),
    ("海淀和朝阳哪个区的AI企业占比更高？高多少？", "海淀更高（62.44% > 25.79%），相差 36.65 个百分点。", "海淀"),
])
def test_which_of_two_is_more_is_shown_with_both_figures(assistant, question, shown, short) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer and answer.short_answer == short


def test_a_comparison_of_table_rows_is_left_to_the_table(assistant) -> None:
    """The sentences give 车和家 and 特斯联 no figure: the comparison is the table's (tables.py)."""
    answer = assistant.ask("车和家跟特斯联比，谁融的钱多？")
    assert answer.answer.startswith("据表 1") and answer.short_answer == "车和家"


@pytest.mark.parametrize(("a", "b", "way", "said", "short"), [
    ("50%", "50%", "高", "两者相同（50%）。", None),
    ("10亿", "2万", "多", "甲更多（10亿 > 2万）。", "甲"),  # 亿 and 万 compared in one unit
    ("10亿", "2万", "少", "乙更少（2万 < 10亿）。", "乙"),
    ("2万", "10亿", "少", "甲更少（2万 < 10亿）。", "甲"),
])
def test_a_comparison_names_the_side_its_direction_asks_for(a, b, way, said, short) -> None:
    def figure(text: str) -> Figure:
        m = re.fullmatch(r"(\d+)(.*)", text)
        return Figure(Decimal(m[1]), m[2], text, candidate=None)  # type: ignore[arg-type]  # not cited here

    computed = _compared(Operation("compare", "甲", "乙", way), figure(a), figure(b), "", gap=False)
    assert computed.text == said and computed.short == short


@pytest.mark.parametrize(("question", "unsaid"), [
    ("海淀和丰台哪个区的AI企业占比更高？", "无法计算"),  # one side has no figure: the other paths (丰台: a near miss)
    ("人民币融资和海淀区哪个多？", "更多"),  # 69家 and 62.44% are no two amounts of one thing
])
def test_a_comparison_without_two_figures_of_one_unit_computes_nothing(assistant, question, unsaid) -> None:
    assert unsaid not in assistant.ask(question).answer


def test_a_bare_year_is_no_figure() -> None:
    """"从2015到2016年": the 年 is written once, after the second year; 2015 is a year all the same."""
    assert [m.group() for m in figures_in("北京人工智能企业从2015到2016年爆发式增长，新增44家")] == ["44家"]
    assert [m.group() for m in figures_in("其中北京2015家企业")] == ["2015家"]  # with a unit it is a count


def test_a_figure_of_another_round_group_is_no_operand(assistant) -> None:
    """"数量占比" is written in the B/C group's clause (24.21%); the A group's 73.28% and 13.88% are said after
    "A轮及以前": its share of the number, and of the money in the next clause, whose subject carries over."""
    answer = assistant.ask("北京A轮及以前的AI公司，数量占比比融资总额占比高出几个百分点？")
    assert answer.short_answer == "59.4 个百分点" and "73.28% − 13.88%" in answer.answer
    other = assistant.ask("B轮、C轮及以后的企业，数量占比比融资总额占比低多少")  # its money share is not found
    assert "13.88%" not in other.answer or not other.answered


def test_only_codes_of_one_kind_tell_groups_apart() -> None:
    """"ai企" (AI企业) and "b轮" are codes of different words: a question naming only the first names no round."""
    assert _of_another_code("B轮、C轮及以后的企业数量占比", frozenset({"a轮", "ai公"}))
    assert not _of_another_code("B轮、C轮及以后的企业数量占比", frozenset({"ai企"}))
    assert not _of_another_code("B轮、C轮及以后的企业数量占比", frozenset({"b轮", "ai企"}))
    # a clause with a subject of its own does not carry the one before it; one opened by a connective does
    assert not _of_another_code("大多处于A轮，占比达44.80%，天使轮（含preA）企业占比", frozenset({"b轮"}))
    assert _of_another_code("处于A轮及以前的企业数量占73.28%，但是融资总额占比", frozenset({"b轮"}))


@pytest.mark.parametrize(("question", "shown", "short"), [
    # the whole of a share is 100 %; the part's share is the one a statement about that whole gives
    ("全國AI企業裡，北京以外的地方加起來佔了百分之多少？", "北京 26.5%[1]：100% − 26.5% = 73.5%。", "73.5%"),
    ("全国获投AI企业当中，北京以外的占全国的比例是多少？", "北京 35.1%[1]：100% − 35.1% = 64.9%。", "64.9%"),
    # a ranking's length is its whole when the part is counted in that ranking
    ("国内AI前百强里不在北京的有多少家", "国内AI前百强 100家[1]，北京 53家[1]：100家 − 53家 = 47家。", "47家"),
])
def test_a_complement_of_a_share_or_a_ranking_has_its_whole_from_the_question(assistant, question, shown,
                                                                              short) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer and answer.short_answer == short


def test_a_ranking_is_no_whole_of_a_part_counted_elsewhere(assistant) -> None:
    """"top100里，北京以外的": the part's figure found first is 北京's 14 new companies, of a sentence naming no
    ranking; 100 − 14 would be wrong, so the whole stays unfound."""
    answer = assistant.ask("全国AI top100里，北京以外的有几家？")
    assert "86" not in answer.answer and answer.short_answer is None


def test_a_side_keeps_the_count_word_the_report_writes(assistant) -> None:
    """"上海的人工智能企业数量": 数量 stays (reports write it), so the side is not found as the "全国人工智能企业4084家" of
    a sentence that never names 上海 ("的家数" alone is dropped, as in the ratio above)."""
    answer = assistant.ask("上海的人工智能企业数量比北京少多少家？")
    assert not answer.answered and "3000" not in answer.answer


def test_which_is_larger_also_says_how_many_times_when_asked(assistant) -> None:
    answer = assistant.ask("海淀跟朝阳哪个区的获投AI公司占比更大？大概是另一个的几倍")
    assert "海淀更大（62.44% > 25.79%），62.44% ÷ 25.79% ≈ 2.42 倍。" in answer.answer and answer.short_answer == "海淀"


def test_how_much_lower_is_the_second_minus_the_first(assistant) -> None:
    """"A比B低多少" is B − A, a positive gap (it had been "13.88% − 86.12% = -72.24 个百分点")."""
    answer = assistant.ask("按融资总额算，A轮及以前的企业占比比B轮、C轮及以后的低多少个百分点？")
    assert "86.12% − 13.88% = 72.24 个百分点" in answer.answer and answer.short_answer == "72.24 个百分点"


def test_an_operand_is_of_what_the_question_measures_by(assistant) -> None:
    """"按融资总额算": the company-count shares of C轮及以后 (9.73%) and B轮 (14.48%) are not its operands."""
    answer = assistant.ask("按融资总额算，C轮及以后企业的占比比B轮企业高多少个百分点？")
    assert "4.75" not in answer.answer and answer.short_answer is None


@pytest.mark.parametrize(("question", "shown"), [
    ("倒回2018年5月那会儿，全国一共有多少家人工智能企业？", "全国人工智能企业 4084家[1]，较2018年5月新增 44家[2]：4084家 − 44家 = 4040家。"),
    ("2018年5月那会儿，北京有多少家AI相关企业？", "北京市 1084家[1]，较2018年5月新增 14家[2]：1084家 − 14家 = 1070家。"),
    ("往回推到2018年5月，北京拿到风投的AI企业当时有几家？", "北京市 442家[1]，较2018年5月新增 11家[1]：442家 − 11家 = 431家。"),
    ("2018 年 5 月全国获得过风投的 AI 企业有多少家？", "全国获投企业数 1259家[1]，较2018年5月新增 22家[1]：1259家 − 22家 = 1237家。"),
])
def test_a_count_at_the_base_date_of_a_change_is_the_count_now_less_the_change(assistant, question, shown) -> None:
    """The count now and the change are of one population: 北京's 14 new AI companies come off its 1084, not off
    the 442 companies that got venture capital (another population, in the next clause)."""
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer


@pytest.mark.parametrize("question", [
    "截至2018年5月，北京获投的AI企业里有几家上市公司？",  # the change counts no listed companies
    "跟2018年5月比，北京多出来几家AI企业？",  # asks the change itself
    "2018年5月深圳有多少家AI企业？",  # no change of 深圳
    "2017年5月那会儿，北京有多少家AI相关企业？",  # no change counted from that date
    "2018年北京有多少家AI相关企业？",  # a year alone: the change counts from a month of it
])
def test_a_count_at_a_base_date_is_computed_only_for_a_population_the_change_counts(assistant, question) -> None:
    answer = assistant.ask(question)
    assert " − " not in answer.answer


def test_how_far_apart_two_sides_are_is_the_larger_less_the_smaller(assistant) -> None:
    """"差了多少" asks a size, not a signed difference; "18年那会儿" picks the earlier figures of "由 x 提高到 y"."""
    answer = assistant.ask("18年那会儿海淀、朝阳俩区在获投企业里的占比差了多少个点？")
    assert "60.96% − 28.53% = 32.43 个百分点" in answer.answer
    assert assistant.ask("朝阳跟海淀的占比差多少").short_answer == "36.65 个百分点"


@pytest.mark.parametrize(("question", "shown"), [
    # a whole that states its size is that figure; the part is the one its statement names after it
    ("北京那442家获投企业里，不是上市公司的有几家？", "北京获投企业 442家[1]，上市公司 12家[1]：442家 − 12家 = 430家。"),
    ("全国4084家AI企业，刨掉北京的，其他地方一共还剩多少家？", "4084家 − 1084家 = 3000家。"),
    # a part's share of a whole, both counted (14 of the 44 new companies)
    ("全国比18年5月多出来的那44家AI公司里，北京占了几成啊？", "北京 14家[1]：14家 ÷ 44家 ≈ 31.82%。"),
    ("国内AI百强里，北京的占了多少", "国内AI百强 100家[1]，北京 53家[1]：53家 ÷ 100家 ≈ 53%。"),
    ("那44家里，北京占了几成？", "44家[1]，北京 14家[1]：14家 ÷ 44家 ≈ 31.82%。"),  # a whole that is only its size
    # a whole of a stated size before a comma; the part by a chat word; 已经 says when, not what
    ("全国4000多家AI企业，拿过VC的比例是多少？", "全国AI企业 4084家[1]，拿过VC 1259家[2]：1259家 ÷ 4084家 ≈ 30.83%。"),
    ("北京拿过风投的那442家AI startup里，已经上市的占百分之几？", "上市 12家[1]：12家 ÷ 442家 ≈ 2.71%。"),
    # a side that states its size has that figure (not the 12家 after "北京442家")
    ("北京获投的442家企业比全国获投的1259家少多少家", "1259家 − 442家 = 817家。"),
    # the part of a whole is the one its statement names after the whole (12家, not 全国's 31家 before it)
    ("北京那批拿到VC的AI公司，扣掉已经上市的，还剩多少家？", "442家[1]，上市 12家[1]：442家 − 12家 = 430家。"),
    ("北京AI企業裡，不在A輪的企業加起來佔多少？", "A輪 44.80%[1]：100% − 44.80% = 55.2%。"),  # 占多少 asks a share
    ("按家数算，A轮的比B轮的高了几个百分点？", "44.80% − 14.48% = 30.32 个百分点。"),  # 家数 is the report's 数量
    ("国内AI前百强里，北京落在海淀的家数是朝阳的几倍？", "海淀 42家[1]，朝阳 6家[1]：42家 ÷ 6家 ≈ 7 倍。"),
    # a stated total in percent ("合计超过88%") is no count of companies
    ("国内AI百强里落户北京的那53家，海淀跟朝阳两个区加一块有几家？", "海淀 42家[1]，朝阳 6家[1]：42家 + 6家 = 48家。"),
    ("北京海淀、朝阳以外的其它区域，获投AI企业占比从2018到2019年涨了多少个百分点？",
     "其它区域的获投AI企业占比由 10.51% 变为 11.77%[1]：11.77% − 10.51% = 1.26 个百分点"),
    # the part said by what it has not done, in a chat word ("风投") read as the report writes it (风险投资)
    ("全国4000多家AI企业里头，没拿过风投的大概有多少家？", "全国AI企业 4084家[1]，拿过风投 1259家[2]：4084家 − 1259家 = 2825家。"),
])
def test_a_whole_of_a_stated_size_a_share_and_a_framed_change_are_computed(assistant, question, shown) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer


@pytest.mark.parametrize("question", [
    "北京那500家AI企业里，不是上市公司的有几家？",  # no whole of that size
    "浙江获得过风险投资的AI企业比北京的442家少多少家？",  # a place the report never names
    "百强里北京那几家，除了海淀朝阳，剩下西城、平谷、昌平加一块是几家？",  # what remains, named item by item
    "北京获投AI企业中，海淀区占比多少",  # a whole of no stated size: the report's own share answers
    "全国AI企业里，北京获投企业占几成",  # …not 22家 ÷ 1259家, two figures of other populations
    "全国AI企业里，北京占几成",  # the report states the share (26.5%): quoted, not recomputed
    "2019年海淀的获投企业占比，是海淀那边的几倍？",
    "海淀区获投企业的占比是海淀区2019年占比的几倍？",  # one fact said twice in a passage: 62.44% ÷ 62.44% is no answer
])
def test_a_share_stated_a_whole_of_an_unstated_size_or_an_unnamed_place_computes_nothing(assistant, question) -> None:
    answer = assistant.ask(question)
    assert " − " not in answer.answer and " ÷ " not in answer.answer


@pytest.mark.parametrize(("question", "shown"), [
    # the whole is Beijing's 1084家, not the national 1259家 of "全国获得过风险投资的…1259家(含31家上市公司)"; the part is
    # the 12家 the sentence gives once it comes to 北京 ("其中北京442家(含12家上市公司)"), not 全国's 31家
    ("北京的AI企业中，不是上市公司的有几家？", "北京的AI企业 1084家[1]，上市公司 12家[2]：1084家 − 12家 = 1072家。"),
    # the part 拿过风投 is Beijing's: the figure after "其中北京" (442家), not the national 1259家 its mention is near
    ("北京的AI相关公司里头，没拿过风投的粗算一下大概剩多少家？", "1084家[1]，拿过风投 442家[2]：1084家 − 442家 = 642家。"),
    # jieba's one word "没拿到": its verb's written form (获得) finds "北京共有442家企业获得融资"
    ("北京那1084家AI相关企业里，没拿到过融资的大概有多少家？", "拿到过融资 442家[2]：1084家 − 442家 = 642家。"),
    # the figures of an aside in brackets break the mention's own down: 119家, not the 69家 of "（人民币融资69家…）"
    ("北京442家獲投企業中，單次融資超過1億元人民幣的佔比多少？", "單次融資超過1億元人民幣 119家[2]：119家 ÷ 442家 ≈ 26.92%。"),
    # "融资总额占比" is written whole only in the A轮 group's clause (13.88%, another group): the B/C group's share is
    # found by its shorter mention, "融资总额1319.89亿元，占比86.12%"
    ("B轮、C轮及以后那些企业，融资总额占比比它们的数量占比高了多少个百分点？", "86.12% − 24.21% = 61.91 个百分点。"),
    # those of a ranking in one place are the 53家 the report counts there, not the ranking's 100
    ("AI百强里落户北京的那些，朝阳区的算下来占百分之多少？", "6家 ÷ 53家 ≈ 11.32%。"),
    # an aside breaks down the figure before it only in its unit: "人民币" is the 69家 after "…1亿元人民币（"
    ("单笔融资过亿的那119家里，拿人民币的家数是拿美元的多少倍？", "拿人民币 69家[1]，拿美元 50家[1]：69家 ÷ 50家 ≈ 1.38 倍。"),
    ("海淀、朝陽以外的其它區域，獲投企業佔比19年比18年漲了幾個percentage points？", "11.77% − 10.51% = 1.26 个百分点"),
])
def test_a_side_of_a_place_takes_no_figure_of_a_whole_area_the_place_is_named_after(assistant, question, shown) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer


@pytest.mark.parametrize(("question", "shown"), [
    ("百强里北京那几家，除了海淀朝阳，剩下西城、平古、昌平加一块是几家？", "西城 1家[1]，平谷 2家[1]，昌平 2家[1]：1家 + 2家 + 2家 = 5家。"),
    # an attribute said once after the last item is every item's
    ("天使轮、A轮、B轮的占比加起来是多少", "28.48% + 44.80% + 14.48% = 87.76%。"),
])
def test_three_listed_items_are_added_up_each_cited(assistant, question, shown) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer and answer.short_answer == shown.split(" = ")[1].rstrip("。")


def test_a_listed_item_without_a_figure_is_named_and_table_rows_are_left_to_the_table(assistant) -> None:
    refused = assistant.ask("天使轮、A轮、E轮的占比加起来是多少")
    assert not refused.answered and "“E轮的占比”" in refused.answer
    assert "= 22 亿美元" in assistant.ask("商汤、地平线、旷视这仨的融资加起来多少").answer


@pytest.mark.parametrize(("question", "wholes"), [
    ("北京的AI企业里，没获得过融资的有几家？", ("北京的AI企业有多少家",)),  # asked as a count, in the asked unit
    ("北京那1084家AI相关企业里，没拿到过融资的大概有多少家？", ()),  # a whole stating its size is found by it
    ("海淀区的占比比朝阳区高多少个百分点？", ()),  # no complement
])
def test_a_complement_retrieves_its_whole_asked_as_a_count(question: str, wholes: tuple[str, ...]) -> None:
    assert wholes_to_find(question) == wholes


@pytest.mark.parametrize(("question", "shown"), [
    # the whole's statement is retrieved for it; "北京有119家人工智能企业单次融资…" is no whole of 442 funded firms
    ("北京的AI企业里，没获得过融资的有几家？", "北京的AI企业 1084家[1]，获得过融资 442家[2]：1084家 − 442家 = 642家。"),
    ("没获得融资的北京AI企业有多少家？", "1084家 − 442家 = 642家"),
    ("北京获得融资的AI企业中，单次融资没超过1亿元的有多少家？", "442家 − 119家 = 323家"),
])
def test_a_count_of_what_was_not_done_is_the_whole_less_those_that_did(assistant, question: str, shown: str) -> None:
    answer = assistant.ask(question)
    assert answer.answered and shown in answer.answer


def test_operands_of_another_year_than_asked_compute_nothing(assistant) -> None:
    """The report counts 北京's AI companies 截至2019年4月: "2018年…" is not 1084家 − 442家 — the operand is named with
    the year. A comparison's base date ("较2018年5月新增22家") dates no figure, so 2019's question is computed."""
    earlier = assistant.ask("2018年北京有多少家AI企业没拿到融资")
    assert not earlier.answered and "“2018年的北京AI企业”" in earlier.answer and "−" not in earlier.answer
    assert "1084家 − 442家 = 642家" in assistant.ask("2019年北京的AI企业里，没拿过风投的有几家？").answer
    # a date the passage writes only as a comparison's base ("较2018年5月新增22家") is not the figures' time
    compared = assistant.ask("18年5月那会儿，北京获投的AI公司里还没上市的有几家？")
    assert not compared.answered and "“2018年5月的北京获投的AI公司”" in compared.answer


def test_a_change_is_no_operand_of_a_question_asking_none(assistant) -> None:
    """"全国获投企业数较2018年5月新增22家" is no count of 全国's companies with venture capital: "22家 ÷ 442家 ≈ 0.05 倍"
    before."""
    answer = assistant.ask("全國拿到VC的AI企業數，大概是北京的幾倍？")
    assert "22家" not in answer.answer and answer.short_answer != "0.05 倍"


def test_a_computed_answer_to_a_traditional_question_is_worded_in_it_but_its_figures_as_the_report_writes_them(
        assistant) -> None:
    """The sides as the question names them (1億元 of a side is its word), the calculation's figures as the report's
    ("个百分点" of a result stays: a key is never rewritten)."""
    answer = assistant.ask("北京獲得融資的AI企業中，單次融資沒超過1億元的有多少家？")
    assert answer.answer == "北京獲得融資的AI企業 442家[1]，單次融資超過1億元 119家[2]：442家 − 119家 = 323家。"
    changed = assistant.ask("朝陽區在北京獲投AI企業裡的佔比，2019年比2018年變化了多少個百分點？").answer
    assert changed.startswith("朝陽區在北京獲投AI企業裡的佔比由 28.53% 變為 25.79%[1]：") and "2.74 个百分点" in changed


@pytest.mark.parametrize(("question", "said"), [
    ("朝阳区的占比比海淀区高多少个百分点？", "= -36.65 个百分点，即朝阳区的占比比海淀区低 36.65 个百分点。"),
    ("海淀区的占比比朝阳区低多少个百分点？", "= -36.65 个百分点，即海淀区的占比比朝阳区高 36.65 个百分点。"),
    ("全国AI企业比北京AI企业少多少家", "= -3000家，即全国AI企业比北京AI企业多 3000家。"),
])
def test_a_difference_the_other_way_round_than_asked_says_so(assistant, question: str, said: str) -> None:
    assert assistant.ask(question).answer.endswith(said)


def test_a_stated_rest_that_leaves_out_more_than_the_part_is_no_answer_to_its_rest(assistant) -> None:
    """"其它区域由10.51%提高到11.77%" is what 海淀 and 朝阳 leave: the rest besides 海淀 alone is computed."""
    answer = assistant.ask("北京獲投企業裡，註冊地不在海淀區的佔百分之幾？")
    assert answer.short_answer == "37.56%" and "100% − 62.44% = 37.56%" in answer.answer


def test_a_stated_rest_is_the_parts_when_each_clause_giving_a_figure_before_it_names_the_part(assistant) -> None:
    """"相比2018年" gives no figure and names neither district; "朝阳区由28.53%…" names one the part 海淀区 lacks."""
    understood = assistant.understand("除了海淀朝阳，北京其他区加起来2019年占多少比例？")
    found = retrieve(assistant.index, understood.searched, 8, assistant.settings.retrieval)
    support = Support(analyse(understood, found.query_vector, assistant.context).terms, assistant.context.writes_any)
    text = "相比2018年，2019年海淀区的占比由60.96%提高到62.44%，朝阳区由28.53%下降到25.79%，其它区域由10.51%提高到11.77%。"
    assert _states_rest_of("海淀朝阳", text, "%", support)
    assert not _states_rest_of("海淀区", text, "%", support)


@pytest.mark.parametrize("question", [
    "北京AI企业里光C轮（不算D轮及以后）的占比多少？",  # a bracketed qualifier of the part, no rest
    "北京AI企业里纯天使轮、不算preA的那部分占比是多少？",  # one listed item said without another
    "北京AI企业里纯天使轮、不是preA的那部分占比是多少？",
])
def test_a_part_qualified_by_what_it_leaves_out_is_no_rest(question: str) -> None:
    """Both had been "100% − …" (75.79%, 71.52%) for one step: what is taken away opens the rest only right after
    the whole."""
    operation = asked_operation(question)
    assert operation is None or operation.kind != "complement"
