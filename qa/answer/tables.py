"""Answer a question by an operation on a table: run what `table_query.parse` read from the question and say
it in words, the operation stated, every row used cited, values quoted verbatim from the cells.

"据表 1，按成立时间，最早的是普强信息（2010-9）[1]。", "据表 1，轮次为“D 轮”的共 5 家：旷视科技[1]、…",
"据表 1，按成立时间，地平线（2015-6）[1]比寒武纪（2016-3）[2]更早。" A question naming a row gets the row read
out only when it asks about one of the table's columns or about the entity in general; otherwise this path
steps aside and the sentence path decides (it refuses what the report does not say). A multiple or a difference of
two named rows' amounts is computed and shown: "据表 1，车和家 30 亿元人民币[1]，第四范式 10 亿元人民币[2]：30 亿元
人民币 ÷ 10 亿元人民币 = 3 倍。"
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Protocol

from qa.answer.arithmetic import ROW_OPERATIONS, Operation, asked_operation, asks_gap, asks_less, format_decimal
from qa.answer.context import AnswerContext
from qa.answer.features import Question
from qa.understand.kind import Kind
from qa.answer.table_query import Filter, Measure, Op, TableQuery, named_rows, parse, table_label, titled_label
from qa.ingest.columns import Column, ColumnType
from qa.ingest.table import row_entity
from qa.ingest.values import Amount, find_amount, find_date
from qa.segment.script import to_traditional
from qa.text import normal_form
from qa.types import Hit, Passage

#: The assistant's own words in the question's script: a template whose {fields} take the table's values verbatim
#: (a Traditional question gets "據表 1，…共 5 項：" around the cells as the table writes them).
Say = Callable[[str], str]


def _as_written(template: str) -> str:
    return template


def wording(traditional: bool) -> Say:
    """How the assistant words a table answer for a question in this script."""
    return to_traditional if traditional else _as_written

#: A lookup reads out at most this many named rows.
MAX_LOOKUP_ROWS = 3


class Marker(Protocol):
    """Numbers the passages an answer cites (compose's citation list)."""

    def mark(self, passage: Passage) -> str: ...


@dataclass(frozen=True)
class TableAnswer:
    """The answer text with its [n] markers and, for a single-valued result, the entity or value; `answered` is
    False when the table contradicts the question (it is shown as the nearest fact, not as the answer)."""

    text: str
    short: str | None = None
    answered: bool = True


def cell(row: Passage, column: Column) -> str:
    return dict(row.cells).get(column.name, "")


def measured(row: Passage, column: Column, measure: Measure) -> tuple[tuple[float, ...], str] | None:
    """The comparable key of a row's cell and the cell's own text for it ("2010-9", "40 亿美元")."""
    value = cell(row, column)
    if measure is Measure.TIME:
        date = find_date(value)
        return ((date.year, date.month, date.day), date.text) if date else None
    amount = find_amount(value)
    if amount is not None:
        return (amount.value,), amount.text
    try:
        return (float(value.rstrip("%")),), value
    except ValueError:
        return None


def _facts(row: Passage) -> str:
    """"成立时间 2016-3，轮次 B 轮，融资事件 …" — the row's cells but its name and serial number, with their columns."""
    entity = row_entity(row.cells)
    serial = row.cells[0][1] if row.cells and row.cells[0][1].isdigit() else None
    return "，".join(f"{name} {value}" for i, (name, value) in enumerate(row.cells)
                    if value and value != entity and not (i == 0 and value == serial))


def phrase_row(row: Passage, label: str, say: Say = _as_written) -> str:
    """"据表 1，寒武纪：成立时间 2016-3，轮次 B 轮，融资事件 …" — the row in words, with its column names."""
    return say("据{label}，").format(label=say(label)) + f"{row_entity(row.cells)}：{_facts(row)}"


def _same_sum(amount: Amount, stated: Amount) -> bool:
    """The cell's amount is the question's sum (in its currency, when the question names one)."""
    return math.isclose(amount.value, stated.value) and stated.currency in (None, amount.currency)


def _passes(row: Passage, f: Filter) -> bool:
    value = cell(row, f.column)
    if f.currency:
        amount = find_amount(value)
        return amount is not None and amount.currency == f.value
    if f.amount is not None:
        return (amount := find_amount(value)) is not None and _same_sum(amount, f.amount)
    if not f.year:
        return value == f.value
    return (date := find_date(value)) is not None and f.holds(date)


def _condition(filters: list[Filter], say: Say = _as_written) -> str:
    """"成立时间在2014年、轮次为“D 轮”、融资事件以人民币计的" — the filters in words."""
    said = [say("{c}在{v}" if f.year else "{c}以{v}计" if f.currency else "{c}为{v}" if f.amount
                else "{c}为“{v}”").format(c=f.column.name, v=f.value) for f in filters]
    return f"{'、'.join(said)}{say('的')}" if said else ""


def _names(rows: list[Passage], cites: Marker, values: dict[str, str] | None = None) -> str:
    """"普强信息（2010-9）[1]、…" — each row's name, its value when given, and its citation."""
    return "、".join(f"{row_entity(r.cells)}{f'（{values[r.id]}）' if values else ''}{cites.mark(r)}" for r in rows)


def _asks_which(question: str) -> bool:
    """"哪家/谁" asks for the entity; otherwise ("最大的一笔融了多少？") the value is the short answer."""
    return "哪" in question or "谁" in question


def _extreme(query: TableQuery, rows: list[Passage], question: str, cites: Marker,
             say: Say = _as_written) -> TableAnswer | None:
    column, order = query.column, query.order
    assert column is not None and order is not None
    label, condition = say(table_label(query.table)), _condition(query.filters, say)
    if column.type is ColumnType.CATEGORY:  # "哪个轮次的企业最多？": the most (least) common value
        counts = Counter(cell(r, column) for r in rows if cell(r, column))
        if not counts:
            return None
        value, n = (max if order.highest else min)(counts.items(), key=lambda kv: kv[1])
        members = [r for r in rows if cell(r, column) == value]
        text = say("据{label}，{condition}{column}中“{value}”{order}，共 {n} 项：").format(
            label=label, condition=condition, column=column.name, value=value, order=say(order.word), n=n) \
            + f"{_names(members, cites)}。"
        return TableAnswer(text, value)
    keyed = {r.id: k for r in rows if (k := measured(r, column, order.measure)) is not None}
    if not keyed:
        return None
    best = (max if order.highest else min)(key for key, _ in keyed.values())
    winners = [r for r in rows if r.id in keyed and keyed[r.id][0] == best]
    values = {r.id: keyed[r.id][1] for r in winners}
    text = say("据{label}，{condition}按{column}，{order}的是").format(
        label=label, condition=condition, column=column.name, order=say(order.word)) \
        + f"{_names(winners, cites, values)}。"
    short = None
    if len(winners) == 1:
        short = row_entity(winners[0].cells) if _asks_which(question) else values[winners[0].id]
    return TableAnswer(text, short)


def _total(query: TableQuery, rows: list[Passage], cites: Marker, say: Say = _as_written) -> TableAnswer | None:
    """The sum of the rows' amounts, each cited ("青云 10.8 亿元人民币[1] + 车和家 30 亿元人民币[2] + … = 82.8 亿元
    人民币"); None unless there are two or more and all are written alike — one unit and currency, no bound ("1 亿
    美元以上") — but rows the question names get each amount and the reason there is no sum."""
    column = query.column
    assert column is not None
    amounts = [a for r in rows if (a := find_amount(cell(r, column))) is not None]
    written = [_WRITTEN_AMOUNT.match(a.text) for a in amounts]
    if len(amounts) < max(2, len(rows)):
        return None  # a total of fewer than two amounts is no sum; a row without one leaves it unknown
    if any(w is None or w[3] != written[0][3] for w in written):
        if not query.named:
            return None
        # rows the question names, in different currencies or one a bound: each amount, and why there is no sum
        each = "，".join(f"{row_entity(r.cells)} {a.text}{cites.mark(r)}" for a, r in zip(amounts, rows))
        return TableAnswer(say("据{label}，").format(label=say(table_label(query.table))) + each
                           + say("；金额的单位或币种不同，无法直接相加。"), None, False)
    unit = written[0][2] + written[0][3]
    total = f"{format_decimal(sum(Decimal(w[1]) for w in written))}{unit}"
    step = " + ".join(f"{row_entity(r.cells)} {a.text}{cites.mark(r)}" for a, r in zip(amounts, rows))
    text = say("据{label}，{condition}共 {n} 项：").format(
        label=say(table_label(query.table)), condition=_condition(query.filters, say), n=len(rows))
    return TableAnswer(text + f"{step} = {say(total)}。", say(total))


def _compare(query: TableQuery, question: str, cites: Marker, say: Say = _as_written) -> TableAnswer | None:
    column, order, label = query.column, query.order, say(table_label(query.table))
    assert column is not None
    if order is None:  # "分别是哪年成立的": each named row's value
        said = "，".join(say("{entity}的{column}为{value}").format(
            entity=row_entity(r.cells), column=column.name, value=cell(r, column)) + cites.mark(r) for r in query.named)
        return TableAnswer(say("据{label}，").format(label=label) + f"{said}。")
    keyed = {r.id: k for r in query.named if (k := measured(r, column, order.measure)) is not None}
    if len(keyed) < 2:
        return None
    ranked = sorted((r for r in query.named if r.id in keyed), key=lambda r: keyed[r.id][0], reverse=order.highest)
    values = {r.id: keyed[r.id][1] for r in ranked}
    first, rest = ranked[0], ranked[1:]
    if all(keyed[r.id][0] == keyed[first.id][0] for r in rest):
        return TableAnswer(say("据{label}，按{column}，").format(label=label, column=column.name)
                           + _names(ranked, cites, values) + say("相同。"))
    gap = ((_gap(values[first.id], values[rest[0].id]) or _months_apart(values[first.id], values[rest[0].id]))
           if len(rest) == 1 and asks_gap(question) else None)
    text = (say("据{label}，按{column}，").format(label=label, column=column.name) + _names([first], cites, values)
            + say("比") + _names(rest, cites, values) + say("更{order}").format(order=say(order.word[-1]))
            + (say("，相差 {gap}").format(gap=say(gap)) if gap else "") + "。")
    return TableAnswer(text, row_entity(first.cells) if _asks_which(question) else gap or values[first.id])


def _gap(first: str, second: str) -> str | None:
    """How far apart two amounts written alike are ("40 亿美元", "6 亿美元" → "34 亿美元"); None for amounts in
    different units or currencies, or a bound ("1 亿美元以上")."""
    written = _written_alike(first, second)
    if written is None:
        return None
    x, y, unit = written
    return f"{format_decimal(abs(x - y))}{unit}"


def _months_apart(first: str, second: str) -> str | None:
    """How far apart two dates given to the month are ("2012-4", "2015-5" → "37 个月"); None otherwise."""
    a, b = find_date(first), find_date(second)
    if a is None or b is None or not (a.month and b.month):
        return None
    return f"{abs((a.year - b.year) * 12 + a.month - b.month)} 个月"


def _written_alike(a: str, b: str) -> tuple[Decimal, Decimal, str] | None:
    """The numbers of two amounts written with the same unit and currency, and that unit (with the table's space
    before it); None otherwise."""
    written_a, written_b = _WRITTEN_AMOUNT.match(a), _WRITTEN_AMOUNT.match(b)
    if written_a is None or written_b is None or written_a[3] != written_b[3]:
        return None
    return Decimal(written_a[1]), Decimal(written_b[1]), written_a[2] + written_a[3]


def _lookup_value(row: Passage, column: Column, kind: Kind) -> str:
    """The asked cell, or the date/amount inside it when the question asks a time/quantity of an event column."""
    value = cell(row, column)
    if kind is Kind.QUANTITY and (amount := find_amount(value)):
        return amount.text
    if kind is Kind.TIME and (date := find_date(value)):
        return date.text
    return value


def _measures(column: Column) -> bool:
    """The column holds a when or a how much (also inside text: "2018.7 融资 6 亿美元"), never a who or a where."""
    return column.type in (ColumnType.DATE, ColumnType.AMOUNT, ColumnType.NUMBER, ColumnType.SERIAL) or (
        column.type is ColumnType.TEXT and (column.has_dates or column.has_amounts))


#: An amount as a table writes it: its number, the space the table puts after it (if any), then its unit and
#: currency ("30 亿元人民币", "3000万元").
_WRITTEN_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(\s*)(\S.*)$")


def _row_named_in(side: str, query: TableQuery) -> Passage | None:
    """The one named row the side of an operation names (`named_rows`: by any of its names)."""
    named = [r for r in named_rows(normal_form(side), query.table) if r in query.named]
    return named[0] if len(named) == 1 else None


def _computed(query: TableQuery, op: Operation, question: str, cites: Marker, say: Say) -> TableAnswer | None:
    """A multiple, difference or sum of two named rows' amounts ("车和家那笔融资的金额是第四范式那笔的几倍？"), each
    cell cited and the step shown ("30 亿元人民币 ÷ 10 亿元人民币 = 3 倍"); None unless each side names one row and
    both cells of the asked column (when it measures; else the first column holding an amount in both: "单笔融资"
    may be read as the column 融资阶段) are amounts written alike — the same unit and currency, so neither is a bound
    ("1 亿美元以上") and no rate has to convert currencies. A difference is written as the table writes amounts."""
    first, second = _row_named_in(op.a, query), _row_named_in(op.b, query)
    if first is None or second is None or first is second:
        return None
    columns = [query.column] if query.column is not None and _measures(query.column) else query.table.columns
    pairs = [(find_amount(cell(first, c)), find_amount(cell(second, c))) for c in columns]
    a, b = next(((x, y) for x, y in pairs if x is not None and y is not None), (None, None))
    if a is None or b is None:
        return None
    written = _written_alike(a.text, b.text)
    if written is None:
        return None
    x, y, unit = written
    if op.kind == "ratio":
        if y == 0:
            return None
        step, result = f"{a.text} ÷ {b.text}", f"{format_decimal(x / y)} 倍"
    elif op.kind == "sum":
        step, result = f"{a.text} + {b.text}", f"{format_decimal(x + y)}{unit}"
    elif asks_less(question):  # "旷视比字节跳动少多少": how much less the first is
        step, result = f"{b.text} − {a.text}", f"{format_decimal(y - x)}{unit}"
    else:
        step, result = f"{a.text} − {b.text}", f"{format_decimal(x - y)}{unit}"
    shown = (f"{row_entity(first.cells)} {a.text}{cites.mark(first)}，"
             f"{row_entity(second.cells)} {b.text}{cites.mark(second)}：{step} = {say(result)}。")
    return TableAnswer(say("据{label}，").format(label=say(table_label(query.table))) + shown, say(result))


def run(query: TableQuery, question: str, kind: Kind, cites: Marker, say: Say = _as_written) -> TableAnswer | None:
    """The operation's result in words (`say`: in the question's script), or None when the table holds nothing it
    can use."""
    label = table_label(query.table)
    if query.contradicted is not None:
        row, column = query.named[0], query.contradicted.column
        held = cell(row, column)
        return TableAnswer(say("{label}中{entity}的{column}是“{held}”，不是“{value}”，报告没有所问的数据；最接近的内容是：").format(
            label=say(label), entity=row_entity(row.cells), column=column.name, held=held,
            value=query.contradicted.value) + phrase_row(row, label, say) + cites.mark(row), answered=False)
    if query.unlisted:
        return TableAnswer(say("{title}中没有“{name}”，报告没有所问的数据。").format(
            title=titled_label(query.table), name=query.unlisted), answered=False)
    op = asked_operation(question)
    if op is not None and op.kind in ROW_OPERATIONS and len(query.named) == 2:
        if (computed := _computed(query, op, question, cites, say)) is not None:
            return computed
    if (op is not None and op.b and len(query.named) == 1
            and not all(_row_named_in(side, query) for side in (op.a, op.b))):
        # "驭势科技那笔融资比Momenta的2亿美元多还是少": one operand is no row of the table — the sentences decide
        return None
    if query.op is Op.LOOKUP:
        if kind in (Kind.PERSON, Kind.PLACE, Kind.ORG) and (query.column is None or _measures(query.column)):
            # "…那轮融资是谁领投的？", "…的领投方是哪家机构": the row is named, but no cell says who, where or
            # which organisation besides the named one — the sentences decide
            return None
        rows = query.named[:MAX_LOOKUP_ROWS]
        text = "\n".join(f"{phrase_row(r, label, say)}{cites.mark(r)}" for r in rows)
        short = _lookup_value(rows[0], query.column, kind) if query.column and len(rows) == 1 else None
        return TableAnswer(text, short or None)
    if query.op is Op.COMPARE:
        return _compare(query, question, cites, say)
    rows = [r for r in query.table.rows if r not in query.excluded and all(_passes(r, f) for f in query.filters)]
    if query.op is Op.EXTREME:
        return _extreme(query, rows, question, cites, say)
    if query.op is Op.TOTAL:
        return _total(query, query.named or rows, cites, say)
    if not rows:
        return None
    unit = say(query.unit)
    condition = _condition(query.filters, say)
    if query.excluded:  # "除了寒武纪，还有哪些…"
        left_out = "、".join(row_entity(r.cells) for r in query.excluded)
        return TableAnswer(say("据{label}，除{left_out}外，{condition}还有 {n} {unit}：").format(
            label=say(label), left_out=left_out, condition=condition, n=len(rows), unit=unit) + f"{_names(rows, cites)}。")
    shown = say(label)
    if not query.filters:  # all of the table's rows: say what it lists ("表1列的是哪些企业？"), its title verbatim
        shown += titled_label(query.table)[len(label):]
    # one row found: what else its cells say is there to be read ("唯一一家C轮的是谁？啥时候融的")
    facts = {rows[0].id: _facts(rows[0])} if len(rows) == 1 else None
    return TableAnswer(say("据{label}，{condition}共 {n} {unit}：").format(
        label=shown, condition=condition, n=len(rows), unit=unit) + f"{_names(rows, cites, facts)}。")


def answer_from_tables(question: str, q: Question, hits: list[Hit], context: AnswerContext,
                       cites: Marker, traditional: bool = False) -> TableAnswer | None:
    """The table operation the question asks for, answered in the question's script (`traditional`; the table's
    values stay as it writes them); None when no table answers it (the sentence path decides then)."""
    query = parse(question, context.tables, hits, context.segmenter, context.document_text)
    return run(query, question, q.qtype.kind, cites, wording(traditional)) if query is not None else None
