"""A question asking how many of something ("全国做人工智能的企业一共有多少家？") is answered by a sentence that
states such a count — a number before the same counter — and, unless the question asks about a change, not only
as a change ("新增44家").

The selector scores a sentence by how much of the question it matches, and a short sentence that repeats the
question's words outscores a long one holding the count: "全国人工智能企业较2018年5月新增44家" (0.82) beat "…全国人工
智能企业4084家，北京…1084家…" (0.71), and "…北京有多少家AI startup拿到过VC之类的融资？" chose a sentence of shares
and sums ("…企业数量占73.28%…融资总额1319.89亿元") over "北京共有442家企业获得融资". A count is a constraint the
answer must state, as a rank is (`ranked.py`): among the candidates that state one, the one the selector likes best
is chosen; when none does, the selector's choice stands (and `uncounted.py` may refuse it).
"""

from __future__ import annotations

import re

import numpy as np

from qa.answer.arithmetic import CHANGE_LEAD
from qa.answer.features import WeightedTerms
from qa.answer.uncounted import COUNT_ASKED
from qa.text import normal_form
from qa.understand.constraints import ASKS_CHANGE

#: A count's number: digits or a Chinese numeral, perhaps rounded ("200余", "三十多", "上百").
_NUMBER = r"(?:\d+(?:\.\d+)?[万亿]?|[零〇一二两三四五六七八九十百千万亿]+)(?:余|多)?"


def _states_count(text: str, counter: str) -> bool:
    """Whether the (folded) text states a count with the counter that is not a change."""
    for found in re.finditer(rf"{_NUMBER}(?={counter})", text):
        if not CHANGE_LEAD.search(text[max(0, found.start() - 8):found.start()]):  # "新增44家" is a change
            return True
    return False


def counting_choice(question: str, terms: WeightedTerms, sentences: list[str], scores: np.ndarray,
                    chosen: int) -> int:
    """The chosen candidate sentence, or — when the question asks how many and the chosen sentence states no such
    count (`_states_count`) — the best-scored one that does and still holds every question term the chosen one holds;
    the chosen one when none does. Why that condition: "北京做AI+医疗的企业具体有多少家？" chose the sentence naming
    AI+医疗 but no count; a count of all companies answers another question, and `uncounted.py` then shows the
    chosen sentence as the nearest fact."""
    question = normal_form(question)
    asked = COUNT_ASKED.search(question)
    if asked is None or ASKS_CHANGE.search(question):
        return chosen
    counter = asked.group()[-1]
    norms = [normal_form(text) for text in sentences]
    if _states_count(norms[chosen], counter):
        return chosen
    held = [t for t in terms.weights if terms.found(norms[chosen], t)]
    stating = [i for i, norm in enumerate(norms)
               if _states_count(norm, counter) and all(terms.found(norm, t) for t in held)]
    return max(stating, key=lambda i: scores[i]) if stating else chosen
