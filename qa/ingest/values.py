"""Typed values inside table cells: dates ("2016-3", "2016年3月", "2019.03") and amounts ("6 亿美元",
"1.2亿元", "数亿人民币", "3000万", "一千万元").

Cells are compared by these values, never by their text: "10.8 亿元人民币" is less than "6 亿美元", "2011-10"
is earlier than "2014-8". The verbatim text of each value is kept, so answers quote the cell as printed.
Chinese numerals are read by cn2an (the maintained converter), not by a hand-written table.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import cn2an

#: year-month(-day) with -, ., / or 年月日; a bare "2016年" is a date of that year.
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*(?:[-./]|年)\s*(\d{1,2})(?:\s*(?:[-./]|月)\s*(\d{1,2})日?)?月?|\s*年)"
                   r"(?![\d.])")
#: A cell that is nothing but a year ("2016" in a 成立年份 column) is that year.
_BARE_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
_NUMERAL = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点]+|[数几])"
_UNIT = r"(?:万亿|千万|百万|亿|万|千|百)"
_CURRENCY = r"(?:美元|美金|港元|港币|欧元|日元|英镑|元人民币|人民币|元|[$¥￥€£])"
_AMOUNT = re.compile(rf"([$¥￥€£])?\s*({_NUMERAL})\s*({_UNIT})?\s*({_CURRENCY})?\s*(以上|多|余)?")
#: Rough exchange rates to yuan, only to rank amounts in different currencies (the answer quotes the cells).
YUAN_PER = {"美元": 7.0, "美金": 7.0, "$": 7.0, "港元": 0.9, "港币": 0.9, "欧元": 7.8, "€": 7.8, "日元": 0.05,
            "英镑": 8.9, "£": 8.9}
#: The currency each written form names ("元人民币", "¥" and a bare "元" are yuan; a question may write the ISO code,
#: in normal form lower-case): rows can be kept to one.
CURRENCIES = {"美元": "美元", "美金": "美元", "$": "美元", "usd": "美元", "港元": "港元", "港币": "港元", "欧元": "欧元",
              "€": "欧元", "日元": "日元", "英镑": "英镑", "£": "英镑", "元人民币": "人民币", "人民币": "人民币",
              "元": "人民币", "rmb": "人民币", "cny": "人民币", "¥": "人民币", "￥": "人民币"}
_SCALE = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}


@dataclass(frozen=True, order=True)
class DateValue:
    """A date to the precision the cell gives (month and day 0 when absent); `text` is the cell's own span."""

    year: int
    month: int
    day: int
    text: str


@dataclass(frozen=True)
class Amount:
    """A quantity with its unit: `value` in yuan for money (comparable across currencies), in units otherwise.

    `at_least` marks "1 亿美元以上" and vague numerals ("数亿": several 亿, ranked as one); `currency` is the one
    written (`CURRENCIES`' names; None: no money, a head count)."""

    value: float
    currency: str | None
    at_least: bool
    text: str


def find_date(cell: str) -> DateValue | None:
    """The first date in a cell, or the year a cell consists of."""
    m = _DATE.search(cell) or _BARE_YEAR.match(cell)
    if m is None:
        return None
    month, day = (int(m.group(2) or 0), int(m.group(3) or 0)) if m.re is _DATE else (0, 0)
    if month > 12 or day > 31:
        return None
    return DateValue(int(m.group(1)), month, day, m.group(0).strip())


def _number(numeral: str) -> float | None:
    """An Arabic or Chinese numeral as a float; 数/几 ("several") count as one."""
    if numeral in ("数", "几"):
        return 1.0
    try:
        return float(numeral)
    except ValueError:
        pass
    with warnings.catch_warnings():  # cn2an warns before raising on text that is not a numeral
        warnings.simplefilter("ignore")
        try:
            return float(cn2an.cn2an(numeral, "smart"))
        except (ValueError, KeyError):
            return None


def find_amount(cell: str) -> Amount | None:
    """The first number written with a unit or a currency ("6 亿美元", "3000万"); a date or a bare number is not
    an amount."""
    dates = [m.span() for m in _DATE.finditer(cell)]
    for m in _AMOUNT.finditer(cell):
        prefix, numeral, unit, currency, more = m.groups()
        if not (unit or currency or prefix) or any(s <= m.start(2) < e for s, e in dates):
            continue
        number = _number(numeral)
        if number is None:
            continue
        currency = prefix or currency
        value = number * _SCALE.get(unit or "", 1.0) * YUAN_PER.get(currency or "", 1.0)
        return Amount(value, CURRENCIES[currency] if currency else None, bool(more) or numeral in ("数", "几"),
                      m.group(0).strip())
    return None
