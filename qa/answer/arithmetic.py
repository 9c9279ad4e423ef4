"""One step of arithmetic the report leaves to the reader: a difference, a change, a complement, a sum, a multiple,
or which of two is more.

"海淀区的占比比朝阳区高多少个百分点？" needs two figures the report states in different places and their difference;
quoting either figure would be a wrong answer. This module reads which operation a question asks for (generic
Chinese comparison wording only), finds each operand as the first figure that follows its mention in the retrieved
statements — preferring one statement that holds both, ranked by how much of the question it covers; a figure
counts only from a sentence that holds what its side names (`Support`: "获投企业占比" is not the "企业占比28.48%" of
a sentence about funding rounds, and "超过5亿元" needs a 5 there) — and shows the calculation with every operand
cited: "海淀区 62.44%[1]，朝阳区 25.79%[1]：62.44% − 25.79% = 36.65 个百分点。"
Percentages subtract to percentage points; 亿 and 万 are brought to one unit first. When an operand is missing, the
answer is a refusal that names it. "海淀跟朝阳哪个区的占比比较高？" is answered "海淀 62.44%[1]，朝阳 25.79%[1]：海淀更高
（62.44% > 25.79%）。" (short answer 海淀; "…差几家" adds the difference); a comparison without a figure of one unit
for each side computes nothing (its sides may be table rows, `tables.py`, or said in words). Questions that ask for
no operation are left to the other paths (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple

from qa.answer.candidates import Candidate
from qa.answer.features import Question, WeightedTerms, contains_term
from qa.answer.uncounted import COUNT_ASKED
from qa.answer.undated import compared_date, own_years
from qa.text import CLAUSE_END, coded_words, fold, normal_form
from qa.understand.constraints import (ASKS_CHANGE, COUNT_WORDS, NOT_DONE, SCOPE, TAKEN_AWAY, YEAR, YEAR_MONTH,
                                      measured_by)

if TYPE_CHECKING:  # tables.py reads the operation a question asks from here
    from qa.answer.tables import Marker

#: A figure: a number with its unit (the unit decides what may be subtracted from what).
FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(个百分点|%|亿美元|亿元|万元|亿|万|家|个|人|项|元|件|次)?")
#: A bare number that is a year ("从2015到2016年": the 年 is written once, after the second).
_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")
#: Which operation, read from the asking part (checked in this order).
_RATIO = re.compile(r"^(?P<a>.+?)是(?P<b>.+?)的(?:几|多少)倍")
#: "比" as the comparison word, not inside 占比, 相比, 对比, 比例, 比重 …
_DIFFERENCE = re.compile(r"^(?P<a>.+?)(?<![占相对之])比(?![例重率较])(?P<b>.+?)(?:提高|增加|增长|上升|降低|减少|下降|涨|跌|掉|(?:多|少)[\u4e00-\u9fff]?|高|低|大|小)(?:出|了)*(?:多少|几)")
_CHANGE = re.compile(r"(?:提高|增加|增长|上升|下降|减少|降低|回落|变化|变动|涨|跌|掉)了?(?:多少|几)")
#: "全国的AI企业中北京以外的…", "全国…企业里，不在北京的…", "北京获投企业里，注册地不在海淀区的…": the whole, then the
#: part left out; or the part said by what it has not done ("…企业里头，没拿过风投的": the part is those who have,
#: "拿过风投"; "…企业中，单次融资没超过1亿元的": "单次融资超过1亿元").
_LEFT_OUT = (r"(?:(?:[^，,。？?的没未不、（(]{0,6}?)(?:不在|不是|非)(?P<part>[^，,。？?的]{1,12}?)(?:以外|之外)?"
             r"|" + TAKEN_AWAY + r"(?P<part4>[^，,。？?的]{1,12}?)(?:以外|之外)?"
             r"|(?P<part2>[^，,。？?的]{1,12}?)(?:以外|之外)"
             r"|(?P<done>[^，,。？?的没未不]{0,8}?)(?:还|仍)?" + NOT_DONE + r"(?P<part3>[^，,。？?的]{1,12}?))的")
_COMPLEMENT = re.compile(r"(?P<whole>[^，,。？?]{2,24}?)(?:里头|里面|里|中|当中|之中)[，,]?" + _LEFT_OUT)
#: …or closed by a comma alone ("北京的AI相关企业，尚未获得融资的…"), tried after 里/中: "截至2019年4月，全国AI企业里北京以外的"
#: is of 全国AI企业.
_COMPLEMENT_AFTER_COMMA = re.compile(r"(?P<whole>[^，,。？?]{2,24}?)[，,]" + _LEFT_OUT)
#: "除了北京，全国其他地方还有多少家": the part left out first, then the whole and what else it holds.
_COMPLEMENT_FIRST = re.compile(TAKEN_AWAY + r"(?P<part>[^，,。？?的]{1,12}?)(?:以外|之外)?[，,]?"
                               r"(?P<whole>[^，,。？?]{2,24}?)(?:的)?(?:其他|其它|其余|别的|剩下)")
#: "北京那批拿到VC的AI公司，扣掉已经上市的，还剩多少家": the whole, then the part taken away, then what remains
#: ("…，刨掉北京的，其他地方一共还剩多少家").
_COMPLEMENT_REST = re.compile(r"(?P<whole>[^。？?]{2,30}?)[，,]?" + TAKEN_AWAY
                              + r"(?P<part>[^，,。？?]{1,12}?)的?[，,]?(?:(?:其他|其它|其余|别的)[^，,。？?]{0,4}?)?"
                                r"(?:一共|总共)?(?:还|就)?(?:剩下?|余下)")
#: The count of what has not done something, asked without a "…里" whole: "没获得融资的北京AI企业有多少家" (the part
#: first, then the whole), "北京还没上市的获投AI企业有几家" (the whole's place before the negation), "北京有多少家AI企业没
#: 有拿到融资" (the whole around the asking words, the part after the negation).
_NOT_DONE_COUNTED = re.compile(r"^(?P<place>[^，,。？?的]{0,8}?)(?:还|仍)?" + NOT_DONE + r"(?P<part>[^，,。？?的]{1,12}?)的"
                               r"(?P<whole>[^，,。？?的]{2,16}?)(?:一共|总共|共|大概|大约)?(?:有|是)?(?:多少|几)[家个]")
_COUNTED_NOT_DONE = re.compile(r"^(?P<place>[^，,。？?]{0,12}?)(?:里|中|当中)?(?:一共|总共|共)?有(?:多少|几)[家个]"
                               r"(?P<whole>[^，,。？?]{0,12}?)"
                               r"(?:还|仍)?" + NOT_DONE + r"(?P<part>[^，,。？?的]{1,12}?)[？?。]?$")
#: "全国新增的那44家AI公司里，北京占了几成", "全国4000多家AI企业，拿过VC的比例是多少": the share of a part in its
#: whole, both counted — computed only for a whole that states its size or is a ranking (`_share`).
_SHARE_OF = re.compile(r"(?P<whole>[^，,。？?]{2,30}?)(?:(?:里头|里面|里|中|当中|之中)[，,]?|(?<=[^，,。？?]{2})[，,])"
                       r"(?P<part>[^，,。？?]{1,12}?)的?(?:(?:所占的?|占了?)(?:比例|比重|份额|比)?|占比|比例|比重)"
                       r"(?:是|为|有|大概|大约)*(?:几成|多少|多大比例|多大比重|百分之几|百分之多少)(?![家个項项人])")
#: How far apart two sides are ("海淀和朝阳的占比相差多少个百分点", "海淀、朝阳俩区…的占比差了多少个点").
_GAP_OF_TWO = re.compile(r"^(?P<a>[^，,。？?]+?)(?:、|和|跟|与|同)(?P<b>[^，,。？?、]+?)(?:相差|差了?|差距|差值)(?:是|有)?(?:多少|几)")
#: Words saying that amounts are added up ("加起来一共", "合计").
TOTAL_WORDS = r"一共|合计|总共|总计|共计|加起来|加一起|加在一起|加一块|加在一块|合起来|相加|之和|总和"
_SUM = re.compile(r"(?P<a>[^，,。？?]{1,16}?)(?:和|与|跟|加上|(?<![增参追更添施])加(?![入快大强上起一在]))"
                  rf"(?P<b>[^，,。？?]{{1,16}}?)(?:{TOTAL_WORDS})"
                  r"(?:[^，,。？?]{0,4}|占[^，,。？?]{0,12}?)(?<!第)(?:多少|几)")  # "一共占北京获投AI企业的多少"
#: Three or more items listed and added up ("剩下西城、平谷、昌平加一块是几家", "西城、平谷和昌平一共有几家").
_SUM_OF_LIST = re.compile(r"(?P<items>[^，,。？?、]{1,12}(?:、[^，,。？?、]{1,12})+(?:和|与|跟|及|以及)?[^，,。？?、]{1,12}?)"
                          r"(?:这|那)?(?:[三四五六七八九]|\d)?个?[区家类项种]?的?(?:" + TOTAL_WORDS + r")"
                          r"[^，,。？?]{0,4}(?<!第)(?:多少|几)")
_ITEM_BREAK = re.compile(r"、|和|与|跟|以及|及")
_REMAINING = re.compile(r"^(?:剩下|剩余|其余|其他|其它)(?:的|还有)?")
#: Which of two is more (or less): "海淀跟朝阳哪个区的企业占比比较高？", "人民币融资的多还是美元融资的多？".
_WHICH_MORE = re.compile(r"^(?P<a>.+)(?:和|跟|与|同|还是)(?P<b>.+?)比?[，,]?(?:哪个|哪一个|谁|哪家|哪边|哪一方|哪种)"
                         r"[^，,。？?]{0,16}?(?P<way>高|多|大|低|少|小)")
_MORE_OR = re.compile(r"^(?P<a>.+?)(?P<way>高|多|大|低|少|小)还是(?P<b>.+?)(?P=way)")
#: The directions a comparison asks for: the larger figure's side wins for these.
_MORE = frozenset("高多大")
#: A comparison that also asks how many times the other ("…哪个区的占比更大？大概是另一个的几倍").
_ASKS_MULTIPLE = re.compile(r"(?:几|多少)倍")
#: A comparison that also asks by how much ("…哪个多？差几家").
_GAP = re.compile(r"差(?:了|距)?(?:多少|几)|相差|差值|多(?:出|了)?(?:多少|几)|高(?:出|了)?(?:多少|几)"
                  r"|[早晚](?:成立)?了?(?:多少|几)")
#: The second side of a "sum" that is the object of a relation ("北京跟人工智能相关的企业一共有多少家": 跟 is "with",
#: the companies related to AI, not 北京 plus 人工智能).
_RELATED = re.compile(r"^[^，,。？?]{1,12}?(?:相关|有关|沾边|挂钩|关联|无关|相似|类似|一样|相同|不同|合作|相比|对比)")
#: A total the report states itself ("海淀区和朝阳区人工智能企业合计超过88%"): quoted, not recomputed.
_STATED_TOTAL = re.compile(r"(?:合计|总共|一共|共计|总计|加起来)[^，,。；\d]{0,6}\d")
#: The rest the report states itself ("朝阳区由28.53%下降到25.79%，其它区域由10.51%提高到11.77%"): quoted.
_STATED_REST = re.compile(r"(?:其他|其它|其余)[^，,。；\d]{0,6}\d")


def _states_rest_of(part: str, text: str, unit: str | None, support: Support) -> bool:
    """The statement gives the rest besides the part itself ("除了海淀朝阳，北京其他区…" of "…海淀区…朝阳区由28.53%下降到
    25.79%，其它区域由10.51%提高到11.77%"): it mentions the part and states a rest, and every clause before the rest
    that gives a figure names some of the part — a clause of another item ("朝阳区由28.53%…" when only 海淀区 is left
    out) makes the stated rest another one."""
    rest = _STATED_REST.search(text)
    if rest is None or not (_states(_STATED_REST, text, unit) and _mentions(part, text, support).ends):
        return False
    pairs = _bigrams(fold(part))
    return all(pairs & _bigrams(fold(clause)) for clause in CLAUSE_END.split(text[:rest.start()])
               if figures_in(clause, unit))


def _states(pattern: re.Pattern[str], text: str, unit: str | None) -> bool:
    """The text states a total or rest itself (`pattern`), in the unit asked when one is: "合计超过88%" is no
    count of companies."""
    return any(unit is None or FIGURE.match(text, m.end() - 1)[2] == unit for m in pattern.finditer(text))


_FROM_TO = re.compile(r"[由从]\s*(\d+(?:\.\d+)?)\s*(%|亿元|亿|万|家|个)?[^。；，,\d]{0,8}?(?:提高|增加|增长|上升|下降|减少|降低|回落|升|降)(?:到|至)\s*"
                      r"(\d+(?:\.\d+)?)\s*(%|亿元|亿|万|家|个)?")
#: A figure of what was added or lost ("较2018年5月新增44家"); a question asks about such figures when it asks a
#: change (`constraints.ASKS_CHANGE`).
CHANGE_LEAD = re.compile(r"(?:新增|增加|减少|增长|下降|提高|降低|净增|新设|多了|少了)了?(?:约|近|超过)?\s*$")
#: How much of the question a statement covers (ranks the statements operands are taken from).
Coverage = Callable[[str], float]
#: A figure belongs to a mention when it follows within this many characters, in the same sentence.
MENTION_REACH = 24
_LEADING = re.compile(r"^(?:请问|那么|那|就是|我想问|想问一下|问一下|截至[^，,]*[，,]|报告里|报告中|已经|已)+")
_UNIT_SCALE = {"亿": Decimal(10) ** 8, "亿元": Decimal(10) ** 8, "万": Decimal(10) ** 4, "万元": Decimal(10) ** 4}
#: Words that ask for a share: the figures wanted are percentages ("占比", "比例" …).
_SHARE_WORDS = r"百分点|占比|比例|比重|百分之"
#: A side's figure counts only from a sentence that holds at least this share (a majority) of the IDF weight of
#: what the side names: "获投企业占比" is not "天使轮（含preA）企业占比28.48%" of a sentence without 获投.
SIDE_SUPPORT = 1 / 2
#: What a side's attribute says that no lead-in needs to: the asked share, a number of the figure itself.
_NO_ATTRIBUTE = re.compile(_SHARE_WORDS + r"|\d+(?:\.\d+)?[多余来]?[家个项人]?")
#: A number a side names exactly, which its sentence must hold too — not a round one ("4000多家", "1000余家").
_EXACT_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]|[多余来])")


@dataclass(frozen=True)
class Figure:
    """A number with its unit, where it was found (the statement it is cited from)."""

    value: Decimal
    unit: str
    text: str
    candidate: Candidate
    #: the statement's words between the side's mention and the figure ("获得过风险投资的人工智能企业")
    lead: str = ""
    #: where the side's mention ends in the statement (its sentence is the figure's support)
    at: int = 0

    @property
    def scaled(self) -> Decimal:
        return self.value * _UNIT_SCALE.get(self.unit, Decimal(1))


@dataclass(frozen=True)
class Operation:
    """What to compute: "difference" a − b, "gap" |a − b|, "complement" a − b (whole − part), "share" b / a (of
    the whole a), "sum", "ratio" a / b,
    "change" (the later figure of a "由 x 提高到 y" after the subject a, minus the earlier), or "compare": which of
    a and b is `way` (高/多/大: the larger figure; 低/少/小: the smaller)."""

    kind: str
    a: str
    b: str = ""
    way: str = ""
    #: a clause before a change's side that may name its subject instead ("北京海淀、朝阳以外的其它区域，获投AI
    #: 企业占比从2018到2019年涨了多少": 其它区域), tried when no statement mentions the side
    frame: str = ""
    #: a sum's items after a and b ("西城、平谷、昌平加一块": 昌平)
    more: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[str, ...]:
        """Every side, in the question's order (a sum's items)."""
        return (self.a, self.b, *self.more)


#: The operations two table rows' amounts are computed by (`tables.py`).
ROW_OPERATIONS = frozenset({"ratio", "difference", "sum"})


@dataclass(frozen=True)
class Computed:
    """The answer text with its markers, the result as the short answer, and whether it could be computed."""

    text: str
    short: str | None
    answered: bool


#: A leading time span ("2018到2019年") says when, not what: the side is found by what follows it.
_LEADING_TIME = re.compile(r"^(?:(?:19|20)\d{2}年?(?:\d{1,2}月)?(?:到|至|-|—|和|与)?)+(?:那会儿?|那时候?|那阵子?|当时)?")


#: A time after the subject ("朝阳区占比2019年比2018年…", "…占比从2018到2019年提高了…", "…的占比，2019年比2018年变化了
#: 多少") says when too.
_TRAILING_TIME = re.compile(r"(?:从|自|在|由)?(?:(?:19|20)\d{2}年?(?:\d{1,2}月)?(?:到|至|-|—|和|与|比|较)?)+$")


#: What a side's text may end with that asks, not names ("美元融资各有多少家" of "…和美元融资各有多少家，哪个多？").
_ASKING_TAIL = re.compile(r"(?:各|分别|都)?(?:有|是|为)?(?:多少|几)[^，,]*$")
#: What a side may end with that only says it is counted ("拿人民币的家数" of "…拿人民币的家数是拿美元的多少倍"), or
#: that there are two sides ("朝阳两个区" of "海淀跟朝阳两个区加一块有几家"): the
#: figure is a count by its unit, and reports seldom write these words (数量 and 总数 they do write, and a side
#: keeps them: "上海的人工智能企业数量" is not found as the "人工智能企业" of "全国人工智能企业4084家").
_COUNT_TAIL = re.compile(rf"的?(?:{COUNT_WORDS})$|(?:这|那)?(?:两|俩)个?[区家类种]?$")
#: A side that is what remains besides some named ones ("海淀朝阳以外的其它区域", "…以外那些其它区域"): the remainder
#: is named last, and the report names it so ("其它区域由10.51%提高到11.77%"); the names before it are not the side.
_BESIDES = re.compile(r"^.+?(?:以外|之外)(?:的|那些|这些)+(?=..)")
#: So is where some are ("北京落在海淀的家数" is 海淀's: "有42家位于海淀") — but for a whole, which is those of its
#: group that are there ("AI百强里落户北京的那些": the 53 of the ranking in 北京).
_WHERE = re.compile(r"^(?:.*[，,])?[^，,]{1,8}?(?:落在|落户在?|位于|坐落在|分布在)(?=..)")


#: A clause before the side frames the question ("北京获投AI企业的注册地占比里，海淀比朝阳…", "跟2018年相比，朝阳区…"):
#: the side is what its last clause names.
_FRAME = re.compile(r"^.*[，,：:；;]")


#: Words that only hedge a figure ("…的占比，大概是…的几倍", "朝阳区的算下来占…"): no side names them.
_HEDGES = re.compile(r"大概|大约|大致|差不多|约莫|估计|粗略|粗算|算下来|算起来|算一下")


def _side(text: str, whole: bool = False) -> str:
    """What a stretch of the question names as one side — without the asking words, hedges, count words, leading
    fillers, the names it sets aside, where a part is (not a `whole`'s), and the time or frame clauses around it."""
    text = _HEDGES.sub("", text)
    side = _BESIDES.sub("", _LEADING.sub("", _COUNT_TAIL.sub("", _ASKING_TAIL.sub("", text).strip(" ，,、的"))))
    side = side if whole else _WHERE.sub("", side)
    last = _FRAME.sub("", side)
    if last and not _NO_ATTRIBUTE.sub("", _TRAILING_TIME.sub("", last)).strip("的 "):
        # "朝阳区的占比，从2018年到2019年", "其它区域，占比由2018年到2019年": the last clause says only when, or
        # only the share asked: the clause before it names what
        side = side[:len(side) - len(last)].rstrip("，,：:；; ") or side
    else:
        side = last or side
    side = _LEADING_TIME.sub("", side) or side
    subject = _TRAILING_TIME.sub("", side)
    return subject if len(subject) > 1 else side  # "和2018年5月" is a time, not a subject "和"


def _change_said(before: str) -> Operation:
    """The change of what the text before the change word names, with the clause before it as the frame that may
    name the subject instead ("海淀、朝阳以外的其它区域，获投企业占比2019年比2018年涨了几个百分点": 其它区域)."""
    side, framed = _side(before), _FRAME.match(before)
    frame = _side(framed.group(0)) if framed else ""
    said = frame not in side and not _only_time(re.sub(r"(?:相比|比较|对比)$", "", frame))  # "跟2018年相比"
    return Operation("change", side, frame=frame if said else "")


@lru_cache(maxsize=256)
def asked_operation(question: str) -> Operation | None:
    """The one arithmetic step the question asks for, or None. Cached: one question is read by the pipeline (the
    whole to retrieve), by `compute` and by the table paths — the same regular expressions four times otherwise."""
    q = question.strip()
    if m := _WHICH_MORE.search(q) or _MORE_OR.search(q):
        return Operation("compare", _side(m["a"]), _side(m["b"]), m["way"])
    if m := _RATIO.search(q):
        return Operation("ratio", _side(m["a"]), _side(m["b"]))
    if m := _DIFFERENCE.search(q):
        a, b = _side(m["a"]), _side(m["b"])
        if _only_time(a) and _only_time(b):  # "朝阳区的份额，2019年比2018年掉了几个点": the frame names the subject
            framed = _FRAME.match(m["a"])
            return Operation("change", _side(framed.group(0))) if framed else None
        if _only_time(a):
            return Operation("change", b)
        return _change_said(m["a"]) if _only_time(b) else Operation("difference", a, b)
    if _CHANGE.search(q):
        return _change_said(_CHANGE.split(q)[0])
    if (m := _SUM_OF_LIST.search(q)) and len(items := [_side(_REMAINING.sub("", item)) for item in
                                                        _ITEM_BREAK.split(m["items"]) if item.strip()]) >= 3:
        return Operation("sum", items[0], items[1], more=tuple(items[2:]))
    if (m := _COMPLEMENT.search(q) or _COMPLEMENT_AFTER_COMMA.search(q)) and re.search(r"多少|几", q[m.end():]) \
            and "哪" not in q[m.end():]:  # "…，除了海淀排第二的是哪个区？几家" asks which, then its count
        part = m["part"] or m["part4"] or m["part2"] or m["done"] + m["part3"]
        return Operation("complement", _side(m["whole"], whole=True), _side(part))
    if (m := _COMPLEMENT_FIRST.search(q)) and re.search(r"多少|几", q[m.end():]):
        return Operation("complement", _side(m["whole"], whole=True), _side(m["part"]))
    if (m := _COMPLEMENT_REST.search(q)) and re.search(r"^[^、]*?(?:多少|几)", q[m.end():]):
        # what remains, unless it is named item by item ("剩下西城、平谷、昌平加一块是几家": their sum)
        return Operation("complement", _side(m["whole"], whole=True), _side(m["part"]))
    if (m := _NOT_DONE_COUNTED.search(q) or _COUNTED_NOT_DONE.search(q)) and len(m["place"] + m["whole"]) > 1:
        return Operation("complement", _side(m["place"] + m["whole"], whole=True), _side(m["part"]))
    if m := _SHARE_OF.search(q):
        return Operation("share", _side(m["whole"], whole=True), _side(m["part"]))
    if (m := _SUM.search(q)) and not _RELATED.match(m["b"]):
        return Operation("sum", _side(m["a"]), _side(m["b"]))
    if m := _GAP_OF_TWO.search(q):
        return Operation("gap", _side(m["a"]), _side(m["b"]))
    return None


def _missing(side: str) -> Computed:
    """The refusal naming the operand the report was not found to state."""
    return Computed(f"抱歉，报告中没有找到“{side}”的相应数字，无法计算。", None, False)


def wholes_to_find(question: str) -> tuple[str, ...]:
    """The whole a complement asked needs the count of, when it states no size of its own ("北京的AI企业里，没获得过
    融资的有几家": 北京的AI企业): the question's own words may not bring the statement that counts it, so it is
    retrieved by its words alone (`Assistant.ask`)."""
    op = asked_operation(question)
    if op is None or op.kind != "complement" or _sized(op.a)[1] is not None:
        return ()
    return (f"{op.a}有多少{_asked_unit(question) or ''}",)  # asked as a count: the statements that count it


def _of_another_time(figure: Figure, years: set[str], question: str) -> str | None:
    """The time the question asks that the figure is not of, or None: its passage is dated but names no year the
    question asks ("2018年北京有多少家AI企业没拿到融资" of "截至2019年4月，北京人工智能相关企业数量达1084家"), or names
    the asked date only as the base of a comparison ("2018年5月那会儿…" of "…其中北京442家…较2018年5月新增22家",
    `undated.compared_date`). The passage, not the sentence: a date said once at its start dates the sentences after
    it; a comparison's base date dates nothing, though its figure may be written too ("相比2018年，…由60.96%提高到…")."""
    passage = normal_form(figure.candidate.passage.text)
    if years and own_years(passage) and not years & _years_in(passage):
        return f"{'、'.join(sorted(years))}年"
    return compared_date(question, passage)


def _only_time(text: str) -> bool:
    """"2018年", "和2018年5月", "跟2018年5月那会儿", "上一年", "去年同期": the comparison is with an earlier time of the
    same thing (a change)."""
    return bool(re.fullmatch(r"(?:和|跟|与|同)?(?:(?:19|20)\d{2}年?(?:\d{1,2}月份?)?|上一?年|去年|前一?年|上个?月|上季度)"
                             r"(?:同期|那会儿?|那时候?|那阵子?|的时候)?(?:相)?的?", text))


class Mentions(NamedTuple):
    """Where a side is mentioned in a statement, and what it asks of the thing mentioned."""

    #: ends of every occurrence of the longest prefix (≥ 2 characters) of the side found in the statement
    ends: list[int]
    #: the side after that prefix, without a leading "企业的"/"的": "B轮、C轮及以后企业的融资总额占比" → "融资总额占比"
    attribute: str
    #: the length of that prefix (where each occurrence starts)
    size: int = 0


#: A side found only without its first characters ("用人民币融资的" ← "人民币融资69家") must keep this share of them.
MOST_OF_SIDE = 2 / 3


def _mentions(side: str, statement: str, support: Support) -> Mentions:
    """The side's longest prefix found in the statement; else its longest part found that keeps most of it, in
    characters and in what it names (a leading verb the statement does not repeat: "用美元融资的" ← "美元融资50家";
    not "全国的人工智能企业" ← "全国获得过风险投资的人工智能企业1259家": 全国 is most of what it names)."""
    text_f = fold(statement)
    found = [_mentions_as(spelling, text_f, side, support) for spelling in reversed(support.spellings(side))]
    return max(found, key=lambda mentions: mentions.size)  # of equal ones, in the report's words: its attribute too


def _mentions_as(side_f: str, text_f: str, side: str, support: Support) -> Mentions:
    """`_mentions` of the side written `side_f` (folded)."""
    return next((mentions for _, mentions in _every_mention_as(side_f, text_f, side, support)), Mentions([], ""))


#: A word a side is negated by ("没获得过的", "不是上市公司的"): its mention must keep it — without it the statement
#: counts the others ("全国获得过风险投资的…1259家" is not the count of those that did not).
_NEGATION = re.compile(NOT_DONE + r"|不是|不在")


def _every_mention_as(side_f: str, text_f: str, side: str, support: Support) -> Iterator[tuple[str, Mentions]]:
    """Each part of the side written `side_f` that the statement holds and that may stand for the side (keeping
    its negation, if any), with its mentions, the longest first."""
    negated = _NEGATION.search(side_f)
    for size in range(len(side_f), 1, -1):
        for start in range(0, len(side_f) - size + 1) if size >= MOST_OF_SIDE * len(side_f) else (0,):
            part = side_f[start:start + size]
            if negated and not start <= negated.start() < negated.end() <= start + size:
                continue
            if part in text_f and (not start or support.keeps_most(part, side)):
                yield part, Mentions(_ends(part, text_f), re.sub(r"^(?:企业)?的?", "", side_f[start + size:]), size)


def _shorter_mentions(side: str, statement: str, support: Support, than: Mentions) -> Iterator[Mentions]:
    """The side's mentions shorter than `than` that keep most of it (in characters or in what it names), the longest
    first: where the longest one's figure is another's ("融资总额占比" is written whole only in the A轮 group's "但是
    融资总额占比仅为13.88%", the B/C group's share after "融资总额1319.89亿元，占比86.12%"); not a leading place alone
    ("北京" of "北京的AI企业" is the "其中北京442家" of firms with venture capital)."""
    text_f = fold(statement)
    shorter = {m.size: m for spelling in support.spellings(side)
               for part, m in _every_mention_as(spelling, text_f, side, support)
               if m.size < than.size and (m.size >= MOST_OF_SIDE * len(spelling) or support.keeps_most(part, side))}
    yield from (shorter[size] for size in sorted(shorter, reverse=True))


def _ends(part: str, text: str) -> list[int]:
    """Where each occurrence of `part` in `text` ends (they do not overlap)."""
    ends, at = [], text.find(part)
    while at >= 0:
        ends.append(at + len(part))
        at = text.find(part, at + len(part))
    return ends


@dataclass
class Support:
    """Which of the question's terms a side names, weighed (`WeightedTerms`), and whether the corpus writes a term
    in one of its forms at all (a word it never writes is the answerability layer's to judge, not a side's — but
    a proper name is the side's own). One per question: what each side names is kept, every statement asks it
    again."""

    terms: WeightedTerms
    writes: Callable[[Iterable[str]], bool]
    #: the question's Chinese proper names: a side names them whether the corpus writes them or not ("浙江…的AI企业"
    #: is not found as the "北京442家" of a sentence that never says 浙江)
    names: frozenset[str] = frozenset()
    #: the written forms of the verb of a term saying it was not done (jieba's "没拿到" → 拿到 → 获得): a complement's
    #: part is that verb without the negation ("…里，没拿到过融资的" → 拿到过融资, written "获得融资")
    done_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _named_of: dict[str, dict[str, float]] = field(default_factory=dict)

    def spellings(self, side: str) -> list[str]:
        """The side folded as the question wrote it and in the report's words — each of its terms that has other
        forms (an alias, a chat word) written as the first of them unless the side already holds it ("北京ai企业"
        → "北京人工智能企业") — each also without 的, which a noun phrase may drop ("全国的人工智能企业" is written
        "全国人工智能企业4084家"), so that its mention in the report is found either way."""
        text = written = fold(side)
        for term, forms in (*self.terms.forms.items(), *self.done_forms.items()):
            if forms and forms[0] not in written:
                written = re.sub(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", forms[0], written)
        return list(dict.fromkeys((text, text.replace("的", ""), written, written.replace("的", ""))))

    def holds(self, side: str, other: str, sentence: str) -> bool:
        """The sentence holds at least SIDE_SUPPORT of the weight of the terms the side names that the corpus
        writes somewhere — of those the other side does not name, when there are any: "北京获投AI企业占全国的比例"
        and "北京AI企业数量占全国的比例" differ by 获投 and 数量 alone. Words asking for a share are left out, the
        asked unit holds them; every exact number the side names must be there too (`_EXACT_NUMBER`)."""
        named = self._named(side)
        own = {t: w for t, w in named.items() if t not in self._named(other)} or named
        sentence_norm = normal_form(sentence)
        held = sum(w for t, w in own.items() if self.terms.found(sentence_norm, t))
        numbers = _EXACT_NUMBER.findall(normal_form(side))
        return held >= SIDE_SUPPORT * sum(own.values()) and all(contains_term(sentence_norm, n) for n in numbers)

    def keeps_most(self, part: str, side: str) -> bool:
        """The part of the side holds at least MOST_OF_SIDE of the weight of what the side names."""
        named, part_norm = self._named(side), normal_form(part)
        kept = sum(w for t, w in named.items() if self.terms.found(part_norm, t))
        return kept >= MOST_OF_SIDE * sum(named.values())

    def _named(self, side: str) -> dict[str, float]:
        if side not in self._named_of:
            side_norm = normal_form(side)
            self._named_of[side] = {t: w for t, w in self.terms.weights.items()
                                    if self.terms.found(side_norm, t) and not re.fullmatch(_SHARE_WORDS, t)
                                    and (t in self.names or self.writes((t, *self.terms.forms[t])))}
        return self._named_of[side]


def sentence_around(text: str, at: int) -> str:
    """The sentence of `text` that holds character `at`."""
    start = max(text.rfind(end, 0, at) for end in "。！？；") + 1
    return text[start:at] + sentence_from(text, at)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


class Wanted(NamedTuple):
    """What the question says of the figures it wants: their unit ("%" for 占比), whether they are changes
    ("新增"), what they measure when a leading clause says so ("按融资额算，…": 融资额), and of which years."""

    unit: str | None
    changes: bool
    measured: str
    #: the years the question names (`Constraints.years`): the earlier one of a change picks its earlier figure
    years: tuple[str, ...] = ()
    #: the coded words the question names ("a轮"): a figure in a clause naming only others is another group's
    codes: frozenset[str] = frozenset()


def _wanted(question: str, years: tuple[str, ...]) -> Wanted:
    return Wanted(_asked_unit(question), bool(ASKS_CHANGE.search(question)), measured_by(question),
                  years, frozenset(coded_words(normal_form(question))))


def _asks_earlier(years: tuple[str, ...], sentence: str) -> bool:
    """The question names the earlier of the sentence's years and not the later ("2018年那会儿…" of "相比2018年，
    2019年海淀区的占比由60.96%提高到62.44%"): the figure wanted is the one a change starts from."""
    said = sorted(_years_in(sentence))
    return len(said) >= 2 and said[0] in years and said[-1] not in years


def _years_in(text: str) -> set[str]:
    """The years a text names, read as the question's are (`constraints.YEAR`)."""
    return set(YEAR.findall(normal_form(text)))


def _figure_after(mentions: Mentions, c: Candidate, wanted: Wanted, shared: str = "") -> Figure | None:
    """The first figure (of the asked unit) that follows a mention of the side within MENTION_REACH characters
    in the same sentence — or, when the side asks for an attribute of the mentioned thing (its own, or `shared`:
    the other side's, as in "A的融资总额占比比B高多少" where B's is A's), a later figure of the sentence whose
    lead-in from the mention says more of that attribute, and most of it (its character pairs: "A轮及以前的企业数量
    占73.28%，但是融资总额占比仅为13.88%" → 13.88%; the first of the best) — such a figure also when none is near
    ("北京人工智能企业数量占全国的比例" ← "北京人工智能相关企业数量达1084家，占全国人工智能企业总量的26.5%"). Words asking
    for a share are no attribute's pairs: the asked unit holds them, and the report writes "占…的26.5%"; nor is a
    number the side says of its own figure ("全国4000多家AI企业": not the 1084家 after "…4084家"). When the
    question says what it measures ("按融资额算"), that is chosen the same way: "B轮、C轮及以后的企业数量占比合计
    24.21%，融资总额1319.89亿元，占比86.12%" → 86.12%. A far figure needs the side's own attribute: the other's
    would take "全国…4084家" for "北京" from the title "《2019北京人工智能发展白皮书》…"."""
    attribute = _bigrams(_NO_ATTRIBUTE.sub("", mentions.attribute or shared))
    measured = _bigrams(wanted.measured)
    for at in mentions.ends:
        sentence = sentence_from(c.text, at)
        figures = figures_in(sentence, wanted.unit)
        if before := _figure_before(c, at - mentions.size, sentence, wanted):
            return before
        near = [m for m in figures if m.end() <= MENTION_REACH]
        m = near[0] if near else None
        for wanted_pairs in (attribute if near or mentions.attribute else set(), measured):
            if not (wanted_pairs and figures):
                continue
            said = {f.start(): len(wanted_pairs & _bigrams(fold(sentence[:f.start()]))) for f in figures}
            best = max(figures, key=lambda f: (said[f.start()], -f.start()))  # ties: the first, `m` itself
            if 2 * said[best.start()] >= len(wanted_pairs):
                m = best  # a later figure only when its lead-in says more of what is asked, and most of it
        if m is None:
            continue
        earlier = _asks_earlier(wanted.years, sentence_around(c.text, at))
        return Figure(*stated_value(sentence, m, earlier), c, sentence[:m.start()], at)
    return None


def figure_before(text: str, unit: str | None = None) -> tuple[str, re.Match[str]] | None:
    """The figure a name written at the end of `text` owns before it — the last one with a unit in the name's own
    clause ("有42家位于海淀" → 42家; a bare number is no amount: "《2019北京…") — with that clause; or None. For a
    name no figure follows in its clause ("有42家位于海淀，6家位于朝阳": 6家 is 朝阳's)."""
    clause = CLAUSE_END.split(text)[-1]
    counted = [m for m in figures_in(clause, unit) if m[2]]
    return (clause, counted[-1]) if counted else None


#: An aside in brackets, to its end or the end of the text.
_ASIDE = re.compile(r"[（(][^）)]*[）)]?")


def _figure_before(c: Candidate, start: int, sentence: str, wanted: Wanted) -> Figure | None:
    """`figure_before` the mention starting at `start`, when no figure follows it in its own clause — but for the
    figures of an aside in brackets that break the figure before down, in its unit ("北京有119家人工智能企业单次融资
    金额超过1亿元人民币（人民币融资69家，美元融资50家）": 单次融资超过1亿元人民币 is 119家, not 69家; but "人民币" is 69家,
    not the 1亿元 it follows)."""
    own_clause = CLAUSE_END.split(sentence)[0]
    if figures_in(_ASIDE.sub("", own_clause), wanted.unit):
        return None
    found = figure_before(c.text[:start], wanted.unit)
    if found is None or any(m[2] != found[1][2] for m in figures_in(own_clause, wanted.unit)):
        return None
    clause, m = found
    earlier = _asks_earlier(wanted.years, sentence_around(c.text, start))
    return Figure(*stated_value(clause, m, earlier), c, clause[m.end():], start)


def sentence_from(text: str, at: int) -> str:
    """The rest of the sentence of `text` from character `at` (a figure belongs to a mention of its sentence)."""
    return re.split(r"[。！？；]", text[at:])[0]


def figures_in(sentence: str, unit: str | None = None) -> list[re.Match[str]]:
    """The figures of a sentence, in order, but dates ("2019年", "2015到2016年"), and only those of `unit` when one is
    asked."""
    return [m for m in FIGURE.finditer(sentence)
            if sentence[m.end():m.end() + 1] not in ("年", "月", "日") and not (unit and (m[2] or "") != unit)
            and not (m[2] is None and _BARE_YEAR.fullmatch(m[1]))]


def stated_value(sentence: str, m: re.Match[str], earlier: bool = False) -> tuple[Decimal, str, str]:
    """The value, unit and text of the figure a match of `figures_in` states: the one it rose or fell to when it
    opens a "由 x 提高到 y" ("海淀区的占比由60.96%提高到62.44%": the figure now is 62.44%), unless the `earlier`
    time is asked (60.96%)."""
    change = _FROM_TO.search(sentence)
    if change is not None and change.start(1) == m.start(1) and not earlier:
        unit_of = change[4] or change[2] or ""
        return Decimal(change[3]), unit_of, f"{change[3]}{unit_of}"
    return Decimal(m[1]), m[2] or "", m.group().strip()


def _both(op: Operation, c: Candidate, wanted: Wanted, support: Support) -> tuple[Figure | None, Figure | None]:
    """Each side's figure in one statement (a comparison's sides share what they compare), where the figure's
    sentence holds what the side names; a part of a whole (a complement's, a share's) is where its whole is."""
    a, b = _mentions(op.a, c.text, support), _mentions(op.b, c.text, support)
    b_area = op.a + op.b if op.kind in ("complement", "share") else op.b
    return (_side_figure(c, op.a, op.b, a, b.attribute, op.a, wanted, support),
            _side_figure(c, op.b, op.a, b, a.attribute, b_area, wanted, support))


def _side_figure(c: Candidate, side: str, other: str, own: Mentions, shared: str, area: str, wanted: Wanted,
                 support: Support) -> Figure | None:
    """The figure of the side's first mention in the statement, the longest mention first, whose sentence holds
    what the side names (not `other`'s), of what the question measures, of the codes it asks and of the place
    the side is in (`area`) — and no change ("全国获投企业数较2018年5月新增22家") when the question asks none."""
    def held(figure: Figure | None, mentions: Mentions) -> Figure | None:
        if figure is not None and _of_another_area(c.text[:figure.at], area, support):
            figure = _in_place(figure, area, mentions, c, wanted, support, shared)
        sentence = sentence_around(c.text, figure.at) if figure is not None else ""
        return figure if figure is None or (support.holds(side, other, sentence) and _measures(wanted, sentence)
                                            and not _of_another_code(c.text[:figure.at], wanted.codes)
                                            and not (CHANGE_LEAD.search(figure.lead) and not wanted.changes)) else None

    for mentions in chain((own,), _shorter_mentions(side, c.text, support, own) if own.ends else ()):
        for end in mentions.ends:
            if (figure := held(_figure_after(mentions._replace(ends=[end]), c, wanted, shared), mentions)) is not None:
                return figure
    return None


def _items_summed(op: Operation, candidates: list[Candidate], coverage: Coverage, wanted: Wanted, support: Support,
                  cites: Marker) -> Computed | None:
    """Three or more items added up, each with its figure cited, from the best covered statement holding it. A
    missing item is named, and items of other units are not added; None when no statement gives any of them (table
    rows: "商汤、地平线、旷视这仨的融资加起来多少")."""
    ranked = sorted(candidates, key=lambda c: -coverage(c.text))
    items = op.items

    def figure_of(item: str) -> Figure | None:
        others = "、".join(i for i in items if i != item)
        return next((figure for c in ranked if (figure := _side_figure(
            c, item, others, (m := _mentions(item, c.text, support)), m.attribute, item, wanted, support))), None)

    figures = [figure_of(item) for item in items]
    if not any(figures):
        return None
    if (missing := next((item for item, figure in zip(items, figures) if figure is None), None)) is not None:
        return _missing(missing)
    summed = [figure for figure in figures if figure is not None]
    if len({figure.unit for figure in summed}) > 1:
        shown = "、".join(f"“{item}”（{figure.text}）" for item, figure in zip(items, summed))
        return Computed(f"抱歉，{shown}的单位不同，无法直接相加。", None, False)
    unit = summed[0].unit
    result = f"{format_decimal(sum(f.scaled for f in summed) / _UNIT_SCALE.get(unit, Decimal(1)))}{unit}"
    shown = "，".join(f"{item} {figure.text}{cites.mark(figure.candidate.passage)}" if figure.text not in item
                     else f"{figure.text}{cites.mark(figure.candidate.passage)}" for item, figure in zip(items, summed))
    return Computed(f"{shown}：{' + '.join(f.text for f in summed)} = {result}。", result, True)


def _in_place(figure: Figure, side_area: str, mentions: Mentions, c: Candidate, wanted: Wanted, support: Support,
              shared: str) -> Figure | None:
    """The side's figure where its sentence comes to the side's place after another area's figure ("全国获得过风险投资
    的人工智能企业1259家(含31家上市公司)，其中北京442家(含12家上市公司)"): after the place, the figure of the side's
    mention there ("上市公司" → 12家), else the place's first figure ("北京…拿过风投的" → 442家) — not when a relative
    clause narrows the mention ("北京的AI企业" is not "获得过风险投资的人工智能企业"'s 442家); None when the sentence does
    not come to the place."""
    rest = sentence_from(c.text, figure.at)
    area = normal_form(side_area)
    found = [(at, place) for place in support.names if place in area and (at := rest.find(place)) >= 0]
    if not found:
        return None
    at, place = min(found)
    place_end = figure.at + at + len(place)
    later = Mentions([end for end in mentions.ends if end > place_end], mentions.attribute, mentions.size)
    if (mentioned := _figure_after(later, c, wanted, shared)) is not None:
        return mentioned
    figures = figures_in(rest[at + len(place):], wanted.unit)
    start = figure.at - mentions.size
    start += c.text[start] == "的"  # a mention may open with the side's 的
    lead = SCOPE.sub("", normal_form(CLAUSE_END.split(c.text[:start])[-1]))
    if not figures or len(lead) > 1 and lead.endswith("的"):
        return None  # the mention narrowed by a clause the side does not say ("获得过风险投资的人工智能企业")
    after = rest[at + len(place):]
    return Figure(*stated_value(after, figures[0]), c, rest[:at + len(place)] + after[:figures[0].start()], place_end)


def _measures(wanted: Wanted, sentence: str) -> bool:
    """The sentence says what the question measures by ("按融资总额算，…"), in most of its character pairs, when it
    says one: "按融资总额算，C轮及以后企业的占比比B轮企业高多少" is not answered with the company-count shares of "从企业
    数量上看，…B轮占比14.48%，C轮及以后占据9.73%"."""
    measured = _bigrams(wanted.measured)
    return 2 * len(measured & _bigrams(fold(sentence))) >= len(measured)


#: Words opening a clause that goes on about the subject of the clause before it.
_CARRIES_SUBJECT = re.compile(r"(?:但是|但|而且|而|并且|且|同时|却|其中)")


def _of_another_code(before_mention: str, asked: frozenset[str]) -> bool:
    """The clause of a side's mention names only other codes of a kind the question names one of — or, naming none
    and opening with a connective, the clause before it (its subject carries over: "A轮及以前的企业数量占73.28%，但是
    融资总额占比仅为13.88%"; "…A轮，占比达44.80%，天使轮（含preA）企业占比28.48%" has a subject of its own). In "北京A轮及以前的AI公司，数量占比比融资总额占比高出几个百分点？" the 24.21% of
    "B轮、C轮及以后的企业数量占比合计24.21%" is another group's share: 数量占比 is written there, not where the A轮
    group's 73.28% stands."""
    named: set[str] = set()
    for clause in reversed(CLAUSE_END.split(before_mention)):
        if (named := coded_words(normal_form(clause))) or not _CARRIES_SUBJECT.match(clause.strip()):
            break
    return bool(named) and not named & asked and any(code[-1] == own[-1] for code in named for own in asked)


def _of_another_area(before_figure: str, side: str, support: Support) -> bool:
    """The figure's clause is about a whole area (全国, 全球) the side does not name, and not about the place the side
    names: in "北京的AI企业中，不是上市公司的有几家" the whole is not the 1259家 of "全国获得过风险投资的人工智能企业1259家"
    (the side's 北京 is there only later, in "其中北京442家"); the sentence holding 北京 somewhere is not enough."""
    side_norm, clause = normal_form(side), normal_form(CLAUSE_END.split(before_figure)[-1])
    places = [name for name in support.names if name in side_norm]
    return (bool(places) and not any(place in clause for place in places)
            and any(scope not in side_norm for scope in SCOPE.findall(clause)))


#: "…加起来占多少", "占了几成": a share asked without a share word (`unshared.SHARE_ASKED` leaves out 占了多少,
#: which may ask a count: a share is refused there only when asked in so many words; here it picks percentages).
_SHARE_UNSAID = re.compile(r"占[了到]?(?:多少|几成)(?![家个项人])")


def _asked_unit(question: str) -> str | None:
    if re.search(_SHARE_WORDS, question) or _SHARE_UNSAID.search(question):
        return "%"
    if re.search(r"多少家|几家", question):
        return "家"
    return None


def format_decimal(value: Decimal) -> str:
    """A result to two decimals at most, without trailing zeros ("3", "36.65")."""
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _pair(op: Operation, candidates: list[Candidate], coverage: Coverage, wanted: Wanted,
          support: Support) -> tuple[Figure | None, Figure | None]:
    """Each side's figure: from one statement holding both when there is one (the best covered; of equally covered
    ones, the one whose figures least often count something else than the question asks: what was added or lost
    ("较2018年5月新增44家") for a question that asks no change, or the reverse, or fewer than it asks, narrowed by a
    relative clause ("全国获得过风险投资的人工智能企业1259家" against "全国人工智能企业4084家")), else each from the
    best covered statement that holds it."""
    ranked = sorted(((coverage(c.text), c) for c in candidates), key=lambda covered: -covered[0])
    found = [_both(op, c, wanted, support) for _, c in ranked]
    holding = [(covered, a, b) for (covered, _), (a, b) in zip(ranked, found)
               if a is not None and b is not None and a.text != b.text]
    if holding:
        _, a, b = min((h for h in holding if h[0] == holding[0][0]),
                      key=lambda h: _counts_else(h[1], wanted) + _counts_else(h[2], wanted))
        return a, b
    a = _best_covered([(covered, a) for (covered, _), (a, _) in zip(ranked, found)], wanted)
    b = _best_covered([(covered, b) for (covered, _), (_, b) in zip(ranked, found)], wanted)
    if op.kind == "complement" and a is not None and b is not None and a.unit == b.unit and a.scaled <= b.scaled:
        # a whole no larger than its part counts another set ("北京有119家人工智能企业单次融资…超过1亿元" of "北京的AI企业
        # 里，没获得过融资的": 442家 got funding): the best covered figure of the whole larger than the part, if any
        a = _best_covered([(covered, whole) for (covered, _), (whole, _) in zip(ranked, found)
                           if whole is not None and whole.unit == b.unit and whole.scaled > b.scaled], wanted) or a
    return a, b


def _best_covered(found: list[tuple[float, Figure | None]], wanted: Wanted) -> Figure | None:
    """The figure of the best covered statement holding one; of equally covered ones, the one that least often
    counts something else than asked (`_counts_else`: not the "北京市新增14家" of a statement as covered as "北京人工
    智能相关企业数量达1084家"), else the first."""
    held = [(covered, figure) for covered, figure in found if figure is not None]
    if not held:
        return None
    return min((figure for covered, figure in held if covered == held[0][0]),
               key=lambda figure: _counts_else(figure, wanted))


def _counts_else(figure: Figure, wanted: Wanted) -> int:
    """How many of two things the question does not ask the figure counts: a change ("新增44家") when the question
    asks none (an amount when it asks one), and a set narrowed by a relative clause ("…的") between the side's
    mention and the figure."""
    return int(bool(CHANGE_LEAD.search(figure.lead)) != wanted.changes) + int("的" in figure.lead)


def _change(op: Operation, candidates: list[Candidate], coverage: Coverage, support: Support,
            years: tuple[str, ...]) -> tuple[str, Figure, Figure] | None:
    """What changed, and the earlier and later figure of a "由 x 提高到 y" in a sentence that names every year the
    question does (`years`: "2017年…比2019年低几个百分点" is no change from 2018): of a statement that mentions the
    subject — the side, else the frame's (`Operation.frame`) — the one whose own subject — its clause's words before
    it, "其它区域由10.51%提高到11.77%" — shares most character pairs with the question's (no words of the share
    asked), of equals the first."""
    for side in filter(None, (op.a, op.frame)):
        if found := _change_of(side, candidates, coverage, support, years):
            return (op.a if side == op.a else f"{side}的{op.a}", *found)
    return None


def _change_of(side: str, candidates: list[Candidate], coverage: Coverage, support: Support,
               years: tuple[str, ...]) -> tuple[Figure, Figure] | None:
    """`_change`'s figures for one side."""
    subject = _bigrams(_NO_ATTRIBUTE.sub("", fold(side)))
    for c in sorted(candidates, key=lambda c: -coverage(c.text)):
        if not _mentions(side, c.text, support).ends and len(candidates) > 1:
            continue
        changes = [m for m in _FROM_TO.finditer(c.text) if set(years) <= _years_in(sentence_around(c.text, m.start()))]
        if not changes:
            continue
        m = max(changes, key=lambda m: (len(subject & _bigrams(fold(_own_clause(c.text, m)))), -m.start()))
        earlier = Figure(Decimal(m[1]), m[2] or m[4] or "", f"{m[1]}{m[2] or m[4] or ''}", c)
        later = Figure(Decimal(m[3]), m[4] or m[2] or "", f"{m[3]}{m[4] or m[2] or ''}", c)
        return earlier, later
    return None


def _own_clause(text: str, change: re.Match[str]) -> str:
    """The words of the change's clause before it ("其它区域" of "，其它区域由10.51%提高到11.77%")."""
    return CLAUSE_END.split(text[:change.start()])[-1]


def compute(question: str, q: Question, candidates: list[Candidate], cites: Marker,
            writes: Callable[[Iterable[str]], bool], alias_forms: Callable[[str], tuple[str, ...]]) -> Computed | None:
    """The asked operation computed from the statements, shown with its operands cited; None when the question
    asks for no operation, or when the report states the result itself (a total or a rest it gives is quoted
    instead). `writes`: whether the corpus writes one of some forms of a term (`Support`); `alias_forms`: the
    forms the report writes for a chat word (the segmenter's)."""
    op = asked_operation(question)
    coverage = lambda text: q.terms.coverage(fold(text).replace(" ", ""), partial=False)  # noqa: E731
    done = {m[1]: forms for t in q.terms.weights
            if (m := re.fullmatch(NOT_DONE + r"(..+)", t)) and (forms := alias_forms(m[1]))}
    support = Support(q.terms, writes, frozenset(name.text for name in q.constraints.names if not name.latin), done)
    if op is None:
        return _counted_before(question, candidates, coverage, support, cites)
    if op.kind == "change":
        found = _change(op, candidates, coverage, support, q.constraints.years)
        if found is None:
            return None
        changed, earlier, later = found
        mark = cites.mark(later.candidate.passage)
        result = _subtract(later, earlier)
        change = f"{'下降' if later.scaled < earlier.scaled else '提高'} {_subtract(later, earlier, signed=False)}"
        return Computed(f"{changed}由 {earlier.text} 变为 {later.text}{mark}：{later.text} − {earlier.text} = {result}，"
                        f"即{change}。", change, True)
    years = set(q.constraints.years)  # a total the report states is of the years it names, if any
    wanted = _wanted(question, q.constraints.years)
    if op.kind == "sum" and any(_states(_STATED_TOTAL, c.text, wanted.unit) and years <= _years_in(c.text)
                                and all(_mentions(item, c.text, support).ends for item in op.items)
                                for c in candidates):
        return None
    if op.kind == "complement" and any(_states_rest_of(op.b, c.text, wanted.unit, support) for c in candidates):
        return None
    if op.kind == "share":
        return _share(op, candidates, coverage, wanted, support, cites)
    if op.more:
        return _items_summed(op, candidates, coverage, wanted, support, cites)
    if op.kind == "complement" and wanted.unit == "%":
        return _rest_of_share(op, candidates, coverage, support, cites)
    op, a, b = _sized_pair(op, candidates, coverage, wanted, support)
    if op.kind == "complement" and b is not None:
        a = _ranked_whole(op.a, b) or a  # "前百强中…不在北京的": the whole is the ranking's length
    if a is None and b is None:
        return None  # neither figure: the question may be answered as stated ("木星的质量是…的几倍")
    if a is not None and b is not None and (a.candidate.passage.id, a.text) == (b.candidate.passage.id, b.text):
        # both sides read one figure ("35.1% − 35.1% = 0"), or the passage's one fact said twice ("集中于海淀区，占比达
        # 62.44%" and "海淀区的占比由60.96%提高到62.44%"): the other side's figure was not found
        return None
    if op.kind == "compare" and (a is None or b is None or a.unit != b.unit):
        return None  # a comparison of table rows ("车和家跟特斯联比，谁融的钱多？") or said in words: other paths
    if a is None or b is None:
        return _missing(op.a if a is None else op.b)
    for side, figure in ((op.a, a), (op.b, b)):
        if when := _of_another_time(figure, years, question):
            return _missing(f"{when}的{side}")
    if a.unit != b.unit and not {a.unit, b.unit} <= set(_UNIT_SCALE) | {""}:
        return Computed(f"抱歉，“{op.a}”（{a.text}）和“{op.b}”（{b.text}）的单位不同，无法直接计算。", None, False)
    if (op.kind == "ratio" and b.scaled == 0) or (op.kind == "complement" and b.scaled > a.scaled):
        return None  # no quotient; a part larger than its whole means the figures found are not the whole and part
    marks = cites.mark(a.candidate.passage), cites.mark(b.candidate.passage)
    shown = _operands(op, a, b, marks)
    if op.kind == "compare":
        return _compared(op, a, b, shown, asks_gap(question), _ASKS_MULTIPLE.search(question) is not None)
    if op.kind == "ratio":
        result = f"{format_decimal(a.scaled / b.scaled)} 倍"
        return Computed(f"{shown}{a.text} ÷ {b.text} ≈ {result}。", result, True)
    if op.kind == "sum":
        result = f"{format_decimal((a.scaled + b.scaled) / _UNIT_SCALE.get(a.unit, Decimal(1)))}{a.unit}"
        return Computed(f"{shown}{a.text} + {b.text} = {result}。", result, True)
    if op.kind == "gap":  # how far apart, the larger first
        (big, small) = (a, b) if a.scaled >= b.scaled else (b, a)
        result = _subtract(big, small)
        return Computed(f"{shown}{big.text} − {small.text} = {result}。", result, True)
    less = op.kind == "difference" and asks_less(question)
    first, second = (b, a) if less else (a, b)
    result = _subtract(first, second)
    text = f"{shown}{first.text} − {second.text} = {result}"
    if first.scaled < second.scaled:  # a difference the other way round than asked: said so
        word = ("高" if less else "低") if a.unit == "%" else ("多" if less else "少")
        text += f"，即{op.a}比{op.b}{word} {_subtract(first, second, signed=False)}"
    return Computed(f"{text}。", result, True)


#: A whole that states its own size ("北京那1084家AI相关企业", "全国4000多家AI企业"): the number is no word the report
#: writes there; it says which figure is the whole's — that number, or one in its range ("4000多": 4000 to 4999).
_OWN_SIZE = re.compile(r"(?:那|这)?(\d+)(多|余|来)?(家|个|人|项)")


def _sized(whole: str) -> tuple[str, tuple[Decimal, Decimal, str] | None]:
    """The whole without the size it states of itself (a whole that is only its size, "那44家", keeps it as its
    name), and that size as a range [low, high) with its unit."""
    m = _OWN_SIZE.search(whole)
    if m is None:
        return whole, None
    low = Decimal(m[1])
    high = low + (Decimal(10) ** (len(m[1]) - 1) if m[2] else 1)
    return whole[:m.start()] + whole[m.end():] or whole, (low, high, m[3])


def _sized_pair(op: Operation, candidates: list[Candidate], coverage: Coverage, wanted: Wanted,
                support: Support) -> tuple[Operation, Figure | None, Figure | None]:
    """The operation with sides named without the sizes they state, and each side's figure (`_pair`) — for a side
    that states its size ("北京的442家", "全国4000多家AI企业") the figure of that size, and for the part of a whole
    (a complement's, a share's) the one the whole's statement names after the whole ("北京442家(含12家上市公司)":
    not the 31家 of 全国 before it)."""
    (a_side, a_size), (b_side, b_size) = _sized(op.a), _sized(op.b)
    op = Operation(op.kind, a_side, b_side, op.way, op.frame)
    a, b = _pair(op, candidates, coverage, wanted, support)
    ranked = sorted(candidates, key=lambda c: -coverage(c.text))
    if a_size is not None:
        a = _of_size(a_size, a, op.a, op.b, ranked, support)
    if a is not None and op.kind in ("complement", "share"):
        if bool(CHANGE_LEAD.search(a.lead)) != wanted.changes:
            return op, None, b  # "全国获投企业数较2018年5月新增22家" is no whole of a question asking no change
        b = _part_after(op, a, wanted._replace(unit=a.unit), support) or b
    if b_size is not None:
        b = _of_size(b_size, b, op.b, op.a, ranked, support)
    return op, a, b


def _of_size(size: tuple[Decimal, Decimal, str], found: Figure | None, side: str, other: str,
             ranked: list[Candidate], support: Support) -> Figure | None:
    """The side's figure when it is of the size the question states: the one found, else the first figure of
    that size in the best covered statements whose sentence holds what the side names; None when there is none
    (a stated size the report does not give is not computed from another)."""
    low, high, unit = size
    if found is not None and found.unit == unit and low <= found.value < high:
        return found
    for c in ranked:
        for m in figures_in(c.text, unit):
            if m[2] == unit and low <= Decimal(m[1]) < high and support.holds(side, other,
                                                                           sentence_around(c.text, m.start())):
                return Figure(Decimal(m[1]), unit, m.group().strip(), c, "", m.end())
    return None


def _share(op: Operation, candidates: list[Candidate], coverage: Coverage, wanted: Wanted, support: Support,
           cites: Marker) -> Computed | None:
    """The part's share of its whole, part ÷ whole of their counts — None when either count is not found (nor a
    whole of the stated size), or when the part's sentence goes on to state its share of that whole (the quoting
    path answers: "北京…1084家，占全国人工智能企业总量的26.5%")."""
    size = _sized(op.a)[1]
    if size is None and _ranking_size(op.a) is None:
        return None  # a whole of no stated size: the report's own shares answer ("北京获投AI企业中，海淀区占比多少")
    op, a, b = _sized_pair(op, candidates, coverage, wanted._replace(unit=size[2] if size else None), support)
    if b is not None:
        a = _ranked_whole(op.a, b) or a  # "国内AI百强里，北京的占了多少": of 100
    if (a is None or b is None or a.unit != b.unit or a.unit == "%" or not 0 < b.scaled < a.scaled
            or _states_share(op.a, b, support)):
        return None
    result = f"{format_decimal(b.scaled / a.scaled * 100)}%"
    marks = cites.mark(a.candidate.passage), cites.mark(b.candidate.passage)
    return Computed(f"{_operands(op, a, b, marks)}{b.text} ÷ {a.text} ≈ {result}。", result, True)


def _states_share(whole: str, part: Figure, support: Support) -> bool:
    """The part's sentence goes on to a percentage after naming the whole ("1084家，占全国人工智能企业总量的26.5%"; not
    "442家(含12家上市公司），占比35.1%": that share is of 北京's 442 in 全国's, no share of the 12 in the 442)."""
    rest = sentence_from(part.candidate.text, part.at)
    return any(_mentions(whole, rest[:m.start()], support).ends for m in figures_in(rest, "%"))


def _operands(op: Operation, a: Figure, b: Figure, marks: tuple[str, str]) -> str:
    """Each side named with its figure and citation ("北京 14家[1]"); a side that is its figure ("44家") once."""
    return "，".join(f"{side} {figure.text}{mark}" if figure.text not in side else f"{figure.text}{mark}"
                    for side, figure, mark in ((op.a, a, marks[0]), (op.b, b, marks[1]))) + "："


def _part_after(op: Operation, whole: Figure, wanted: Wanted, support: Support) -> Figure | None:
    """The part's figure where the whole's statement names it after the whole (its figure, or where the whole is
    mentioned: "北京442家(含12家上市公司)": not the 31家 of "全国…1259家(含31家上市公司)" before it), or None."""
    mentions = _mentions(op.b, whole.candidate.text, support)
    return _figure_after(mentions._replace(ends=[e for e in mentions.ends if e > whole.at]), whole.candidate, wanted)


#: A whole its own name counts: "前百强", "十强", "前100强", "top 100" has that many members.
_RANKED_WHOLE = re.compile(r"(百|十|\d+)强|top\s*(\d+)", re.IGNORECASE)
#: Units of a count: a ranking's length is a count of the same things.
_COUNTERS = frozenset({"家", "个", "人", "项", ""})


def _ranked_whole(side: str, part: Figure) -> Figure | None:
    """The size of a whole that is a ranking of a stated length ("国内人工智能企业前百强中，不在北京的有几家": 100),
    counted in the part's unit and cited where the part is, when the part's sentence names a ranking of that length
    too (the part is counted in it: "前百强中，位于北京的53家", not "其中北京市新增14家"); None for any other whole,
    and for those of the ranking somewhere ("AI百强里落户北京的那些": the 53家 the report counts there)."""
    size = _ranking_size(side)
    said = sentence_around(part.candidate.text, part.at)
    if size is None or part.unit not in _COUNTERS or _ranking_size(said) != size or _WHERE.search(side):
        return None
    return Figure(Decimal(size), part.unit, f"{size}{part.unit}", part.candidate)


def _ranking_size(text: str) -> int | None:
    """How many a ranking the text names holds ("前百强" 100, "top 10" 10), or None."""
    m = _RANKED_WHOLE.search(text)
    return None if m is None else ({"百": 100, "十": 10}.get(m[1] or "") or int(m[1] or m[2]))


#: What a statement counts from a base date: "较2018年5月新增44家" — its subject is the clause's words before it.
_SINCE = re.compile(r"(?:较|比|相比|与)\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月[^，,。；\d]{0,4}?"
                    r"(?:新增|增加|多了|净增)了?\s*(\d+)\s*(家|个)")
#: A further change of a part in the next clause, counted from the same date: "，其中北京市新增14家".
_PART_SINCE = re.compile(r"[，,]\s*其中([^，,。；\d]{2,8}?)(?:新增|增加|多了|净增)了?\s*(\d+)\s*(家|个)")


def _counted_before(question: str, candidates: list[Candidate], coverage: Coverage, support: Support,
                    cites: Marker) -> Computed | None:
    """A count asked at a date the report gives only as the base of a change ("2018年5月那会儿，北京有多少家AI相关
    企业？" of "全国人工智能企业较2018年5月新增44家，其中北京市新增14家" and "…北京人工智能相关企业数量达1084家"): the
    count now less the change since that date (1084家 − 14家 = 1070家), both cited. The change is one of the best
    covered statement counting from that year and month: the part "其中X" names when the question names X's place
    (its first two characters: 北京), else the clause's own subject when the question names that one's ("全国");
    whatever the question counts after its asking words ("几家上市公司") must be what that statement counts. The count
    now is the first count after the subject's mention (or its place's), not itself a change, in the best covered
    statement that holds one. None when the question asks no count at such a date, or asks a change itself ("跟
    2018年5月比，北京多出来几家")."""
    norm = normal_form(question)
    asked, counted = YEAR_MONTH.search(norm), COUNT_ASKED.search(norm)
    if asked is None or not asked[2] or counted is None or ASKS_CHANGE.search(question):
        return None  # a year and month asked ("2018年5月那会儿…有多少家"), and no change
    ranked = sorted(candidates, key=lambda c: -coverage(c.text))
    head = _counted_head(norm[counted.end():], support.terms)
    for c in ranked:
        text = normal_form(c.text)
        for since in _SINCE.finditer(text):
            part = _PART_SINCE.match(text, since.end())
            own = CLAUSE_END.split(text[:since.start()])[-1]  # the subject's clause: "全国人工智能企业"
            changed = text[since.start() - len(own):(part or since).end()]  # that clause and its part's
            if (since[1], int(since[2])) != (asked[1], int(asked[2])) or (head and not support.terms.found(changed,
                                                                                                        head)):
                continue
            subject, added, unit = (part[1], part[2], part[3]) if part and part[1][:2] in norm else \
                (own, since[3], since[4])
            if subject[:2] not in norm or (now := _count_now(own, subject, unit, ranked, support)) is None:
                continue
            result = f"{format_decimal(now.value - Decimal(added))}{unit}"
            return Computed(f"{subject} {now.text}{cites.mark(now.candidate.passage)}，较{asked[0]}新增 {added}{unit}"
                            f"{cites.mark(c.passage)}：{now.text} − {added}{unit} = {result}。", result, True)
    return None


def _counted_head(after_asking: str, terms: WeightedTerms) -> str | None:
    """What the question counts, named after its asking words: the question term that ends last there (a Chinese
    noun phrase ends with its head: 企业 of "有多少家AI相关企业", 上市公司 of "有几家上市公司"); None when it names
    nothing there. The change's clauses must write it, so "北京获投的AI企业里有几家上市公司" is no question about "全国
    获投企业数较2018年5月新增22家，其中北京市新增11家"."""
    ends = {t: after_asking.rfind(t) + len(t) for t in terms.weights if t in after_asking}
    return max(ends, key=ends.__getitem__) if ends else None


def _count_now(population: str, subject: str, unit: str, ranked: list[Candidate], support: Support) -> Figure | None:
    """The count now of the subject — the population the change counts ("全国人工智能企业"), or a part of it
    ("北京市"): in the best covered statement that holds one, the first count in `unit` within MENTION_REACH after a
    mention of the population written whole (else of its place, its first two characters: "全国获投企业数" is written
    "全国获得过风险投资的人工智能企业1259家"), not itself a change — for a part, after a mention of the part's place
    in the rest of that sentence ("全国人工智能企业4084家，北京人工智能相关企业数量达1084家": 1084家; never the 442家 of
    "全国获得过风险投资的人工智能企业…，其中北京442家", another population)."""
    for whole in (True, False):  # the population written whole anywhere first, then its place
        for c in ranked:
            mentions = _mentions(population, c.text, support)
            for at in (mentions.ends if mentions.size == len(population) else []) if whole else \
                    _ends(population[:2], fold(c.text)):
                sentence = sentence_from(c.text, at)
                starts = [0] if subject == population else _ends(subject[:2], fold(sentence))
                for start in starts:
                    counts = [m for m in figures_in(sentence[start:], unit) if m.start() <= MENTION_REACH]
                    if counts and not CHANGE_LEAD.search(sentence[start:start + counts[0].start()]):
                        value, unit_of, written = stated_value(sentence[start:], counts[0])
                        return Figure(value, unit_of, written, c, at=at + start)
    return None


def _rest_of_share(op: Operation, candidates: list[Candidate], coverage: Coverage, support: Support,
                   cites: Marker) -> Computed | None:
    """A complement asked as a share ("全国AI企业里，北京以外的地方加起来占了百分之多少"): the whole is 100 %, and the
    part's share is the first one after the part's mention in a sentence that holds what both the whole and the part
    name, of the statement naming the whole most fully (the longest part of it written there: "全国
    人工智能企业4084家…26.5%", not "全国获得过风险投资的人工智能企业1259家…35.1%"), then the best covered; None when
    no statement does — the sentences then decide."""
    for c in sorted(candidates, key=lambda c: (-_mentions(op.a, c.text, support).size, -coverage(c.text))):
        for at in _mentions(op.b, c.text, support).ends:
            shares = figures_in(sentence_from(c.text, at), "%")
            sentence = sentence_around(c.text, at)
            if shares and support.holds(op.b, op.a, sentence) and support.holds(op.a, op.b, sentence):
                part = shares[0].group().strip()
                rest = f"{format_decimal(Decimal(100) - Decimal(shares[0][1]))}%"
                return Computed(f"{op.b} {part}{cites.mark(c.passage)}：100% − {part} = {rest}。", rest, True)
    return None


#: A difference asked as how much less ("少多少", "低了几").
_ASKS_LESS = re.compile(r"(?:降低|减少|下降|少|低|小|跌|掉)(?:出|了)*(?:多少|几)")


def asks_less(question: str) -> bool:
    """A difference asked as how much less the first side is ("A轮及以前的占比比B轮、C轮及以后的低多少"): b − a."""
    return _ASKS_LESS.search(question) is not None


def asks_gap(question: str) -> bool:
    """A comparison that also asks by how much ("…哪个多？差几家", "谁融得多？多多少亿美元？")."""
    return _GAP.search(question) is not None


def _compared(op: Operation, a: Figure, b: Figure, shown: str, gap: bool, multiple: bool = False) -> Computed:
    """Which side is more (or less), the two figures shown, and by how much when the question asks: the difference
    (`gap`), or how many times the smaller one the larger is (`multiple`: "…哪个区的占比更大？大概是另一个的几倍");
    the winning side as the question wrote it is the short answer (none when they are equal)."""
    if a.scaled == b.scaled:
        return Computed(f"{shown}两者相同（{a.text}）。", None, True)
    (winner, won), lost = ((op.a, a), b) if (a.scaled > b.scaled) == (op.way in _MORE) else ((op.b, b), a)
    sign = ">" if won.scaled > lost.scaled else "<"
    by = f"，相差 {_subtract(a, b, signed=False)}" if gap else ""
    larger, smaller = (a, b) if a.scaled > b.scaled else (b, a)
    if multiple and smaller.scaled > 0:
        by += f"，{larger.text} ÷ {smaller.text} ≈ {format_decimal(larger.scaled / smaller.scaled)} 倍"
    return Computed(f"{shown}{winner}更{op.way}（{won.text} {sign} {lost.text}）{by}。", winner, True)


def _subtract(a: Figure, b: Figure, signed: bool = True) -> str:
    """a − b in a's unit (its size alone unless `signed`); percentages subtract to percentage points."""
    difference = (a.scaled - b.scaled) / _UNIT_SCALE.get(a.unit, Decimal(1))
    return f"{format_decimal(difference if signed else abs(difference))}{' 个百分点' if a.unit == '%' else a.unit}"
