"""A list question answered by one item of an enumeration gets the whole enumeration.

"政府可以给AI企业哪些扶持？报告列了哪几种做法" is answered by a paragraph that announces its items and numbers
them — "…可以采取：(1)税费减免、返还。…(2)结合各类企业项目…(3)对区内…(4)还可以借鉴…" — and the selector, scoring
sentences one by one, picks the item closest to the question's words ("(3)对区内…给予奖励或其他政府支持"). A
list question asks for all of them: from the chosen item (or the item a chosen sentence details), the items of
the same numbering before and after it are gathered, across passage boundaries, with the sentence that announces
them ("…可以采取："). Only sentences that open with an item marker are items ("(3)", "三是"): the
numbering is the writer's own statement that they are one list. A sentence that enumerates things itself ("二是
应用技术领先：在中文信息处理、语音合成与识别…") answers a question about those things ("在哪些方向上处于世界领先？":
the sentence holds most of the question, or the clause of its list a word of it) and stays alone; a question it
holds little of, none of it in the list's clause ("北京AI产业目前有哪些短板？" ← "一是底层技术还比较薄弱，特别是在
基础理论、核心算法…"), asks for the items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from qa.answer.candidates import Candidate, next_statement, previous_statement
from qa.answer.context import AnswerContext
from qa.answer.features import WeightedTerms
from qa.text import LIST_ITEM, SUB_ITEM, normal_form, simplified_chars
from qa.types import Passage

#: The numbering styles whose items are gathered: Chinese reports' "(3)…" and "三是…" (`qa.text`, as the outline and
#: the continuation model read them); group 1 is the item's number.
_STYLES = (SUB_ITEM, LIST_ITEM)
#: Sentences read past an item for the next one before giving up (an item may run over a few sentences).
ITEM_REACH = 3
#: An enumeration has at least this many items.
MIN_ITEMS = 2


@dataclass(frozen=True)
class Item:
    """A sentence of the document and the passage it is cited to."""

    passage: Passage
    text: str


def _marker(text: str) -> tuple[int, int] | None:
    """The numbering style (its index in `_STYLES`) and the number of the item the sentence opens, or None."""
    text = simplified_chars(text.strip())
    for style, pattern in enumerate(_STYLES):
        if m := pattern.match(text):
            return style, int(cn2an.cn2an(m.group(1), "smart"))
    return None


def announces(text: str) -> bool:
    """The sentence announces what follows it ("…可以采取：", "主要特点如下：")."""
    return text.rstrip().endswith(("：", ":"))


def _text(at: tuple[Passage, int]) -> str:
    return at[0].statements[at[1]]


#: A sentence listing things itself answers alone when it holds at least this share of the question's term weight.
#: Chosen from the list questions of the looked-at report sets whose chosen item lists things with "、": the ones
#: asking for the items cover 0.20–0.35 ("北京AI产业目前有哪些短板？" ← "一是底层技术还比较薄弱，特别是在基础理论、
#: 核心算法…"), the ones asking for the things it lists 0.56–1.00 ("北京的人工智能有哪些落地场景？" ← "三是落地场景
#: 丰富：在医疗、教育、金融…"); half the weight lies in the gap.
ANSWERS_ALONE = 0.5


#: Clause marks: a list written with "、" runs within one clause.
_CLAUSE_MARK = re.compile(r"[，,：:；;。]")


def _lists_what_is_asked(text: str, terms: WeightedTerms) -> bool:
    """The sentence lists things itself ("、") and the question asks for them: it holds most of the question, or a
    word of the question stands in the clause of the list ("…等方向处于世界领先水平" of "在哪些方向算是world-leading的"):
    the things it lists are what is asked, not the items of the enumeration it belongs to."""
    def covers(part: str) -> float:
        return terms.coverage(normal_form(part), partial=False)

    return "、" in text and (covers(text) >= ANSWERS_ALONE
                            or any("、" in clause and covers(clause) > 0 for clause in _CLAUSE_MARK.split(text)))


def _held(text: str, terms: WeightedTerms) -> set[str]:
    """The question's terms the text holds."""
    norm = normal_form(text)
    return {t for t in terms.weights if terms.found(norm, t)}


def _asks_the_announced(announcing: str, item: str, terms: WeightedTerms) -> bool:
    """A how-question asks for everything the announcing sentence announces when the chosen item holds no term of
    the question that the announcement lacks: "报告建议政府怎么支持AI企业？" is said by "政府应加大对人工智能企业的支持力度,
    可以采取：" and (3) adds nothing of it, while "对高级别人才达到一定比例的企业，政府可以怎么做？" names what only (3)
    says (高级别, 人才, 比例): (3) alone answers it."""
    return _held(item, terms) <= _held(announcing, terms)


def enumeration(best: Candidate, context: AnswerContext, terms: WeightedTerms,
                how: bool = False) -> list[Item] | None:
    """The announcing sentence (if any) and the items of the enumeration the chosen sentence belongs to: an item
    it opens, or one it details (an item opened at most `ITEM_REACH` - 1 sentences before it); None when there is
    none, or the enumeration has fewer than `MIN_ITEMS` items (a chosen sentence that announces the items is
    followed by them already: `continuation.py`). Between two items at most `ITEM_REACH` - 1 sentences may run (an
    item's own details, which are not quoted). For a `how` question only an announced enumeration the question
    asks about as a whole (`_asks_the_announced`)."""
    if _lists_what_is_asked(best.text, terms):
        return None  # "二是应用技术领先：在中文信息处理、语音合成…" for "在哪些方向上…领先": those things are asked for
    opening: tuple[Passage, int] | None = (best.passage, best.index)
    marker = _marker(best.text)
    for _ in range(ITEM_REACH - 1):  # a sentence of an item's details belongs to the item ("降低税费外…" of "(1)…")
        if marker is not None or opening is None:
            break
        opening = previous_statement(*opening, context)
        marker = _marker(_text(opening)) if opening is not None else None
    if marker is None or opening is None:
        return None
    style, chosen = marker
    items: list[tuple[Passage, int]] = [opening]
    number, gap, at = chosen, 0, items[0]
    while number > 1:  # back to the first item
        earlier = previous_statement(*at, context)
        if earlier is None or gap >= ITEM_REACH:
            return None
        at, found = earlier, _marker(_text(earlier))
        if found is None:
            gap += 1
        elif found != (style, number - 1):
            return None
        else:
            number, gap = number - 1, 0
            items.insert(0, at)
    before = previous_statement(*items[0], context)
    announced = [before] if before is not None and announces(_text(before)) else []
    number, gap, at = chosen, 0, items[-1]
    while gap < ITEM_REACH and (later := next_statement(*at, context)) is not None:
        at, found = later, _marker(_text(later))
        if found is None:
            gap += 1
        elif found != (style, number + 1):
            break
        else:
            number, gap = number + 1, 0
            items.append(at)
    if len(items) < MIN_ITEMS:
        return None
    if how and not (announced and _asks_the_announced(_text(announced[0]), best.text, terms)):
        return None
    return [Item(p, p.statements[i]) for p, i in announced + items]
