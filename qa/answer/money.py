"""A sum asked in another currency than the report gives it in.

"单次融资超过10亿美元的北京AI企业有几家？" retrieves "…其中有14家人工智能企业单次融资金额超过10亿元人民币": the number and
its unit match, so neither the missing-term features nor the swapped-amount check (`swaps.py`, number and unit)
see that the currency is another. The table path refuses an amount asked in another currency than a row's
(`table_query._in_other_currency`); this is the same judgement for sentences, in two forms:

- a sum the question states with a currency ("10亿美元", "1亿USD") that the neighbourhood writes only in other
  currencies ("10亿元人民币");
- a figure asked in a named currency ("有多少美元", "能达到多少人民币") where every sum of the sentence is in another
  and the sentence never names the asked one. A bare 元 asks for no currency here ("多少元" is as often any money),
  and conversion is not the report's figure: "折合多少美元" of "30亿元人民币" is not answered either.

It is also the one place that reads whether a question asks an amount of money (`MONEY_ASKED`) and whether a text
states a sum that is no bound (`states_amount`): `counting.py` chooses a sentence by them, `unmeasured.py` refuses one.
"""

from __future__ import annotations

import re
from typing import Iterable

from qa.ingest.values import CURRENCIES
from qa.understand.constraints import PASSES


def currency_names(names: Iterable[str]) -> str:
    """Written currency forms as one alternation, longest first ("元人民币" before "元"), escaped ("$")."""
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_NAMES = currency_names(CURRENCIES)
#: A sum with its currency: number, scale, currency ("10亿美元", "1亿元人民币", "1亿 usd").
_SUM = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*([万亿千百]*)\s*({_NAMES})")
#: The currency an amount is asked in ("折合多少美元", "多少亿人民币"); 元 alone is 人民币 (`CURRENCIES`).
ASKED_CURRENCY = re.compile(r"(?:多少|几)[千百万亿]*("
                            + currency_names(n for n in CURRENCIES if len(n) > 1 or n == "元") + ")")

#: An amount of money asked ("一共多少钱", "融资金额加起来是多少", "融了多少亿"), with the noun that names it when one does.
MONEY_ASKED = re.compile(r"多少钱|(?P<noun>金额|总额|融资额)[^，,。？?\d]{0,6}?(?:多少|几)|(?:多少|几)[千百万]*亿|融了多少")


#: Words before a sum that make it a bound ("超过1亿元"), not an amount of anything.
_BOUND_BEFORE = re.compile(rf"(?:{PASSES}|超)\s*$")
#: A sum written in Chinese numerals ("几十万人民币"): an amount, if not one read as a figure.
_SUM_IN_WORDS = re.compile(rf"(?<![\d.])[零一二两三四五六七八九十几数][零一二两三四五六七八九十百千万亿几数]*\s*(?:{_NAMES})")


def states_amount(text_norm: str) -> bool:
    """The text states a sum of money that is no bound ("融资总额1319.89亿元", "几十万人民币"; not "单次融资金额超过
    1亿元人民币" alone)."""
    return bool(_SUM_IN_WORDS.search(text_norm)) or any(
        not _BOUND_BEFORE.search(text_norm[:m.start()]) and not text_norm[m.end():].lstrip().startswith("以上")
        for m in _SUM.finditer(text_norm))


def _sums(text_norm: str) -> list[tuple[str, str, str, str]]:
    """(number, scale, currency, as written) of every sum with a currency."""
    return [(m[1], m[2], CURRENCIES[m[3]], m.group()) for m in _SUM.finditer(text_norm)]


def other_currency(question: str, sentence: str, local: str) -> list[str]:
    """What of the question (normal form) the report gives only in another currency: a stated sum ("10亿美元")
    the neighbourhood writes in other currencies alone, or the currency a figure is asked in ("以人民币计") when
    every sum of the sentence is in another."""
    around = _sums(local)
    found = []
    for number, scale, currency, written in _sums(question):
        currencies = {c for n, s, c, _ in around if (n, s) == (number, scale)}
        if currencies and currency not in currencies:
            found.append(written)
    asked = ASKED_CURRENCY.search(question)
    if asked is not None and asked[1] != "元":  # a bare 元 asks for no currency
        currency = CURRENCIES[asked[1]]
        named = any(CURRENCIES[name] == currency for name in re.findall(_NAMES, sentence))
        if _sums(sentence) and not named:
            found.append(f"以{asked[1]}计")
    return found
