"""Every table operation's exact wording, short answer and citations (qa/answer/tables.py), on a hand-made table
read by the real ingest path: the cases mutation testing found unchecked — "谁" questions, a largest/smallest
question whose short answer is the value, ties (two winners, a comparison of equal values: "相同"), filters with
a month, a lookup past its row limit, a question the table contradicts.

The queries are built directly (what `table_query.parse` reads from a question is tested in test_tables.py), so
each test pins one operation; no index is built.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.understand.kind import Kind
from qa.answer.table_query import Filter, Measure, Op, Order, TableQuery
from qa.answer.tables import MAX_LOOKUP_ROWS, TableAnswer, run
from qa.config import ChunkingSettings
from qa.ingest.columns import Column, Table, corpus_tables
from qa.ingest.passages import build_passages
from qa.ingest.read import read_corpus
from qa.ingest.table import row_entity
from qa.types import Passage

TABLE = """# 调研报告

## 一、企业名单

表 3 调研企业

| 序号 | 企业 | 成立时间 | 轮次 | 融资额 | 市场份额 | 融资事件 |
|---|---|---|---|---|---|---|
| 1 | 云梯机器人 | 2015年3月 | A轮 | 3000万元 | 12.5% | 2018.7 获A轮融资 3000 万元 |
| 2 | 蓝鲸智造 | 2012.06 | C轮 | 1.2亿元 | 30% | 2019.3 获C轮融资 1.2 亿元 |
| 3 | 青禾自动化 | 2015-3 | A轮 | 1.2亿元 | 8% | 2020.1 获A轮融资 1.2 亿元 |
| 4 | 星火协作 | 2012年11月 | 战略投资 | 5000万美元 | 30% | 2021.5 获战略投资 5000 万美元 |
| 5 | 远帆科技 | 2019-1 | A轮 | 800万元 | 4.5% | 2021.8 获A轮融资 800 万元 |
| 6 | 澄明视觉 | 2016年8月 | C轮 | 一亿五千万元 | 15% | 2020.6 获C轮融资 1.5 亿元 |
"""
EARLIEST, LATEST = Order("最早", Measure.TIME, False), Order("最晚", Measure.TIME, True)
MOST, LEAST = Order("最多", Measure.SIZE, True), Order("最少", Measure.SIZE, False)


class Cites:
    """Numbers passages in the order they are first cited, as compose's citation list does."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def mark(self, passage: Passage) -> str:
        if passage.id not in self.ids:
            self.ids.append(passage.id)
        return f"[{self.ids.index(passage.id) + 1}]"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Table:
    folder: Path = tmp_path_factory.mktemp("table")
    (folder / "survey.md").write_text(TABLE, encoding="utf-8")
    _, passages = build_passages(read_corpus(folder).documents, ChunkingSettings())
    (found,) = corpus_tables(passages)
    return found


def col(table: Table, name: str) -> Column:
    return next(c for c in table.columns if c.name == name)


def rows(table: Table, *names: str) -> list[Passage]:
    by_name = {row_entity(r.cells): r for r in table.rows}
    return [by_name[n] for n in names]


def ask(query: TableQuery, question: str = "哪家？", kind: Kind = Kind.FACT) -> TableAnswer | None:
    return run(query, question, kind, Cites())


@pytest.mark.parametrize(("question", "short"), [("哪家企业成立最早？", "蓝鲸智造"), ("谁成立得最早？", "蓝鲸智造"),
                                                 ("最早成立的企业是什么时候成立的？", "2012.06")])
def test_earliest_names_the_row_for_which_and_who_and_gives_the_date_otherwise(
        table: Table, question: str, short: str) -> None:
    query = TableQuery(Op.EXTREME, table, column=col(table, "成立时间"), order=EARLIEST)
    assert ask(query, question) == TableAnswer("据表 3，按成立时间，最早的是蓝鲸智造（2012.06）[1]。", short)


def test_latest_and_largest_compare_dates_and_money_across_currencies(table: Table) -> None:
    latest = ask(TableQuery(Op.EXTREME, table, column=col(table, "成立时间"), order=LATEST))
    assert latest == TableAnswer("据表 3，按成立时间，最晚的是远帆科技（2019-1）[1]。", "远帆科技")
    largest = ask(TableQuery(Op.EXTREME, table, column=col(table, "融资额"), order=MOST), "最多的一笔是多少？")
    assert largest == TableAnswer("据表 3，按融资额，最多的是星火协作（5000万美元）[1]。", "5000万美元")


def test_a_tie_names_every_winner_and_gives_no_short_answer(table: Table) -> None:
    query = TableQuery(Op.EXTREME, table, column=col(table, "市场份额"), order=MOST)
    assert ask(query) == TableAnswer("据表 3，按市场份额，最多的是蓝鲸智造（30%）[1]、星火协作（30%）[2]。")
    smallest = ask(TableQuery(Op.EXTREME, table, column=col(table, "市场份额"), order=LEAST))
    assert smallest == TableAnswer("据表 3，按市场份额，最少的是远帆科技（4.5%）[1]。", "远帆科技")


def test_an_extreme_among_filtered_rows_states_the_filter(table: Table) -> None:
    query = TableQuery(Op.EXTREME, table, column=col(table, "融资额"), order=LEAST,
                       filters=[Filter(col(table, "轮次"), "A轮")])
    assert ask(query) == TableAnswer("据表 3，轮次为“A轮”的按融资额，最少的是远帆科技（800万元）[1]。", "远帆科技")


def test_most_and_least_common_category(table: Table) -> None:
    most = ask(TableQuery(Op.EXTREME, table, column=col(table, "轮次"), order=MOST))
    assert most == TableAnswer("据表 3，轮次中“A轮”最多，共 3 项：云梯机器人[1]、青禾自动化[2]、远帆科技[3]。", "A轮")
    least = ask(TableQuery(Op.EXTREME, table, column=col(table, "轮次"), order=LEAST))
    assert least == TableAnswer("据表 3，轮次中“战略投资”最少，共 1 项：星火协作[1]。", "战略投资")


def test_an_extreme_with_nothing_to_measure_is_no_answer(table: Table) -> None:
    assert ask(TableQuery(Op.EXTREME, table, column=col(table, "企业"), order=MOST)) is None
    nothing = [Filter(col(table, "轮次"), "D轮")]
    assert ask(TableQuery(Op.EXTREME, table, column=col(table, "轮次"), order=MOST, filters=nothing)) is None
    assert ask(TableQuery(Op.EXTREME, table, column=col(table, "融资额"), order=MOST, filters=nothing)) is None


def test_comparison_of_two_named_rows(table: Table) -> None:
    query = TableQuery(Op.COMPARE, table, named=rows(table, "远帆科技", "云梯机器人"), column=col(table, "成立时间"),
                       order=Order("早", Measure.TIME, False))
    said = "据表 3，按成立时间，云梯机器人（2015年3月）[1]比远帆科技（2019-1）[2]更早。"
    assert ask(query, "远帆科技和云梯机器人哪个成立得早？") == TableAnswer(said, "云梯机器人")
    assert ask(query, "远帆科技和云梯机器人成立得更早的那家是什么时候成立的？") == TableAnswer(said, "2015年3月")


def test_comparison_of_three_rows_puts_the_first_before_the_rest(table: Table) -> None:
    query = TableQuery(Op.COMPARE, table, named=rows(table, "云梯机器人", "星火协作", "澄明视觉"),
                       column=col(table, "融资额"), order=Order("多", Measure.SIZE, True))
    assert ask(query) == TableAnswer("据表 3，按融资额，星火协作（5000万美元）[1]比澄明视觉（一亿五千万元）[2]、"
                                     "云梯机器人（3000万元）[3]更多。", "星火协作")


def test_comparison_of_equal_values_says_they_are_the_same(table: Table) -> None:
    query = TableQuery(Op.COMPARE, table, named=rows(table, "云梯机器人", "青禾自动化"),
                       column=col(table, "成立时间"), order=Order("早", Measure.TIME, False))
    assert ask(query) == TableAnswer("据表 3，按成立时间，云梯机器人（2015年3月）[1]、青禾自动化（2015-3）[2]相同。")


def test_each_named_rows_value_and_a_comparison_without_values(table: Table) -> None:
    each = TableQuery(Op.COMPARE, table, named=rows(table, "蓝鲸智造", "澄明视觉"), column=col(table, "成立时间"))
    assert ask(each) == TableAnswer("据表 3，蓝鲸智造的成立时间为2012.06[1]，澄明视觉的成立时间为2016年8月[2]。")
    names = TableQuery(Op.COMPARE, table, named=rows(table, "蓝鲸智造", "澄明视觉"), column=col(table, "企业"),
                       order=Order("多", Measure.SIZE, True))
    assert ask(names) is None


ROW = ("据表 3，蓝鲸智造：成立时间 2012.06，轮次 C轮，融资额 1.2亿元，市场份额 30%，"
       "融资事件 2019.3获C轮融资1.2亿元")


@pytest.mark.parametrize(("kind", "short"), [(Kind.QUANTITY, "1.2亿元"), (Kind.TIME, "2019.3"),
                                             (Kind.FACT, "2019.3获C轮融资1.2亿元")])
def test_lookup_reads_the_row_out_and_gives_the_asked_part_of_the_cell(table: Table, kind: Kind, short: str) -> None:
    query = TableQuery(Op.LOOKUP, table, named=rows(table, "蓝鲸智造"), column=col(table, "融资事件"))
    assert ask(query, kind=kind) == TableAnswer(ROW + "[1]", short)


def test_lookup_of_several_rows_reads_at_most_three_and_gives_no_short_answer(table: Table) -> None:
    named = rows(table, "蓝鲸智造", "云梯机器人", "星火协作", "远帆科技")
    answer = ask(TableQuery(Op.LOOKUP, table, named=named, column=col(table, "成立时间")))
    assert answer is not None and answer.short is None
    assert [line.split("：")[0] for line in answer.text.split("\n")] == ["据表 3，蓝鲸智造", "据表 3，云梯机器人",
                                                                        "据表 3，星火协作"]
    assert len(answer.text.split("\n")) == MAX_LOOKUP_ROWS and answer.text.endswith("[3]")
    general = ask(TableQuery(Op.LOOKUP, table, named=rows(table, "蓝鲸智造")))  # "介绍一下蓝鲸智造"
    assert general == TableAnswer(ROW + "[1]")


def test_a_value_the_named_row_does_not_hold_is_stated_not_answered(table: Table) -> None:
    query = TableQuery(Op.LOOKUP, table, named=rows(table, "蓝鲸智造"), column=col(table, "轮次"),
                       contradicted=Filter(col(table, "轮次"), "A轮"))
    assert ask(query) == TableAnswer("表 3中蓝鲸智造的轮次是“C轮”，不是“A轮”，报告没有所问的数据；最接近的内容是："
                                     + ROW + "[1]", answered=False)


def test_count_and_list_use_the_questions_counting_word_else_say_items(table: Table) -> None:
    a_round = [Filter(col(table, "轮次"), "A轮")]
    count = ask(TableQuery(Op.COUNT, table, filters=a_round, unit="家"))
    assert count == TableAnswer("据表 3，轮次为“A轮”的共 3 家：云梯机器人[1]、青禾自动化[2]、远帆科技[3]。")
    listed = ask(TableQuery(Op.LIST, table, filters=a_round, unit="家"))  # "哪几家"
    assert listed == TableAnswer("据表 3，轮次为“A轮”的共 3 家：云梯机器人[1]、青禾自动化[2]、远帆科技[3]。")
    listed = ask(TableQuery(Op.LIST, table, filters=a_round))  # "哪些"
    assert listed == TableAnswer("据表 3，轮次为“A轮”的共 3 项：云梯机器人[1]、青禾自动化[2]、远帆科技[3]。")
    assert ask(TableQuery(Op.COUNT, table, filters=[Filter(col(table, "轮次"), "D轮")])) is None


def test_date_filters_by_year_and_by_month(table: Table) -> None:
    founded = col(table, "成立时间")
    year = ask(TableQuery(Op.LIST, table, filters=[Filter(founded, "2012年", year=2012)]))
    assert year == TableAnswer("据表 3，成立时间在2012年的共 2 项：蓝鲸智造[1]、星火协作[2]。")
    month = ask(TableQuery(Op.LIST, table, filters=[Filter(founded, "2012年6月", year=2012, month=6)]))
    assert month == TableAnswer("据表 3，成立时间在2012年6月的共 1 项：蓝鲸智造（成立时间 2012.06，轮次 C轮，融资额 1.2亿元，"
                                "市场份额 30%，融资事件 2019.3获C轮融资1.2亿元）[1]。")  # one row: its other cells too
    both = [Filter(founded, "2015年", year=2015), Filter(col(table, "轮次"), "A轮")]
    assert ask(TableQuery(Op.COUNT, table, filters=both, unit="家")) == TableAnswer(
        "据表 3，成立时间在2015年、轮次为“A轮”的共 2 家：云梯机器人[1]、青禾自动化[2]。")
