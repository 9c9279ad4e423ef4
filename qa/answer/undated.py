"""A near miss in the time: the question asks when something it names happened, and the sentence dates something else.

"北京智源人工智能研究院是哪一年成立的？" retrieves "先后成立了北京前沿国际人工智能研究院、北京智源人工智能研究院，2019年2月，
北京国家新一代人工智能创新发展试验区正式成立，…": the name is there and so is a year, and the answer was "2019年". But a
time that stands alone as a clause ("2019年2月，") dates the clause after it, and that clause names another subject
(试验区), while the asked name sits in an earlier clause that no time dates. So when the question asks when, names
something the sentence writes only before its dates, and every date stands alone before a clause that opens with a
subject of its own, the sentence gives no time for what was asked: it is shown as the nearest fact and the refusal
says so. A date inside a clause is left alone: Chinese chains clauses on one subject ("渡川之战，又名四万十川之战，
发生于1575年"); so is one put first, which sets the time of every clause after it.

A date can also be the base a figure is compared with: "截至2018年5月，北京获投的AI企业里有几家上市公司？" retrieves
"…其中北京442家(含12家上市公司)，…全国获投企业数较2018年5月新增22家", which writes 2018年5月 only after 较 — its
figures are of April 2019 (`compared_date`).

And a question asking for a calendar unit — which year, which month, which day — is not answered by a window that
writes no such unit at all: "模式識別國家重點實驗室是哪一年成立的？" retrieves the sentence listing the laboratory among
Beijing's strengths, which dates nothing (`calendar_unstated`). "什么时候" is left to the learned judgement: its
answers are often times without a calendar unit ("唐末", "赛后", "高二的时候").
"""

from __future__ import annotations

import re

from qa.segment.tokenizer import Segmenter
from qa.understand.constraints import ASKS_CHANGE
from qa.understand.kind import Kind
from qa.text import normal_form

#: Where a clause ends inside a sentence.
_CLAUSE = re.compile(r"[，,；;：:。！？!?]")
#: A date: a year or a month ("2019 年", "2 月").
_DATE = re.compile(r"\d{1,4}\s*年|\d{1,2}\s*月")
#: What a clause holding only a date may also hold ("截至2019年4月", "2019年2月底").
_DATE_FRAME = re.compile(r"[\s在于到至截从自年月底初中末前后以来份]+")


def _dated_clauses(clauses: list[str]) -> list[int] | None:
    """The clauses the sentence's dates date, when every date stands alone as a clause ("2019 年 2 月，") and so
    dates the clause after it; None when a date sits inside a clause (a chain of clauses shares one subject:
    "渡川之战，又名四万十川之战，发生于1575年" dates the battle) or ends the sentence."""
    dated = []
    for i, clause in enumerate(clauses):
        if not _DATE.search(clause):
            continue
        if _DATE_FRAME.sub("", _DATE.sub("", clause)) or i + 1 == len(clauses) or not clauses[i + 1]:
            return None
        dated.append(i + 1)
    return dated


#: Tags jieba gives parts of a name besides nouns: a place word (前沿 of 北京前沿国际人工智能研究院), an
#: abbreviation.
_NOUN_LIKE = frozenset({"s", "j"})


def _noun_runs(words: list[tuple[str, str]]) -> list[str]:
    """The question's runs of consecutive nouns, joined, in normal form ("北京智源人工智能研究院": 北京/智源/人工智能/
    研究院): what it asks about, however jieba tags the parts of a name."""
    runs, run = [], []
    for word, flag in [*words, ("", "")]:
        if flag.startswith("n") or flag in _NOUN_LIKE:
            run.append(word)
            continue
        if run:
            runs.append(normal_form("".join(run)))
        run = []
    return runs


def undated_name(kind: Kind, words: list[tuple[str, str]], sentence: str, segmenter: Segmenter) -> str | None:
    """What a when-question asks about (its longest run of nouns the sentence writes, `words`: the question's tagged
    words), when the sentence writes it only before its dates, and every date stands alone before a clause that
    opens with a subject of its own (a noun); else None."""
    if kind is not Kind.TIME:
        return None
    clauses = [normal_form(c) for c in _CLAUSE.split(sentence)]
    written = [run for run in _noun_runs(words) if any(run in c for c in clauses)]
    dated = _dated_clauses(clauses)
    if not written or not dated:
        return None
    if max(i for i, c in enumerate(clauses) if any(run in c for run in written)) >= min(dated):
        return None  # a date put first sets the time of every clause after it ("2001年，A…，B转由…发行")
    for i in dated:
        tagged = [(w, f) for w, f in segmenter.tagged(clauses[i]) if w.strip()]
        if not tagged or not tagged[0][1].startswith("n"):
            return None
    return max(written, key=len)


#: Words that make the date after them the base of a comparison ("较2018年5月新增22家"), not the time of the figure.
_COMPARED_WITH = re.compile(r"(?:较|比|相比|相较|比起|同比)\s*$")
#: A change stated from one value to another ("相比2018年，…占比由60.96%提高到62.44%"): the compared time's own
#: figure is written too.
_FROM_TO = re.compile(r"由[^，。；,;]*?(?:到|至)")
#: A date with its month when it has one ("2018年5月", "2018 年 5 月", "2019年").
_FULL_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?")


def own_years(text: str) -> set[str]:
    """The years the text dates its figures by: those it names, but not as the base of a comparison ("较2018年5月
    新增22家" is of a later time)."""
    return {m.group()[:4] for m in _FULL_DATE.finditer(text) if not _COMPARED_WITH.search(text[:m.start()])}


def _compared_only(date: str, text: str) -> bool:
    """Every place `text` writes `date` is the base of a comparison, and it writes it somewhere."""
    found = [m.start() for m in re.finditer(re.escape(date), text)]
    return bool(found) and all(_COMPARED_WITH.search(text[:at]) for at in found)


def compared_date(question: str, window: str) -> str | None:
    """The date the question states as its own time ("截至2018年5月，…有几家") when the sentence's window writes it
    only as the base of a comparison ("较2018年5月新增22家": the figures are of another time); None when the
    question compares or asks a change itself ("相较2018年5月…多了几家"), or the window gives the compared time's
    value too ("由60.96%提高到62.44%")."""
    if ASKS_CHANGE.search(question) or _FROM_TO.search(window):
        return None
    window_norm = re.sub(r"\s+", "", window)
    for asked in _FULL_DATE.finditer(question):
        date = re.sub(r"\s+", "", asked.group(0))
        if not _COMPARED_WITH.search(question[:asked.start()]) and _compared_only(date, window_norm):
            return date
    return None


#: A calendar unit a question asks for, the noun a refusal names it by, and how a text writes that unit.
_CALENDAR_ASKED = (
    (re.compile(r"哪一?年|何年|哪个年份|几几年"), "年份", re.compile(r"年")),
    (re.compile(r"哪一?个?月|几月|何月"), "月份", re.compile(r"月|\d{4}\s*[-./]\s*\d{1,2}")),
    (re.compile(r"哪一?天|几号|几日|何日"), "日期", re.compile(r"[日号天]|\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}")),
)


def calendar_unstated(question: str, window: str) -> str | None:
    """The calendar unit the (folded) question asks for ("年份" of "哪一年成立的") when the sentence's window writes
    no such unit anywhere, else None."""
    for asked, noun, written in _CALENDAR_ASKED:
        if asked.search(question) and not written.search(window):
            return noun
    return None
