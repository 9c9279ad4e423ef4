"""Read a question as an operation on one table: which table, which rows it names, which column it asks about,
which operation (lookup, earliest/latest, largest/smallest, count, list, comparison) and which filters.

Only generic Chinese enters here — operation words (最早, 几家, 哪些, 分别 …) and the table's own column names
and cells, matched by characters: a column is asked about when the question shares a character pair with its
name (成立 ↔ 成立时间, 融资 ↔ 融资事件) or names it by a one-character word it starts with (轮 ↔ 轮次); a date in
the question ("2018年") constrains rows, it is not an attribute. Question words for time or quantity (哪一年, 什么时候, 多少) never name a
column by themselves: "寒武纪是哪一年上市的？" asks about 上市, which no column of the table holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache, reduce
from typing import Callable

import cn2an

from qa.answer.arithmetic import ROW_OPERATIONS, TOTAL_WORDS, asked_operation
from qa.answer.listed import listed_beside
from qa.answer.money import ASKED_CURRENCY, currency_names
from qa.understand.kind import WH_WORDS, Kind, asked_name
from qa.understand.constraints import AMOUNT_ASKED, YEAR_MONTH, asked_noun, attribute_before
from qa.ingest.columns import Column, ColumnType, Table
from qa.ingest.table import entity_names, row_entity
from qa.ingest.values import CURRENCIES, Amount, DateValue, find_amount, find_date
from qa.segment.tokenizer import NAME_TAGS, WEAK_NAME_TAGS, Segmenter
from qa.text import TABLE_TITLE, coded_words, fold, normal_form
from qa.types import Hit, Passage


class Op(str, Enum):
    LOOKUP = "lookup"    # the named rows, read out
    EXTREME = "extreme"  # the row(s) with the earliest/latest/largest/smallest value of a column
    COUNT = "count"      # how many rows pass the filters
    LIST = "list"        # which rows pass the filters
    COMPARE = "compare"  # two or more named rows ordered by a column, or each one's value (分别)
    TOTAL = "total"      # the sum of the amounts of the rows that pass the filters


class Measure(str, Enum):
    """What an ordering compares: the dates or the amounts/numbers of a column."""

    TIME = "time"
    SIZE = "size"


@dataclass(frozen=True)
class Order:
    """An ordering word found in the question ("最早", "早"): what it measures and which end it wants."""

    word: str
    measure: Measure
    highest: bool


@dataclass(frozen=True)
class Filter:
    """Rows whose `column` holds `value`: a year/month of its dates, a cell value ("D 轮"), or (`currency`) an
    amount written in that currency ("人民币")."""

    column: Column
    value: str
    year: int = 0
    month: int = 0
    #: the last month of a span of months the question asks ("2018年下半年": 7 to 12); 0 for one month
    last_month: int = 0
    currency: bool = False
    #: a sum the question states ("融了6亿美元"): rows whose amount is that sum; `value` is how the question wrote it
    amount: Amount | None = None

    def holds(self, date: DateValue) -> bool:
        """The date is of the year asked, and of its month or months when asked."""
        last = self.last_month or self.month
        return date.year == self.year and (not self.month or self.month <= date.month <= last)


@dataclass
class TableQuery:
    """The operation a question asks of one table."""

    op: Op
    table: Table
    named: list[Passage] = field(default_factory=list)
    column: Column | None = None
    order: Order | None = None
    filters: list[Filter] = field(default_factory=list)
    #: the counting word of a count or list question ("家" in 几家, 哪几家), for the answer's wording
    unit: str = "项"
    #: a cell value the question states that the named row does not hold ("字节跳动D轮…" where its 轮次 is E 轮):
    #: the table answers another question than the one asked
    contradicted: Filter | None = None
    #: rows the question leaves out ("除了寒武纪，表1里还有哪些B轮企业？")
    excluded: list[Passage] = field(default_factory=list)
    #: what the question asks a column of that the table it points at does not list ("云知声在表1里那笔融资是哪一轮"):
    #: the table has no answer, and the sentences have none either (they name it only elsewhere)
    unlisted: str = ""


#: Superlatives first (最早 must not read as the comparative 早); the comparatives need two named rows.
_ORDERS: tuple[tuple[re.Pattern[str], Measure, bool], ...] = (
    (re.compile(r"最(?:早|先|久|老)"), Measure.TIME, False),
    (re.compile(r"最(?:晚|新|近|迟|年轻)"), Measure.TIME, True),
    (re.compile(r"最(?:大|多|高|贵)"), Measure.SIZE, True),
    (re.compile(r"最(?:小|少|低)"), Measure.SIZE, False),
)
_COMPARATIVES: tuple[tuple[re.Pattern[str], Measure, bool], ...] = (
    (re.compile(r"早|先"), Measure.TIME, False),
    (re.compile(r"晚|迟"), Measure.TIME, True),
    (re.compile(r"多|大|高"), Measure.SIZE, True),
    (re.compile(r"少|小|低"), Measure.SIZE, False),
)
_COUNT = re.compile(r"(?:(?<!哪)几|多少)([家个项位所只条名])|数量|数目|总数")  # "哪几家" asks which ones
#: "融了12亿元人民币的是哪家？": which row holds a value or sum the question quotes — the rows that do.
_WHICH = re.compile(r"哪家|哪个|谁")
_LIST = re.compile(r"哪些|哪几|哪[两三四五六七八九十\d]+[家个位项]|都有谁|有谁|都是谁|列出|列举")
#: The counter a list question asks its rows in ("哪几家").
_WHICH_COUNTED = re.compile(r"哪几([家个项位所只条名])")
#: Aspect particles after a verb ("融了", "成立过") that do not change what is asked.
_PARTICLES = "了过着得"
#: One-character words that complete a verb before them ("折成美元", "换到", "变为"): no column's first character.
_COMPLEMENTS = "成到为完"
_EACH = re.compile(r"分别|各自|各是")
#: "除了百度和寒武纪，还有哪些？" names rows to leave out: a list question asks for the others, not about the named rows.
_EXCEPT = re.compile(r"除了|除去|除开|以外|之外")
#: Questions about the entity as a whole ("介绍一下寒武纪", "Geek+的全称是什么？"): any row answers them.
_GENERAL = re.compile(r"介绍|信息|情况|简介|概况|资料|基本|名[称字]|[全简]称|[全英中]文?名|叫什么|是什么公司|是什么企业")
#: Words that ask for an amount of money: they name the table's amount columns ("E轮融了多少钱").
_MONEY = re.compile(r"钱|金额|融资额|融了多少|融到多少|融资多少")
#: An amount of money asked by its unit ("一共多少亿元", "多少万美元").
_MONEY_UNIT_ASKED = re.compile(r"多少(?:亿|万)?(?:元|美元)|多少亿")
#: A total asked ("加起来一共", "合计").
_TOTAL = re.compile(TOTAL_WORDS)
#: Words that ask for a time or quantity without naming what it is of: they never match a column name.
_TYPE_WORDS = re.compile(r"时间|日期|年份|时候|哪一?年|几月|多少|几")
#: How a question points at a table without its number.
_TABLE_WORDS = re.compile(r"表\s*\d+[中里内上]?|表[中里内格上]|名单|清单|列表|榜单")
_TABLE_NUMBER = re.compile(r"表\s*([零〇一二三四五六七八九十]+)")
#: A currency the question names ("按人民币计的融资中…"): not a bare 元, which any amount of yuan ends with, nor
#: the unit of a sum the question states ("超10亿人民币的那14家" keeps rounds in dollars over that sum too).
_NAMED_CURRENCY = currency_names(c for c in CURRENCIES if len(c) > 1)
_CURRENCY = re.compile(_NAMED_CURRENCY)
#: A number the question states, with its unit and currency and a comparison before or after it ("超过10亿",
#: "1亿元以上", "10亿+"). Only a sum (`find_amount`: a unit or currency) stated without a comparison filters rows:
#: a table's title often sets the bound already ("单次融资超过10亿…名单"), while its cells round ("1 亿美元以上") —
#: compared, they would drop rows the title includes.
_STATED_SUM = re.compile(rf"(超过|超|过|逾|大于|高于|多于|不少于|至少|低于|少于|小于|不到|不足|近)?\s*"
                         rf"(\d+(?:\.\d+)?\s*[万亿千百]*\s*(?:{_NAMED_CURRENCY}|元)?)\s*(以上|以下|左右|多|余|\+)?")
#: A cell value shorter than this ("B", "10") is too ambiguous to filter rows by.
MIN_FILTER_VALUE_CHARS = 2


def table_label(table: Table) -> str:
    """"表 1" for a table titled "表 1 …", else "表格"."""
    return f"表 {m.group(1)}" if (m := TABLE_TITLE.match(table.title)) else "表格"


def titled_label(table: Table) -> str:
    """"表 1“单次融资超过 10 亿人民币的北京人工智能企业名单（截止 2019.3）”": the label with what the table lists and
    as of when, for an answer about all of its rows."""
    m = TABLE_TITLE.match(table.title)
    return f"{table_label(table)}“{m.group(2).strip()}”" if m else table_label(table)


def _numbered(question: str) -> str:
    """The question in normal form with "表一" written "表1" (cn2an reads the numeral)."""
    return normal_form(_TABLE_NUMBER.sub(lambda m: f"表{cn2an.cn2an(m.group(1), 'smart')}", question))


def named_rows(norm: str, table: Table) -> list[Passage]:
    """Rows whose name or alias ("Geek+", "极智嘉科技") the question contains, in table order."""
    return [r for r in table.rows
            if any(normal_form(a) in norm for a in entity_names(row_entity(r.cells)))]


#: The measure word a question asks which one of ("哪一轮", "第几轮"): it names the kind of the answer.
_ASKED_MEASURE = re.compile(r"(?:哪一?|第几)([\u4e00-\u9fff])")


def _rest(norm: str, named: list[Passage]) -> str:
    """What the question asks besides the rows it names, its table, numbers and question words — a measure word asked
    which one of kept apart as a word of its own ("是哪一轮融的" → 轮, which names 轮次; jieba would join it to its
    numeral, "一轮", or to the verb after it, "哪轮融")."""
    norm = _ASKED_MEASURE.sub(r" \1 ", norm)
    for row in named:
        for alias in sorted(entity_names(row_entity(row.cells)), key=len, reverse=True):
            norm = norm.replace(normal_form(alias), " ")
    for pattern in (_TABLE_WORDS, YEAR_MONTH, _TYPE_WORDS, WH_WORDS):
        norm = pattern.sub(" ", norm)
    return norm


def column_named(rest: str, column: Column, segmenter: Segmenter) -> bool:
    """The question's words name the column: a shared character pair, or a one-character word it starts with
    (aspect particles dropped: "融了" is 融)."""
    name = normal_form(column.name)
    if any(name[i:i + 2] in rest for i in range(len(name) - 1)):
        return True
    return any(name.startswith(w) for w in _one_character_words(rest, segmenter))


@lru_cache(maxsize=1024)
def _one_character_words(rest: str, segmenter: Segmenter) -> frozenset[str]:
    """The question's one-character words that are not stopwords, aspect particles dropped (segmented once per
    question, not once per column)."""
    stems = (w.rstrip(_PARTICLES) or w for w in segmenter.words(rest))
    return frozenset(w for w in stems if len(w) == 1 and w not in segmenter.stopwords and w not in _COMPLEMENTS)


def _offers(column: Column, order: Order) -> bool:
    """A column can be ordered this way: dates by time; amounts and numbers by size; a category by how many
    rows hold each value, only for 最多/最少."""
    if order.measure is Measure.TIME:
        return column.type is ColumnType.DATE or column.has_dates
    if column.type is ColumnType.CATEGORY:
        return order.word.endswith(("多", "少"))
    return column.type in (ColumnType.AMOUNT, ColumnType.NUMBER) or column.has_amounts


def _overlap(rest: str, column: Column) -> float:
    """Share of the column name's character pairs the question repeats: 单笔融资 beats 融资阶段 for "单笔融资"."""
    name = normal_form(column.name)
    pairs = [name[i:i + 2] for i in range(len(name) - 1)] or [name]
    return sum(p in rest for p in pairs) / len(pairs)


#: Where a question turns from what it states to what it asks: "A轮的最多，那C轮及以后的呢？".
_CONTRAST = re.compile(r"[，,]\s*那")


def _asked_part(norm: str) -> str:
    """The question without the clauses it opens with as given ("北京AI公司A轮的最多，那C轮及以后的呢"): clauses
    asking nothing (no question word) before a "，那…" clause state a fact to contrast with — an extreme said there
    is no ordering asked."""
    turns = list(_CONTRAST.finditer(norm))
    if turns and not WH_WORDS.search(norm, 0, turns[-1].start()):
        return norm[turns[-1].start():]
    return norm


def asked_order(norm: str, comparative: bool) -> Order | None:
    """The ordering a question asks for: an extreme ("最早", "最多"), or with `comparative` also a comparison
    ("早", "多") — in the part of the question that asks (`_asked_part`)."""
    asked = _asked_part(norm)
    for pattern, measure, highest in (*_ORDERS, *(_COMPARATIVES if comparative else ())):
        if m := pattern.search(asked):
            return Order(m.group(0), measure, highest)
    return None


def _measured_column(table: Table, order: Order, named: list[Column], rest: str, explicit: bool,
                     money: bool) -> Column | None:
    """The column an ordering reads: the named one offering it that the question names most fully, else — when
    the question points at the table itself — its only column of that exact type (for a size asked of money, else
    its only column holding amounts in its text: "2018.7 融资 6 亿美元"; "估值最高", "员工人数最多" ask another size)."""
    offering = sorted((c for c in named if _offers(c, order)), key=lambda c: -_overlap(rest, c))
    if offering:
        return offering[0]
    if not explicit:
        return None
    exact = ColumnType.DATE if order.measure is Measure.TIME else ColumnType.AMOUNT
    typed = [c for c in table.columns if c.type is exact] or (
        [c for c in table.columns if c.has_amounts] if money and order.measure is Measure.SIZE else [])
    return typed[0] if len(typed) == 1 else None


#: Words after a quoted value that make it one end of a range ("B轮及以后", "C轮以前"): no value to filter rows by.
_RANGE_AFTER = re.compile(r"(?:及|和)?(?:以后|之后|往后|以上|以前|之前|以下)")


def quoted_values(norm: str, table: Table) -> dict[tuple[str, str], Column]:
    """Cell values the question quotes whole ("D轮", "战略投资"), with their columns — none of a column one of whose
    values the question quotes as one end of a range ("B轮及以后的企业有多少家", "B轮、C轮及以后的企业…": the report's
    "B轮、C轮及以后…超过100家", not the table's four B 轮 rows)."""
    values: dict[tuple[str, str], Column] = {}
    for column in table.columns:
        if column.type in (ColumnType.NAME, ColumnType.SERIAL):
            continue
        quoted: dict[tuple[str, str], Column] = {}
        for row in table.rows:
            value = dict(row.cells).get(column.name, "")
            if len(normal_form(value)) >= MIN_FILTER_VALUE_CHARS and not value.isdigit() and normal_form(value) in norm:
                quoted[(column.name, value)] = column
        if not any(_RANGE_AFTER.match(norm, m.end()) for _, value in quoted
                   for m in re.finditer(re.escape(normal_form(value)), norm)):
            values.update(quoted)
    return values


def _filters(norm: str, table: Table, named: list[Column],
             values: dict[tuple[str, str], Column]) -> list[Filter]:
    """Year/month constraints on a date column, the currency the amounts are to be in, a sum they are to be, and
    the longest cell value the question quotes whole (`values`: `quoted_values`)."""
    found: list[Filter] = []
    money = [c for c in named if c.type is ColumnType.AMOUNT or c.has_amounts] \
        or [c for c in table.columns if c.type is ColumnType.AMOUNT or c.has_amounts]
    if money and (currency := _CURRENCY.search(_STATED_SUM.sub(" ", norm))):
        found.append(Filter(money[0], CURRENCIES[currency.group()], currency=True))
    for m in _STATED_SUM.finditer(norm) if money else ():
        if not (m[1] or m[3]) and (amount := find_amount(m[2])) is not None:
            found.append(Filter(money[0], m[2].strip(), amount=amount))
    dated = [c for c in named if c.type is ColumnType.DATE or c.has_dates] \
        or [c for c in money if c.has_dates and _MONEY.search(norm)] \
        or [c for c in table.columns if c.type is ColumnType.DATE]  # "2019年才拿到这笔大钱的": the money's date
    for said, year, first, last in asked_times(norm):
        if dated:
            found.append(Filter(dated[0], said, year, first, last))
    if values:
        (_, value), column = max(values.items(), key=lambda kv: len(normal_form(kv[0][1])))
        found.append(Filter(column, value))
    return found


def _without_values(rest: str, values: dict[tuple[str, str], Column]) -> str:
    """The question without the cell values it quotes: a quoted value says which row or round is meant, not which
    column is asked ("特斯联B轮那次的领投方是谁" asks for no 轮次, so the row's 轮次 cell is no answer to it)."""
    for _, value in sorted(values, key=lambda nv: -len(nv[1])):
        rest = rest.replace(normal_form(value), " ")
    return rest


def _several_in_one_column(values: dict[tuple[str, str], Column]) -> bool:
    """The question quotes two values of one column ("B轮、C轮及以后的企业…"): not pointing at the table, it asks about
    a group of categories, which one filter would answer for one of them only ("轮次为 B 轮 的共 4 项") — and a
    report that groups its categories so states the group's figure in its text ("B轮、C轮及以后的企业数量占比合计
    24.21%")."""
    seen: dict[str, set[str]] = {}
    for name, value in values:
        seen.setdefault(name, set()).add(normal_form(value))
    return any(len(found) > 1 for found in seen.values())


def _tables_in_play(norm: str, tables: tuple[Table, ...], hits: list[Hit]) -> list[tuple[Table, bool]]:
    """Tables the question may be about, each with whether the question points at it: the table its label
    names ("表1"), else those with a retrieved row, best-ranked first (pointed at by a word like 名单, 表中)."""
    labelled = [t for t in tables if TABLE_TITLE.match(t.title) and normal_form(table_label(t)) in norm]
    if labelled:
        return [(t, True) for t in labelled]
    rank = {h.passage.id: i for i, h in enumerate(hits)}
    best = [min(rank.get(r.id, len(hits)) for r in t.rows) for t in tables]
    explicit = bool(_TABLE_WORDS.search(norm))
    return [(tables[i], explicit) for i in sorted(range(len(tables)), key=best.__getitem__) if best[i] < len(hits)]


def parse(question: str, tables: tuple[Table, ...], hits: list[Hit], segmenter: Segmenter,
          document_of: Callable[[str], str]) -> TableQuery | None:
    """The operation the question asks of a table, or None when it asks none a table can answer; `document_of`:
    a document's whole text in normal form by its source (a table's own document tells which other words name
    things of its rows' kind)."""
    norm = _numbered(question)
    others = bool(_EXCEPT.search(norm) and _LIST.search(norm))
    excluded: list[Passage] = []
    for table in tables:
        named = named_rows(norm, table)
        if named and not others:
            return _about_rows(norm, table, named, segmenter, document_of(table.rows[0].source))
        excluded += named
    for table, explicit in _tables_in_play(norm, tables, hits):
        query = _about_table(norm, table, explicit, segmenter, document_of(table.rows[0].source))
        if query is not None:
            query.excluded = [row for row in excluded if row in table.rows]
            return query
    return None


#: A part of a year ("2018年下半年", "2019年一季度", "2018年Q3"): its months.
_PART_OF_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*的?(?:([上前])半年|([下后])半年|第?([一二三四1-4])季度?|[Qq]([1-4]))")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def asked_times(norm: str) -> list[tuple[str, int, int, int]]:
    """The times the question states, each as it says it with its year and first and last month (0, 0 for a whole
    year; a month, or the months of a half or quarter of the year: "2018年下半年" → 7 to 12)."""
    times, parts = [], list(_PART_OF_YEAR.finditer(norm))
    for m in parts:
        quarter = m[4] or m[5]
        first = 1 if m[2] else 7 if m[3] else 3 * (_QUARTERS.get(quarter) or int(quarter)) - 2
        times.append((m.group().replace("的", "").upper(), int(m[1]), first, first + (5 if m[2] or m[3] else 2)))
    for m in YEAR_MONTH.finditer(norm):
        if not any(part.start() <= m.start() < part.end() for part in parts):
            month = int(m[2] or 0)
            times.append((f"{m[1]}年{m[2] + '月' if m[2] else ''}", int(m[1]), month, month))
    return times


def _off_date(norm: str, table: Table, row: dict[str, str]) -> Filter | None:
    """A year (or year and month) the question states that no date of the named row holds ("旷视2019年又融了一轮吗？"
    of a row dated 2011-10 and 2018.7): the row is of another time, and so is not the answer — checked only when the
    question asks for something the row holds (2023年…的营收 asks for no column of it: the sentences decide). The
    date column named is the one whose date is nearest the asked year; a year the table's title states is the
    table's own."""
    dated = [(c, d) for c in table.columns if (c.type is ColumnType.DATE or c.has_dates)
             and (d := find_date(row.get(c.name, ""))) is not None]
    title = normal_form(table.title)
    for said, year, first, last in asked_times(norm):
        if not dated or f"{year}年" in title:
            continue
        asked = Filter(dated[0][0], said, year, first, last)
        if not any(asked.holds(d) for _, d in dated):
            return replace(asked, column=min(dated, key=lambda cd: abs(cd[1].year - year))[0])
    return None


def _about_rows(norm: str, table: Table, named: list[Passage], segmenter: Segmenter,
                document: str) -> TableQuery | None:
    """A question naming rows: a comparison or each one's value, or a lookup of an attribute the table holds."""
    rest = _rest(norm, named)
    quoted = quoted_values(rest, table)
    asked = _without_values(rest, quoted)
    columns = [c for c in table.columns if c.type is not ColumnType.SERIAL and column_named(asked, c, segmenter)]
    if _MONEY.search(norm):  # a money question asks for the amount first ("融了多少钱" also names 融资阶段 by 融)
        money = [c for c in table.columns if c.type is ColumnType.AMOUNT or c.has_amounts]
        columns = money + [c for c in columns if c not in money]
    if len(named) == 1:
        row = dict(named[0].cells)
        for (name, value), column in quoted.items():
            if normal_form(row.get(name, "")) != normal_form(value):
                return TableQuery(Op.LOOKUP, table, named, column, contradicted=Filter(column, value))
        if (other := _in_other_currency(norm, table, row)) is not None:
            return TableQuery(Op.LOOKUP, table, named, other[0], contradicted=Filter(*other))
        if (coded := _other_code(rest, table, row)) is not None:
            return TableQuery(Op.LOOKUP, table, named, coded[0], contradicted=Filter(*coded))
    if len(named) >= 2:
        order = asked_order(rest, comparative=True)
        column = _measured_column(table, order, columns, rest, False, False) if order else None
        if column is not None:
            return TableQuery(Op.COMPARE, table, named, column, order)
        if _EACH.search(norm) and columns:
            return TableQuery(Op.COMPARE, table, named, columns[0])
    if _unwritten_attribute(norm, segmenter, document):
        return None
    money = [c for c in table.columns if c.type is ColumnType.AMOUNT or c.has_amounts]
    if len(named) >= 3 and _TOTAL.search(norm) and money and not _unwritten_noun(asked, segmenter, document):
        # "商汤、地平线、旷视这仨的融资加起来多少": the named rows' amounts added up (two rows are an operation's sides)
        return TableQuery(Op.TOTAL, table, named, money[0])
    if len(named) == 2 and (op := asked_operation(norm)) is not None and op.kind in ROW_OPERATIONS \
            and not _unwritten_noun(asked, segmenter, document):
        # "商汤那笔D轮是旷视那笔的几倍": two rows' amounts computed, though no column is named — unless the question
        # names something else to compute ("字节跳动的估值是旷视的几倍": 估值, which the report never writes)
        return TableQuery(Op.LOOKUP, table, named, columns[0] if columns else None)
    if columns or _GENERAL.search(rest):
        # asked for what the row holds, but of a time none of its dates is ("旷视2019年又融了一轮吗？融了多少？")
        if len(named) == 1 and (off := _off_date(norm, table, dict(named[0].cells))) is not None:
            return TableQuery(Op.LOOKUP, table, named, off.column, contradicted=off)
        return TableQuery(Op.LOOKUP, table, named, columns[0] if columns else None)
    return None


def _unwritten_attribute(asked: str, segmenter: Segmenter, document: str) -> bool:
    """The question asks the amount of an attribute the document never writes, named right before its asking
    words ("字节跳动现在估值大概多少钱？": 估值; "尚汤科技去年到底赚没赚钱？净利润多少": 净利润, though the money words
    matched 赚钱), but for a word asking for money itself ("融资额", which the report writes 融资金额). The row's
    funding is not the answer — the sentences decide, and refuse ("报告中没有关于“估值”的内容"); an attribute
    elsewhere in the question is another part of it ("Momenta那笔是什么性质的投资，金额多少？")."""
    for asking in AMOUNT_ASKED.finditer(asked):
        attribute = attribute_before(asked, asking.start(), segmenter)
        if attribute and normal_form(attribute[-1]) not in document and not _MONEY.search(attribute[-1]):
            return True
    return False


def _unwritten_noun(asked: str, segmenter: Segmenter, document: str) -> bool:
    """The question's words besides the rows it names hold a noun of two or more characters the document never
    writes."""
    return any(len(word) > 1 and flag.startswith("n") and normal_form(word) not in document
               for word, flag in segmenter.tagged(asked))


def _cell_codes(cell: str) -> set[str]:
    """The coded words of a cell, which may space the code from its word ("B 轮")."""
    return coded_words(normal_form(cell).replace(" ", ""))


def _other_code(rest: str, table: Table, row: dict[str, str]) -> tuple[Column, str] | None:
    """A column of coded values ("B 轮", "D 轮") and the code the question gives it, when no row holds that code
    ("寒武纪A轮融了多少钱？" of a row in B 轮): a value no cell quotes whole (`quoted_values`) but of the same shape,
    a code before the same Chinese character."""
    asked = coded_words(rest)
    for column in table.columns:
        if column.type in (ColumnType.NAME, ColumnType.SERIAL):
            continue
        held = {coded for r in table.rows for coded in _cell_codes(dict(r.cells).get(column.name, ""))}
        mine = _cell_codes(row.get(column.name, ""))
        for code in sorted(asked - mine):
            if any(code[-1] == other[-1] for other in held):
                return column, code[:-1].upper() + code[-1]
    return None


def _in_other_currency(norm: str, table: Table, row: dict[str, str]) -> tuple[Column, str] | None:
    """The row's money column and "以<currency>计" when the question asks for an amount in a currency the row's
    amount is not written in ("车和家那轮融资折合多少美元？" of "30 亿元人民币"): the report gives no such figure."""
    m = ASKED_CURRENCY.search(norm)
    if m is None:
        return None
    asked = CURRENCIES[m.group(1)]
    for column in table.columns:
        if column.type is not ColumnType.AMOUNT and not column.has_amounts:
            continue
        amount = find_amount(row.get(column.name, ""))
        if amount is not None and amount.currency is not None and amount.currency != asked:
            return column, f"以{asked}计"
    return None


#: jieba's name tags (`tokenizer.py`) without "eng": a Latin word in a question (AI, GDP) is a domain term far more
#: often than a name. Weakly tagged names count: a company jieba does not know ("云知声", nr) is still a name here.
_PROPER_NAME_TAGS = (NAME_TAGS | WEAK_NAME_TAGS) - {"eng"}
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")


def _names_elsewhere(norm: str, table: Table, segmenter: Segmenter, document: str) -> bool:
    """The question names someone or something that the table never mentions — a proper name by jieba's tag, a
    Chinese word jieba's dictionary lacks (its HMM guessed it: "依图" of 依图科技, tagged a verb), or a word the
    table's document lists beside the table's own entities ("代表性企业包括百度、寒武纪、地平线…": 百度, which jieba
    tags a common noun, is one more of them): "云知声最近那轮融资拿了多少钱" asks about a company outside the
    table, which the table's most recent round does not answer."""
    tagged = segmenter.tagged(norm)
    return _name_elsewhere(tagged, table, segmenter, document) is not None or _unwritten_compound(tagged, document)


def _name_elsewhere(tagged: list[tuple[str, str]], table: Table, segmenter: Segmenter, document: str) -> str | None:
    """The first word of `_names_elsewhere`'s kinds (a proper name, an unknown word, one listed beside the table's
    entities) that the table never mentions."""
    entities = {normal_form(name) for row in table.rows for name in entity_names(row_entity(row.cells))}
    return next((word for word, flag in tagged
                 if len(word) > 1 and normal_form(word) not in table.text
                 and (flag in _PROPER_NAME_TAGS or _unknown_chinese(word, segmenter)
                      or listed_beside(normal_form(word), entities, document))), None)


def _unwritten_compound(tagged: list[tuple[str, str]], document: str) -> bool:
    """Two adjacent Chinese nouns or verbs the document never writes: jieba cut a name it does not know into
    dictionary words ("出门问问" → 出门/问问), which a table of other companies does not answer."""
    unwritten = [flag[:1] in ("n", "v") and bool(_CJK_WORD.fullmatch(word)) and normal_form(word) not in document
                 for word, flag in tagged]
    return any(a and b for a, b in zip(unwritten, unwritten[1:]))


def _unknown_chinese(word: str, segmenter: Segmenter) -> bool:
    """A word of Chinese characters that jieba's dictionary does not list (looked up in Simplified form)."""
    return bool(_CJK_WORD.fullmatch(word)) and segmenter.token_share(fold(word)) == 0


def _about_table(norm: str, table: Table, explicit: bool, segmenter: Segmenter, document: str) -> TableQuery | None:
    """A question about the table as a whole: an extreme, a count or a list of rows passing filters — not one
    that names something the table does not list, unless it points at the table itself. The names are looked
    for last: jieba's POS HMM is slow on long runs of unknown characters (~250 ms for 96 random ones), and most
    questions are no table-wide operation at all."""
    query = _table_wide(norm, table, explicit, segmenter)
    if query is None and explicit:
        return _of_unlisted(norm, table, segmenter, document)
    if query is None or _asks_another_kind(norm, table, segmenter):
        return None
    if explicit or not _names_elsewhere(norm, table, segmenter, document):
        return query
    return None


def _of_unlisted(norm: str, table: Table, segmenter: Segmenter, document: str) -> TableQuery | None:
    """A column asked of something the question names in the table it points at, which that table does not list
    ("云知声在表1里那笔单次超10亿的融资是哪一轮？": a company the report names elsewhere, no row of 表1) — asked when
    the question is no list, count or extreme, which `_table_wide` reads."""
    rest = _rest(norm, [])
    columns = [c for c in table.columns if c.type is not ColumnType.SERIAL and column_named(rest, c, segmenter)]
    if not columns:
        return None
    unlisted = _name_elsewhere(segmenter.tagged(rest), table, segmenter, document)
    return TableQuery(Op.LOOKUP, table, column=columns[0], unlisted=unlisted) if unlisted else None


def _asks_another_kind(norm: str, table: Table, segmenter: Segmenter) -> bool:
    """The question asks which thing of a kind the table's rows are not and no column of it names: "北京哪个区的AI
    企业融资总额最多？" (a place, of a table whose rows are mostly no places — a company's name may be a place's too:
    青云), "按融资总额算，哪个阶段的公司拿走的钱占比最高？" (阶段, which names no column: 轮次) — a table of companies
    would answer with a company. An organisation or a person asked for ("哪家公司", "谁"), or a noun naming a column
    ("哪个融资阶段", "哪个轮次"), is the table's to answer."""
    kind, noun = asked_name(norm, any_clause=True), asked_noun(norm, segmenter)
    if kind in (Kind.ORG, Kind.PERSON) or (noun is None and kind is not Kind.PLACE):
        return False
    if noun is not None and any(column_named(noun, c, segmenter) for c in table.columns):
        return False
    if kind is not Kind.PLACE:
        return True
    places = sum(segmenter.is_listed_place(normal_form(row_entity(row.cells))) for row in table.rows)
    return 2 * places <= len(table.rows)


def _table_wide(norm: str, table: Table, explicit: bool, segmenter: Segmenter) -> TableQuery | None:
    """The table-wide operation the question's words ask for (`_about_table` without the names check)."""
    rest = _rest(norm, [])
    columns = [c for c in table.columns if column_named(rest, c, segmenter)]
    values = quoted_values(norm, table)
    if not explicit and _several_in_one_column(values):
        return None
    filters = _filters(norm, table, columns, values)
    # a column's own name ("最近融资额") is not an ordering word
    order = asked_order(reduce(lambda text, c: text.replace(normal_form(c.name), " "), table.columns, norm), False)
    if order is not None:
        # a category the question filters to one value ("D轮那几家，谁单笔拿得最多") has no value most rows hold
        filtered = {f.column.name for f in filters if f.column.type is ColumnType.CATEGORY}
        column = _measured_column(table, order, [c for c in columns if c.name not in filtered], rest, explicit,
                                  _MONEY.search(norm) is not None)
        return TableQuery(Op.EXTREME, table, [], column, order, filters) if column else None
    if not filters and not explicit:
        return None
    if explicit and _TOTAL.search(norm) and (_MONEY.search(norm) or _MONEY_UNIT_ASKED.search(norm)):
        # "表1里用人民币融资的几笔加起来一共多少亿元": the amounts of the rows passing the filters, summed
        money = [c for c in table.columns if c.type is ColumnType.AMOUNT or c.has_amounts]
        return TableQuery(Op.TOTAL, table, [], money[0], None, filters) if money else None
    if m := _COUNT.search(norm):
        # A count of the table's rows answers "how many in the table": a question that neither points at the table
        # nor quotes one of its values or sums ("2016年北京新成立了多少家", "…用美元融资的有多少家") asks about a
        # wider population than the table lists.
        if not explicit and all(f.year or f.currency for f in filters):
            return None
        return TableQuery(Op.COUNT, table, [], None, None, filters, unit=m.group(1) or "项")
    if _LIST.search(norm) or (_WHICH.search(norm) and any(not (f.year or f.currency) for f in filters)):
        counted = _WHICH_COUNTED.search(norm)  # "哪几家" lists the rows and counts them in 家
        return TableQuery(Op.LIST, table, [], None, None, filters, unit=counted.group(1) if counted else "项")
    return None
