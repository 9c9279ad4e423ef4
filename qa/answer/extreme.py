"""Which of the names the quote gives a figure for has the most: "哪个区的人工智能企业最多？" is answered by comparing
figures, not by a phrase's place in a sentence.

The report answers it with "…主要集中于海淀区，占比达62.44%。第二大人工智能企业聚集地为朝阳区，占比达25.79%。". The
short-answer trees judge phrases by where they sit (after "集中于", before "，占比"), and spread their belief over
海淀区, 北京市 and 朝阳区 (0.29 for the first): no bold answer was shown. Which name is the answer is one step of
arithmetic, like those of `arithmetic.py`: when a question asking for the name with the most (最多/最大/最高: the
question's ordering, `table_query.asked_order`) is answered by sentences that give a figure of one unit to each of
at least two names of the asked kind, the name with the largest figure is the short answer. The asked kind is the
name the asking clause asks for (`kind.asked_name`: a place for "哪个区的占比最高", which the selector reads as a
QUANTITY question for its 占比); a name of that kind is one by its POS tag, ending with the noun after 哪个 when
that is one character ("哪个区" → 海淀区, not 北京市). Other questions ("哪个队…最多") are left to the trees: a common
noun ending with the asked character ("排队") would pass for a name.

Only the largest: a report lists the leaders ("海淀区…62.44%", "朝阳区…25.79%", "其它区域…11.77%"), so the least of
the names it lists is rarely the least of all — asked which has the least, such sentences are a near miss
(`smallest_unstated`), unless they say it themselves ("…最低"). A name's figure is the first one after it in its own
clause ("海淀区占62.44%"), else the last one with a unit before it there, after any other name ("42家位于海淀";
`arithmetic.figure_before`), else the first after it in its sentence, within `arithmetic.MENTION_REACH` characters
and before the next name ("北京市人工智能企业主要集中于海淀区，占比达62.44%" gives 62.44% to 海淀区, none to 北京市);
names joined into a group ("海淀区和朝阳区人工智能企业合计超过88%") have none of their own; a name given two figures
keeps the first.
"""

from __future__ import annotations

import re
from decimal import Decimal

from qa.answer.answer_types import holds
from qa.answer.asked_kind import names_of_kind
from qa.answer.arithmetic import MENTION_REACH, figure_before, figures_in, sentence_from, stated_value
from qa.answer.table_query import Measure, Order, asked_order
from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_END, normal_form
from qa.understand.constraints import asked_noun, attribute_before
from qa.understand.kind import Kind, asked_name

#: Words that say only "how many" ("AI企业数量最多"): 最多 asks that already, so the quote need not write them.
_COUNT_WORDS = frozenset({"数量", "数目", "个数", "总数", "家数", "人数"})
#: What joins two names into one group ("海淀区和朝阳区…合计超过88%"): the figure after them is the group's.
_JOINED = frozenset({"和", "与", "及", "以及", "、", "跟", "同"})


def _is_asked(word: str, flag: str, noun: str | None, kind: Kind, segmenter: Segmenter) -> bool:
    """A name of the asked kind by its POS tag (`answer_types.holds`: a place for "哪个城市", an organisation for
    "哪家公司"), of the asked noun's kind when that is one character (`asked_kind.names_of_kind`: "海淀区" and
    "海淀" for 区, not 北京市)."""
    named = holds(word, [(word, flag)]).answers(kind)
    return named and (noun is None or len(noun) > 1 or names_of_kind(word, flag, noun, segmenter))


def _named_figures(text: str, noun: str | None, kind: Kind,
                   segmenter: Segmenter) -> dict[str, tuple[str, Decimal, str]]:
    """Per name of the asked kind (normal form): the name as written, its figure's value and unit. Names joined
    into a group ("海淀区和朝阳区…") have none of their own."""
    tagged = segmenter.tagged(text)
    names, at = [], 0
    for word, flag in tagged:
        if _is_asked(word, flag, noun, kind, segmenter):
            names.append((word, at, at + len(word)))
        at += len(word)
    # the second of two joined names: the figure after them is the group's (the first's is looked for before the
    # second only)
    grouped = {n + 1 for n in range(len(names) - 1) if text[names[n][2]:names[n + 1][1]] in _JOINED}
    found: dict[str, tuple[str, Decimal, str]] = {}
    for n, (word, start, end) in enumerate(names):
        if n in grouped or normal_form(word) in found:
            continue
        following = sentence_from(text, end)[:(names[n + 1][1] if n + 1 < len(names) else len(text)) - end]
        own_before = text[names[n - 1][2] if n else 0:start]
        if after := figures_in(CLAUSE_END.split(following)[0]):  # "海淀区占62.44%"
            value, unit, _ = stated_value(following, after[0])
        elif before := figure_before(own_before):  # "42家位于海淀"
            value, unit, _ = stated_value(*before)
        elif near := [m for m in figures_in(following) if m.end() <= MENTION_REACH]:  # "海淀区，占比达62.44%"
            value, unit, _ = stated_value(following, near[0])
        else:
            continue
        found[normal_form(word)] = (word, value, unit)
    return found


def _measured_in(norm: str, order: Order, quoted: str, segmenter: Segmenter) -> bool:
    """The quote writes what the question measures: the attribute right before the ordering word ("AI企业融资总额
    最多" measures 融资总额, which "…海淀区，占比达62.44%" does not give), each word in one of its forms (AI:
    人工智能), but the words that only count."""
    measure = attribute_before(norm, norm.index(order.word), segmenter)
    text = normal_form(quoted)
    return all(segmenter.written_in(word, text) for word in measure if word not in _COUNT_WORDS)


def _ranked_names(question: str, quoted: list[str],
                  segmenter: Segmenter) -> tuple[Order, list[tuple[str, Decimal, str]]] | None:
    """The question's ordering by size and the names of the asked kind that the quoted sentences give a figure of
    one unit to (as written, value, unit), largest first — when the question asks which name has the most or the
    least of something the quote writes (`_measured_in`) and at least two names have figures; else None."""
    norm = normal_form(question)
    order = asked_order(norm, comparative=False)
    kind = asked_name(norm)
    if (order is None or order.measure is not Measure.SIZE or kind is None
            or not _measured_in(norm, order, "".join(quoted), segmenter)):
        return None
    noun = asked_noun(norm, segmenter)
    found: dict[str, tuple[str, Decimal, str]] = {}
    for text in quoted:
        for key, named in _named_figures(text, noun, kind, segmenter).items():
            found.setdefault(key, named)
    if len(found) < 2 or len({unit for _, _, unit in found.values()}) > 1:
        return None
    return order, sorted(found.values(), key=lambda named: -named[1])


def largest_named(question: str, quoted: list[str], segmenter: Segmenter) -> str | None:
    """The name (as the quote writes it) with the largest figure (`_ranked_names`), when the question asks which
    has the most and one is largest; else None."""
    ranked = _ranked_names(question, quoted, segmenter)
    if ranked is None or not ranked[0].highest:
        return None
    names = ranked[1]
    return names[0][0] if names[0][1] > names[1][1] else None


def smallest_unstated(question: str, quoted: list[str], segmenter: Segmenter) -> str | None:
    """The ordering word ("最低") when the question asks which name has the least and the quoted sentences give
    figures to names of the asked kind (`_ranked_names`) without writing that word: a report lists the leaders
    ("海淀区…62.44%", "朝阳区…25.79%"), and the least of those it lists is no answer to "占比最低的是哪个区" — a near
    miss; else None."""
    ranked = _ranked_names(question, quoted, segmenter)
    if ranked is None or ranked[0].highest or ranked[0].word in normal_form("".join(quoted)):
        return None
    return ranked[0].word
