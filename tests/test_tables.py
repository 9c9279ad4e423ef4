"""Table reasoning: typed columns of every table ingest finds, and the operations a question asks of a table —
on a hand-made Markdown table indexed by the real pipeline (column names unlike Table 1's) and on Table 1."""

from __future__ import annotations

import pytest

from qa.answer.arithmetic import Operation
from qa.answer.table_query import Op, TableQuery
from qa.answer.tables import _computed, wording
from qa.config import ChunkingSettings, Settings
from qa.ingest.columns import ColumnType, corpus_tables
from qa.ingest.passages import build_passages
from qa.ingest.read import read_corpus
from qa.ingest.values import find_amount, find_date
from qa.pipeline import Assistant
from qa.text import normal_form
from tests.test_readers import DOCUMENTS

ROBOTS = """# 长三角机器人企业调研

## 一、企业名单

调研走访了长三角地区的六家机器人企业，名单与融资情况如下。

表 2 受访机器人企业（截至2021年6月）

| 序号 | 企业 | 创立日期 | 融资阶段 | 单笔融资 | 员工人数 |
|---|---|---|---|---|---|
| 1 | 云梯机器人 | 2015年3月 | A轮 | 3000万元 | 120 |
| 2 | 蓝鲸智造 | 2012.06 | C轮 | 1.2亿元 | 800 |
| 3 | 青禾自动化 | 2017-9 | A轮 | 数亿人民币 | 300 |
| 4 | 星火协作 | 2012年11月 | 战略投资 | 5000万美元 | 450 |
| 5 | 远帆科技 | 2019-1 | A轮 | 800万元 | 40 |
| 6 | 澄明视觉 | 2016年8月 | C轮 | 一亿五千万元 | 260 |

## 二、发展建议

受访企业普遍反映高端人才紧缺，建议加大人才引进力度。
"""


@pytest.fixture(scope="module")
def robots(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("robots")
    (corpus / "robots.md").write_text(ROBOTS, encoding="utf-8")
    return Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("robots-index")),
                     show_progress=False)


def ask(assistant: Assistant, question: str):
    answer = assistant.ask(question)
    assert answer.answered, answer.answer
    return answer


def cited(answer) -> list[str]:
    """The row names the answer cites, in citation order."""
    return [c.text.split()[1] for c in answer.citations if c.text.split()[0].isdigit()]


@pytest.mark.parametrize("cell, year, month", [("2016-3", 2016, 3), ("2016年3月", 2016, 3), ("2016.03", 2016, 3),
                                               ("2018.7 融资 6 亿美元", 2018, 7), ("2016", 2016, 0)])
def test_dates_in_cells(cell, year, month):
    found = find_date(cell)
    assert found is not None and (found.year, found.month) == (year, month) and found.text in cell


@pytest.mark.parametrize("cell, text, yuan", [("6 亿美元", "6 亿美元", 4.2e9), ("1.2亿元", "1.2亿元", 1.2e8),
                                              ("数亿人民币", "数亿人民币", 1e8), ("3000万", "3000万", 3e7),
                                              ("一亿五千万元", "一亿五千万元", 1.5e8),
                                              ("2019.3 融资 1 亿美元以上", "1 亿美元以上", 7e8)])
def test_amounts_in_cells_are_comparable(cell, text, yuan):
    found = find_amount(cell)
    assert found is not None and found.text == text and found.value == pytest.approx(yuan)


def test_a_date_or_bare_number_is_not_an_amount():
    assert find_amount("2018.10") is None and find_amount("321") is None


def test_column_types_come_from_values_not_names(robots):
    (table,) = robots.context.tables
    assert table.title.startswith("表 2")
    assert [c.type for c in table.columns] == [ColumnType.SERIAL, ColumnType.NAME, ColumnType.DATE,
                                               ColumnType.CATEGORY, ColumnType.AMOUNT, ColumnType.NUMBER]


def test_table_1_event_column_offers_dates_and_amounts(assistant):
    (table,) = assistant.context.tables
    columns = {c.name: c for c in table.columns}
    events = columns["融资事件"]
    assert events.type is ColumnType.TEXT and events.has_dates and events.has_amounts
    assert columns["轮次"].type is ColumnType.CATEGORY and columns["成立时间"].type is ColumnType.DATE


def test_docx_pdf_and_markdown_tables_are_typed():
    _, passages = build_passages(read_corpus(DOCUMENTS).documents, ChunkingSettings())
    types = {t.rows[0].source: [c.type for c in t.columns] for t in corpus_tables(passages)}
    assert types["briefing.docx"][:2] == [ColumnType.NAME, ColumnType.DATE]      # 成立年份 2016, 2018
    assert types["report.pdf"] == [ColumnType.NAME, ColumnType.NUMBER, ColumnType.NUMBER]
    assert types["data.md"][1] is ColumnType.NUMBER


# --- operations on the hand-made table -------------------------------------------------------------------------

@pytest.mark.parametrize("question, said, short", [
    ("表2里哪家企业创立最早？", "据表 2，按创立日期，最早的是蓝鲸智造（2012.06）[1]。", "蓝鲸智造"),
    ("表2中最晚创立的是哪家？", "最晚的是远帆科技（2019-1）[1]", "远帆科技"),
    ("单笔融资最大的是哪家？", "最大的是星火协作（5000万美元）[1]", "星火协作"),          # USD above 一亿五千万元
    ("表2里单笔融资最少的是哪家？", "最少的是远帆科技（800万元）[1]", "远帆科技"),
    ("哪家企业员工人数最多？", "按员工人数，最多的是蓝鲸智造（800）[1]", "蓝鲸智造"),
    ("融资阶段是A轮的有几家？", "融资阶段为“A轮”的共 3 家：云梯机器人[1]、青禾自动化[2]、远帆科技[3]", None),
    ("表2里2012年创立的企业有哪些？", "创立日期在2012年的共 2 项：蓝鲸智造[1]、星火协作[2]", None),
    ("表2里哪个融资阶段的企业最多？", "融资阶段中“A轮”最多，共 3 项", "A轮"),
    ("表2里哪个阶段的企业最多？", "融资阶段中“A轮”最多，共 3 项", "A轮"),  # 阶段: a noun naming a column
    ("云梯机器人和远帆科技哪个员工多？", "按员工人数，云梯机器人（120）[1]比远帆科技（40）[2]更多", "云梯机器人"),
    ("蓝鲸智造和澄明视觉分别是哪年创立的？", "蓝鲸智造的创立日期为2012.06[1]，澄明视觉的创立日期为2016年8月[2]", None),
    ("蓝鲸智造有多少员工？", "据表 2，蓝鲸智造：创立日期 2012.06，融资阶段 C轮，单笔融资 1.2亿元，员工人数 800[1]", "800"),
])
def test_operations_on_a_hand_made_table(robots, question, said, short):
    answer = ask(robots, question)
    assert said in answer.answer and answer.short_answer == short


def test_an_attribute_the_table_lacks_is_not_read_from_the_row(robots):
    assert "员工人数" not in robots.ask("云梯机器人的创始人是谁？").answer


# --- Table 1 of the bundled report ----------------------------------------------------------------------------

def test_table_1_earliest(assistant):
    answer = ask(assistant, "表1这些公司里哪家成立得最早？")
    assert answer.answer.startswith("据表 1，按成立时间，最早的是普强信息（2010-9）[1]。")
    assert answer.short_answer == "普强信息"


def test_table_1_count_of_a_round(assistant):
    answer = ask(assistant, "处于D轮的有几家？")
    assert "轮次为“D 轮”的共 5 家" in answer.answer
    assert cited(answer)[:5] == ["旷视科技", "普强信息", "商汤科技", "青云", "明略数据"]


def test_a_group_of_rounds_is_read_from_the_text_not_one_round_of_the_table(assistant):
    """"B轮、C轮及以后…" quotes two of the table's rounds: counting its B-round rows answered another question."""
    answer = ask(assistant, "B轮、C轮及以后的企业在数量上一共占多少？")
    assert "24.21%" in answer.answer and "据表" not in answer.answer
    pointed = ask(assistant, "表1中D轮和E轮的企业分别是哪些？")  # pointing at the table, the table still answers
    assert pointed.answer.startswith("据表 1")


def test_rows_a_list_question_leaves_out_are_not_what_it_asks_about(assistant):
    """"除了百度和寒武纪，还有哪些？" asks for the others: it had been answered with 寒武纪's row."""
    others = ask(assistant, "报告里举的北京代表性AI企业，除了百度和寒武纪，还有哪些？")
    assert "地平线" in others.answer and "第四范式" in others.answer and "据表" not in others.answer
    listed = ask(assistant, "除了寒武纪，表1里还有哪些B轮企业？")
    assert "除寒武纪外" in listed.answer and cited(listed) == ["地平线", "车和家", "特斯联"]


def test_a_list_of_all_rows_says_what_the_table_lists(assistant):
    """Every row of 表 1 listed: its title says what they are and as of when; filtered rows keep the plain label."""
    answer = ask(assistant, "表1列的是哪些企业的名单？")
    assert answer.answer.startswith("据表 1“单次融资超过10亿人民币的北京人工智能企业名单（截止2019.3）”，共 14 项")
    assert ask(assistant, "表1里2014年成立的企业有哪些？").answer.startswith("据表 1，成立时间在2014年")


def test_a_sum_the_question_states_keeps_the_rows_of_that_sum(assistant):
    """"融了6亿美元的" are the three rows whose event holds 6 亿美元, not all fourteen; a bound ("超10亿…的那14家")
    is the table's own, which its rounded cells would break."""
    answer = ask(assistant, "表里单次融了6亿美元的公司有哪几家？")
    assert "共 3 家：旷视科技[1]、地平线[2]、智车优行[3]" in answer.answer
    assert "共 1 项：特斯联（成立时间 2015-11，" in ask(assistant, "融了12亿元人民币的是哪家公司啊").answer  # which row
    assert "共 3 家：旷视科技[1]、地平线[2]、智车优行[3]" in ask(assistant, "融资6亿美圆的一共几家，都是谁").answer
    for bound in ("超10亿人民币", "过10亿"):
        assert ask(assistant, f"单次融资{bound}的那14家北京AI公司里，哪家成立得最早？").short_answer == "普强信息"


def test_table_1_founded_in_a_year(assistant):
    answer = ask(assistant, "表1里2014年成立的企业有哪些？")
    assert "成立时间在2014年的共 3 项：商汤科技[1]、智车优行[2]、明略数据[3]" in answer.answer


def test_a_year_said_of_the_money_filters_the_money_column_dates(assistant):
    """"2019年才拿到这笔大钱" names no column, but the money's: its event dates, not the founding dates."""
    answer = ask(assistant, "表1里头有哪几家是2019年才拿到这笔大钱的？")
    assert "融资事件在2019年的共 3 家：普强信息[1]、地平线[2]、明略数据[3]" in answer.answer


def test_table_1_largest_financing(assistant):
    answer = ask(assistant, "名单里单笔融资金额最大的是哪家？融了多少？")
    assert "字节跳动（40 亿美元）[1]" in answer.answer and answer.citations[0].text.split()[1] == "字节跳动"


def test_a_currency_the_question_names_keeps_the_rows_in_it(assistant):
    """Amounts are ranked across currencies (40 亿美元 above 30 亿元人民币), so "按人民币计" must keep the rows whose
    amount is in yuan; a count that does not point at the table ("那批…公司里，用美元融资的") is the text's."""
    answer = ask(assistant, "表里按人民币计的融资中，哪家单笔金额最大？")
    assert "车和家（30 亿元人民币）[1]" in answer.answer and answer.short_answer == "车和家"
    assert "美元" not in answer.answer
    assert "美元融资50家" in ask(assistant, "单次融资过亿的那批北京AI公司里，用美元融资的有多少家？").answer
    # a currency that is the unit of a stated sum restricts nothing: dollar rounds over 10 亿元 are among the 14
    assert ask(assistant, "单次融资超10亿人民币的那14家北京AI公司里，哪家成立得最早？").short_answer == "普强信息"


def test_table_1_comparison(assistant):
    answer = ask(assistant, "寒武纪和地平线哪个成立得早？")
    assert "地平线（2015-6）[1]比寒武纪（2016-3）[2]更早" in answer.answer and answer.short_answer == "地平线"


def test_table_1_single_row_lookup_still_works(assistant):
    answer = ask(assistant, "寒武纪是哪一年成立的？")
    assert "成立时间 2016-3" in answer.answer and answer.short_answer == "2016-3"


@pytest.mark.parametrize("question", ["字节跳动2018年的营收是多少？", "商汤科技的创始人是谁？", "寒武纪是哪一年上市的？",
                                      "智车优行6亿美元融资的领投方是哪家机构"])  # an organisation besides the row's
def test_table_1_row_is_not_read_out_for_an_attribute_it_lacks(assistant, question):
    answer = assistant.ask(question)
    assert not normal_form(answer.answer).startswith(normal_form("据表 1"))


@pytest.mark.parametrize("question", ["寒武纪B轮是谁领投的？", "明略数据D轮之后估值是多少"])
def test_a_cell_value_the_question_quotes_is_not_the_attribute_it_asks(assistant, question):
    """The quoted round says which financing is meant; the row's 轮次 is no answer to who led it or what the
    company was valued at (the short answer had been "B 轮")."""
    answer = assistant.ask(question)
    assert not answer.answer.startswith("据表 1") and answer.short_answer is None


@pytest.mark.parametrize("question", ["介绍一下寒武纪", "表1里寒武纪的信息"])
def test_table_1_row_answers_a_question_about_the_entity_in_general(assistant, question):
    assert ask(assistant, question).answer.startswith("据表 1，寒武纪：")



def test_a_cell_value_the_row_does_not_hold_is_a_near_miss_not_an_answer(robots, assistant):
    answer = robots.ask("云梯机器人C轮融了多少钱？")  # its 融资阶段 is A轮
    assert not answer.answered and answer.answer.startswith("表 2中云梯机器人的融资阶段是“A轮”，不是“C轮”")
    table_1 = assistant.ask("字节跳动D轮融资金额是多少？")  # its 轮次 is E 轮
    assert not table_1.answered and "不是“D 轮”" in table_1.answer and table_1.citations[0].text.split()[1] == "字节跳动"


def test_a_code_no_row_holds_is_a_near_miss_when_the_column_holds_codes_of_its_kind(assistant):
    """No row of Table 1 is in A 轮, so "A轮" is no cell value the question quotes; it is still a round (a code
    before 轮, as the column's "B 轮", "D 轮" are), and 寒武纪's row says B 轮 — while its own round is answered."""
    answer = assistant.ask("寒五纪A轮融了多少钱？")
    assert not answer.answered and answer.answer.startswith("表 1中寒武纪的轮次是“B 轮”，不是“A轮”")
    assert assistant.ask("寒武纪B轮融了多少钱？").answered


def test_an_attribute_the_report_never_writes_is_not_the_rows_funding(assistant):
    """"多少钱" names the table's amounts only by money: asked of 估值 (valuation), which the report never writes, the
    row's funding is no answer and the sentences refuse it; a round's money is still read from the row."""
    for question in ("字节跳动现在估值大概多少钱？", "旷视现在的valuation大概多少钱？", "字节跳动的市值是多少钱",
                     "字节跳动E轮融资之后估值到了多少？"):  # 40 亿美元 was shown in bold
        answer = assistant.ask(question)
        assert not answer.answered and answer.short_answer is None
    assert assistant.ask("旷视那轮拿了多少钱").short_answer == "6 亿美元"
    assert assistant.ask("旷视那轮一共砸进来多少钱").answered  # a verb the report never writes names no attribute
    # an attribute not right before the money words is another part of the question: the row answers it
    assert assistant.ask("Momenta那笔是什么性质的投资，金额多少？").answered


def test_a_year_no_date_of_the_row_holds_is_a_near_miss_not_an_answer(assistant):
    """旷视科技's row is dated 2011-10 (成立时间) and 2018.7 (融资事件): a 2019 round is not in the report, and the
    refusal names the nearest date's column; a year one of its dates holds is answered."""
    answer = assistant.ask("旷视2019年又融了一轮吗？融了多少？")
    assert not answer.answered and answer.answer.startswith("表 1中旷视科技的融资事件是“2018.7 融资 6 亿美元”，不是“2019年”")
    assert assistant.ask("旷视科技2011年成立的吧，它最近一轮融了多少？").answered
    assert not assistant.ask("旷视2018年3月那轮融了多少？").answered  # the year holds, the month does not
    assert assistant.ask("旷世科技2018年7月那轮融了多少钱？").short_answer == "6 亿美元"


def test_a_traditional_question_gets_the_table_answer_in_its_script_the_cells_as_written(assistant):
    """The assistant's words follow the question's script (據, 項, 報告沒有所問的資料); the table's names, columns
    and values stay as the report writes them, so a key copied from the report still matches."""
    counted = assistant.ask("表1裡處於D輪的有幾家？")
    assert counted.answer.startswith("據表 1，轮次為“D 轮”的共 5 家：旷视科技[1]")
    refused = assistant.ask("字節跳動D輪融資金額是多少？")
    assert refused.answer.startswith("表 1中字节跳动的轮次是“E 轮”，不是“D 轮”，報告沒有所問的資料；最接近的內容是：據表 1，字节跳动：")
    listed = assistant.ask("表1列的是哪些企業？")
    assert listed.answer.startswith("據表 1“单次融资超过10亿人民币的北京人工智能企业名单（截止2019.3）”，共 14 項：")
    assert assistant.ask("字節跳動E輪融了多少錢？").short_answer == "40 亿美元"


def test_a_money_question_about_a_named_row_reads_its_amount(robots, assistant):
    assert ask(robots, "蓝鲸智造C轮融了多少钱？").short_answer == "1.2亿元"
    assert ask(assistant, "字节跳动E轮融了多少钱？").short_answer == "40 亿美元"


def test_company_names_are_also_known_without_their_generic_ending():
    from qa.ingest.table import entity_names

    assert entity_names("旷视科技") == ["旷视科技", "旷视"]
    assert entity_names("Geek+（极智嘉科技）") == ["Geek+（极智嘉科技）", "Geek+", "极智嘉科技", "极智嘉"]
    assert entity_names("青云") == ["青云"] and entity_names("普强信息") == ["普强信息", "普强"]


def test_a_count_the_question_does_not_point_at_the_table_is_not_a_table_count(assistant):
    """"2016年北京新成立了多少家" asks about all of Beijing; Table 1 lists only companies with rounds over 10 亿."""
    answer = assistant.ask("2016年北京新成立了多少家人工智能企业？")
    assert not answer.answer.startswith("据表")
    assert assistant.ask("表1里2016年成立的有几家？").answer.startswith("据表 1")


def test_a_company_outside_the_table_is_not_answered_by_the_tables_extreme(robots, assistant):
    """"云知声最近那轮融资" is about 云知声's own latest round: Table 1 does not list it, so Table 1's most recent
    round (普强信息, 明略数据) is no answer — while the same question about the table itself still is."""
    outside = assistant.ask("云知声最近那轮融资拿了多少钱？")
    assert not normal_form(outside.answer).startswith(normal_form("据表 1")) and "普强" not in outside.answer
    assert ask(assistant, "表1里最近一轮融资是哪家？").answer.startswith("据表 1")
    assert not robots.ask("云知声最近那轮融资拿了多少钱？").answer.startswith("据表 2")
    # a company jieba's dictionary does not know is named by an unknown word, whatever tag its HMM guesses (依图: v)
    unknown = assistant.ask("依图科技最近一轮单次融资是多少？")
    assert not normal_form(unknown.answer).startswith(normal_form("据表 1")) and "普强" not in unknown.answer
    # jieba tags 百度 a common noun; the report lists it beside the table's companies ("百度、寒武纪、地平线…")
    listed = assistant.ask("百度最近一次单笔融资融了多少钱？")
    assert not normal_form(listed.answer).startswith(normal_form("据表 1")) and "普强" not in listed.answer
    # a name jieba cuts into dictionary words the report never writes (出门/问问)
    compound = assistant.ask("出门问问最近一轮融了多少钱？")
    assert not normal_form(compound.answer).startswith(normal_form("据表 1")) and "普强" not in compound.answer
    # one word the report never writes is a way of asking (计价), not a name
    assert ask(assistant, "以人民币计价的几笔融资里，哪家拿得最多？").answer.startswith("据表 1，")


def test_a_word_listed_beside_a_tables_entities_is_one_of_their_kind() -> None:
    """An item of the same enumeration as a row's entity is a value of its kind (the document's own grouping);
    the same word elsewhere, or in a list of other things, is not."""
    from qa.answer.listed import listed_beside

    names = {"寒武纪", "地平线"}
    assert listed_beside("百度", names, "代表性企业包括百度、寒武纪、地平线等等。")
    assert listed_beside("百度", names, "其中有地平线。另有代表性企业，如百度、寒武纪。")
    assert not listed_beside("百度", names, "百度在北京。寒武纪、地平线都是芯片企业。")  # not one run of items
    assert not listed_beside("百度", names, "寒武纪、地平线都是芯片企业。百度在北京。")
    assert not listed_beside("医疗", names, "如AI+医疗、AI+教育，寒武纪也在其中。")  # the run ends at the comma
    assert not listed_beside("百度", names, "百度和寒武纪。")  # no enumeration


def test_an_amount_asked_in_another_currency_than_the_row_gives_is_refused(assistant):
    """Table 1 gives 车和家's round in 人民币 only: "折合多少美元" is not answered with the 人民币 figure in bold."""
    answer = assistant.ask("车和家那轮30亿元人民币的融资，折合多少美元？")
    assert not answer.answered and answer.short_answer is None and "以美元计" in answer.answer
    assert assistant.ask("字节跳动那轮融了多少亿美元？").short_answer == "40 亿美元"


@pytest.mark.parametrize(("question", "step", "short"), [
    ("表1里车和家那笔融资的金额是第四范式那笔的几倍？", "30 亿元人民币 ÷ 10 亿元人民币 = 3 倍", "3 倍"),
    ("车和家的融资比第四范式多多少？", "30 亿元人民币 − 10 亿元人民币 = 20 亿元人民币", "20 亿元人民币"),
    ("旷视的融资比字节跳动少多少", "40 亿美元 − 6 亿美元 = 34 亿美元", "34 亿美元"),  # how much less
    ("特斯联比第四范式那轮多融了多少？", "12 亿元人民币 − 10 亿元人民币 = 2 亿元人民币", "2 亿元人民币"),  # a verb after 多
    ("Geek+和Momenta这两笔美元融资加一起是多少亿美元？", "1.5 亿美元 + 2 亿美元 = 3.5 亿美元", "3.5 亿美元"),
])
def test_a_multiple_difference_or_sum_of_two_rows_is_computed_with_both_cells_cited(assistant, question, step, short):
    answer = assistant.ask(question)
    assert answer.answered and step in answer.answer and answer.short_answer == short
    assert answer.answer.count("[1]") == 1 and answer.answer.count("[2]") == 1


def test_which_of_two_rows_is_more_says_by_how_much_when_asked(assistant):
    answer = assistant.ask("表1里字节跳动和地平线那轮融资，谁融得多？多多少亿美元？")
    assert answer.short_answer == "字节跳动" and answer.answer.endswith("更多，相差 34 亿美元。")
    assert "相差" not in assistant.ask("车和家跟特斯联比，谁融的钱多？").answer  # not asked
    assert "相差" not in assistant.ask("普强信息和地平线谁融得多？差多少").answer  # "1 亿美元以上" is a bound


def test_a_sum_written_with_a_plus_is_the_tables_bound_not_a_filter(assistant):
    """"10亿+名单" names Table 1 by its title ("单次融资超过10亿…"), as "超过10亿" would: no row is filtered by it."""
    answer = assistant.ask("那张10亿+名单里，时间上最新的一笔融资是啥时候、哪几家？")
    assert "普强信息（2019.3）" in answer.answer and "明略数据（2019.3）" in answer.answer


@pytest.mark.parametrize("question", [
    "车和家的融资是旷视的几倍？",  # 亿元人民币 and 亿美元: no rate converts them here
    "普强信息的融资是旷视的几倍",  # "1 亿美元以上" is a bound, not an amount to divide
])
def test_amounts_not_written_alike_are_not_computed(assistant, question):
    answer = assistant.ask(question)
    assert "÷" not in answer.answer and "倍" != (answer.short_answer or "")[-1:]


def test_two_sides_naming_one_row_compute_nothing(assistant):
    """A multiple of a row by itself is no answer: each side must name its own one row."""
    (table,) = assistant.context.tables
    rows = [r for r in table.rows if r.text.split()[1] in ("车和家", "第四范式")]
    query = TableQuery(Op.LOOKUP, table, rows)

    class Cites:
        def mark(self, passage):
            return "[n]"

    assert _computed(query, Operation("ratio", "车和家", "第四范式"), "", Cites(), wording(False)).short == "3 倍"
    assert _computed(query, Operation("ratio", "车和家", "车和家那笔"), "", Cites(), wording(False)) is None
    # a side naming both rows names neither one
    assert _computed(query, Operation("ratio", "车和家和第四范式", "第四范式"), "", Cites(), wording(False)) is None


def test_the_asked_column_is_the_one_computed(robots):
    """On another table: the amounts of the asked column are divided; a column of head counts holds no amounts,
    so the financing column is not divided in its place."""
    assert "3000万元 ÷ 800万元 = 3.75 倍" in ask(robots, "云梯机器人的单笔融资是远帆科技的几倍？").answer
    assert "3000万元 − 800万元 = 2200万元" in ask(robots, "云梯机器人的单笔融资比远帆科技多多少？").answer  # as written
    assert "÷" not in robots.ask("远帆科技的员工人数是云梯机器人的几倍？").answer


DISTRICTS = """# 北京各区人工智能企业

## 一、各区企业数量

各区人工智能企业的数量如下表。

表 3 各区人工智能企业数量

| 序号 | 区 | 企业数量 |
|---|---|---|
| 1 | 朝阳区 | 160 |
| 2 | 海淀区 | 420 |
| 3 | 西城区 | 40 |
"""


@pytest.mark.parametrize("question", [
    "北京哪个区的AI企业融资总额最多？",  # a place, of a table of companies
    "按融资总额算，哪个阶段的公司拿走的钱占比最高？",  # 阶段 names neither the rows nor a column (轮次)
    "表1里融资最多的AI公司总部在哪里？",  # a place asked without a noun
    "北京AI公司A轮的最多，那C轮及以后的呢？",  # an extreme stated, then something else asked
])
def test_a_kind_the_table_does_not_list_is_not_answered_from_it(assistant, question):
    assert "据表" not in assistant.ask(question).answer


@pytest.mark.parametrize(("question", "short"), [
    ("表1里哪个轮次的企业最多？", "D 轮"),  # a noun naming a column
    ("表1里单次融资金额最大的是谁？", "字节跳动"),  # a person or organisation asked: the rows
    ("表1里融资最多的AI公司是哪个", "字节跳动"),
    ("表1里单笔融资最多的是哪家公司，拿了多少？", "字节跳动"),  # the company is asked in the first clause
    ("表1里哪个轮次的企业最多，那这个轮次有几家？", "D 轮"),  # the first clause asks: no fact stated before 那
])
def test_a_kind_the_table_lists_is_answered_from_it(assistant, question, short):
    answer = assistant.ask(question)
    assert "据表 1" in answer.answer and answer.short_answer == short


def test_a_table_of_places_answers_which_place(tmp_path: Path) -> None:
    """A place question is answered by a table whose rows are places; of Table 1's companies it is not (above)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "districts.md").write_text(DISTRICTS, encoding="utf-8")
    districts = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), show_progress=False)
    answer = districts.ask("表3里哪个区的企业数量最多？")
    assert answer.answered and answer.short_answer == "海淀区" and "据表 3" in answer.answer


def test_an_attribute_the_report_never_writes_asked_of_a_row_is_not_its_funding(assistant):
    """净利润 is asked of 商汤 (misspelt 尚汤); Table 1 holds its funding, which is no profit: the sentences decide
    and refuse, naming what the report lacks. A question in the table's own words is still a lookup."""
    refused = assistant.ask("尚汤科技去年到底赚没赚钱？净利润多少")
    assert not refused.answered and "“净利润”" in refused.answer
    looked_up = assistant.ask("商汤科技的融资金额是多少")
    assert looked_up.answered and looked_up.short_answer == "10 亿美元"
    assert assistant.ask("旷视是哪年成立的公司？").short_answer == "2011-10"  # 公司 is written (上市公司)
    assert assistant.ask("商汤科技那轮融资额是多少").short_answer == "10 亿美元"  # money words the report writes otherwise


def test_the_one_row_a_filter_finds_is_read_whole(assistant):
    """"唯一一家C轮的是谁？啥时候融的" asks the row's other cells too: one row found is given with them."""
    answer = ask(assistant, "表里唯一一家C轮的startup是谁？啥时候融的")
    assert "共 1 项：第四范式（成立时间 2015-5，轮次 C 轮，融资事件 2018.12 融资 10 亿元人民币）[1]" in answer.answer


def test_a_verb_complement_names_no_column(assistant):
    """"折成美元" is 折/成: 成 completes the verb, it is not the first character of 成立时间 — no founding date in bold
    for a question the table cannot answer (a conversion)."""
    answer = assistant.ask("明略數據那筆20億人民幣，折成美元是多少？")
    assert answer.short_answer != "2014-4" and "2014-4" not in answer.answer.split("。")[0]


@pytest.mark.parametrize("question", ["字节跳动在表1里是哪一轮融的？", "ByteDance是哪轮融的资", "字节跳动第几轮融的资？"])
def test_the_measure_word_asked_which_one_of_names_its_column(assistant, question):
    """jieba joins 轮 to its numeral ("一轮") or to the verb after it ("哪轮融"): asked which one of, it is a word of
    its own and names 轮次."""
    assert assistant.ask(question).short_answer == "E 轮"


@pytest.mark.parametrize(("question", "unlisted"), [
    ("云知声在表1里那笔单次超10亿的融资是哪一轮？", "云知声"),  # named elsewhere in the report, no row of 表1
    ("表1里云知声是哪年成立的？", "云知声"),  # 表1里 is the table's, not part of the name
])
def test_a_column_asked_of_what_the_table_pointed_at_does_not_list_is_refused(assistant, question, unlisted):
    answer = assistant.ask(question)
    assert not answer.answered and f"中没有“{unlisted}”，报告没有所问的数据" in answer.answer
    assert assistant.ask("表1中旷视是哪一轮？").short_answer == "D 轮"


def test_a_half_or_quarter_of_a_year_filters_the_months_of_its_dates(assistant):
    """"2018年下半年" is July to December: 7 of the 9 rows dated 2018, not all 9; a named row dated outside the
    asked half is of another time."""
    second_half = assistant.ask("表1里哪些公司是在2018年下半年融资的？")
    assert "融资事件在2018年下半年的共 7 项" in second_half.answer and "寒武纪" not in second_half.answer
    for quarter in ("2018年Q3", "2018年三季度"):  # July to September, written as asked
        assert f"在{quarter}的共 2 家：旷视科技[1]、商汤科技[2]" in assistant.ask(f"表1里{quarter}融资的有几家？").answer
    assert not assistant.ask("旷视2018年上半年融了多少？").answered


def test_an_extreme_within_rows_of_one_category_reads_their_amounts(assistant):
    """"D轮那几家，谁单笔拿得最多" filters 轮次 to D 轮, so 最多 cannot ask which 轮次 most rows hold; with the table
    pointed at ("表一"), the one column holding amounts in its text is ordered."""
    answer = ask(assistant, "表一裡面D輪那幾家，誰單筆拿得最多？金額多少")
    assert answer.short_answer == "商汤科技" and "10 亿美元" in answer.answer
    assert ask(assistant, "表1里哪个轮次最多？").short_answer == "D 轮"
    # a size the table does not hold is not read from its amounts
    for question in ("表1里估值最高的是哪家公司？", "表1那14家里面哪家员工人数最多"):
        assert "字节跳动" not in assistant.ask(question).answer


def test_which_ones_is_a_list_not_a_count(assistant):
    """"哪几家" asks which rows pass both filters (a year and a currency), not how many."""
    answer = ask(assistant, "2014年成立、又是用美元融資的公司有哪幾家？")
    assert "共 2 家：商汤科技[1]、智车优行[2]。" in answer.answer
    assert "共 3 家" in ask(assistant, "表1里2014年成立的有几家？").answer


def test_two_named_rows_are_computed_without_a_column_named_unless_another_attribute_is(assistant):
    """"商汤那笔D轮是旷视那笔的几倍" names no column (D轮 is a cell value): the rows' amounts are divided; "字节跳动的估值
    是旷视的几倍" names 估值, which the report never writes — no funding ratio stands in for it."""
    answer = ask(assistant, "商燙那筆D輪是曠視那筆的幾倍啊？")
    assert "10 亿美元 ÷ 6 亿美元 = 1.67 倍" in answer.answer
    assert "倍" not in assistant.ask("字节跳动的估值是旷视的几倍？").answer


def test_a_total_of_the_rows_a_filter_finds_sums_their_amounts(assistant):
    """"用人民币融资的几笔加起来一共多少亿元": five rows in 亿元人民币, each cited; amounts not written alike (dollar rows
    with a bound, "1 亿美元以上") are not summed."""
    answer = ask(assistant, "表1里用人民币融资的几笔加起来一共多少亿元？")
    assert answer.short_answer == "82.8 亿元人民币" and "青云 10.8 亿元人民币[1] + " in answer.answer
    assert "=" not in assistant.ask("表1里美元融资的加起来一共多少钱？").answer
    for question in ("表1里2013年的融资加起来一共多少亿元？", "表1里2019年3月融资的加起来一共多少亿元？"):  # 0 rows, 1 row
        assert "=" not in assistant.ask(question).answer


def test_a_value_as_one_end_of_a_range_filters_no_rows(assistant):
    """"B轮及以后的企业有多少家" asks the report's group ("B轮、C轮及以后…绝对数量超过100家"), not Table 1's 4 B 轮 rows."""
    for question in ("B轮及以后的企业有多少家？", "B轮以后的公司有多少家？"):
        answer = assistant.ask(question)
        assert "超过100家" in answer.answer and "共 4 家" not in answer.answer
    assert "共 5 家" in ask(assistant, "表1里D轮的有哪几家？").answer


def test_named_rows_are_added_up_when_their_amounts_are_written_alike(assistant):
    """Three named rows with a total word: their amounts summed, each cited; in other currencies, each amount and
    why there is no sum (no bold answer)."""
    total = assistant.ask("商汤、地平线、旷视这仨在表1里的美元融资加起来多少？")
    assert "旷视科技 6 亿美元[1] + 商汤科技 10 亿美元[2] + 地平线 6 亿美元[3] = 22 亿美元" in total.answer
    assert total.short_answer == "22 亿美元"
    mixed = assistant.ask("商汤、地平线、青云的融资加起来多少")
    assert not mixed.answered and "青云 10.8 亿元人民币" in mixed.answer and "无法直接相加" in mixed.answer


def test_how_far_apart_two_founding_dates_are_is_counted_in_months(assistant):
    answer = assistant.ask("普強信息比地平綫早成立了幾個月？")
    assert "普强信息（2010-9）[1]比地平线（2015-6）[2]更早，相差 57 個月" in answer.answer
    assert answer.short_answer == "57 个月"
    assert "相差 37 个月" in assistant.ask("青云跟第四范式，谁成立得早？早了多少个月？").answer


def test_an_operation_with_one_operand_outside_the_table_is_left_to_the_sentences(assistant):
    """"驭势科技那笔融资比Momenta的2亿美元多还是少": 驭势科技 is no row; Momenta's row is not the answer."""
    answer = assistant.ask("驭势科技那笔融资比Momenta的2亿美元多还是少？差多少？")
    assert not answer.answered and answer.short_answer is None
