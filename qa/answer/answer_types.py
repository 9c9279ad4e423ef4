"""What kind of answer a piece of text can give — a number, a time, a person, a place, an organisation.

One definition shared by the sentence selector (`features.py`: does this clause hold what the question asks
for?) and the short-answer model (`short.py`: is this phrase of the asked type?), so both models learn from the
same notion of "holds a number". Types come from surface patterns (Arabic and Chinese numerals, time words) and
jieba POS tags of the words (nr person, ns place, nt/nz organisation, or an organisation suffix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.understand.kind import Kind
from qa.segment.tokenizer import Segmenter

#: Chinese numerals followed by a measure word or a magnitude ("四至八倍" → 八倍, "一亿", "两家"), so the "一"
#: of "统一" or "一是" does not count as a number; a magnitude alone ("万年", "亿万") is not a number either.
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*(?:[个家位名年月日岁倍种项次人部座件只条张届]|万|亿|余|多)"
NUMBER = re.compile(rf"\d|{_CN_NUMBER}")
TIME = re.compile(r"\d{1,4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|[元正一二三四五六七八九十百]+[年月]|世纪|年代|朝|时期|时代|"
                  r"年间|[春夏秋冬]季|\d{4}[-./]\d{1,2}|\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*[点时]|[上下中]午|"
                  r"凌晨|傍晚|晚上|早上|夜间|周[一二三四五六日末]|星期|礼拜|每[天日周月年]|[初末]期|前夕|之后|以后|以前|之前")
#: A quantity that answers "多少": a number that is not a date ("相比2018年", "4月" do not say how many) nor the
#: label of a table or figure ("表1", "图 4"; an ordinal "第3" may well be the answer).
QUANTITY = re.compile(rf"(?<![\d.表图])(?<![表图]\s)\d+(?:\.\d+)?(?![\d.]|\s*[年月日])|{_CN_NUMBER}")
#: Question kinds that ask for one typed thing (a number, a date, a name) rather than any fact.
TYPED = frozenset({Kind.QUANTITY, Kind.TIME, Kind.PERSON, Kind.PLACE, Kind.ORG})

_PERSON_TAGS = ("nr", "nrt", "nrfg")
PLACE_TAGS = ("ns", "nsf")
_ORG_TAGS = ("nt", "nz")
_ORG_SUFFIX = re.compile(r"(?:公司|集团|大学|学院|研究院|研究所|中心|协会|委员会|银行|医院|俱乐部|队|局|部|厅|署|院)$")
#: The question kind each content type answers.
_KIND_OF = {"number": Kind.QUANTITY, "time": Kind.TIME, "person": Kind.PERSON, "place": Kind.PLACE,
            "org": Kind.ORG}


@dataclass(frozen=True)
class Holds:
    """Which answer types a text holds."""

    number: bool
    time: bool
    person: bool
    place: bool
    org: bool

    def answers(self, kind: Kind) -> bool:
        """The text holds the type a question of this kind asks for."""
        return any(getattr(self, name) for name, k in _KIND_OF.items() if k is kind)

    def matches(self, kind: Kind) -> list[float]:
        """number/time/person/place/org match flags for a question of this kind, in that order."""
        return [float(k is kind and getattr(self, name)) for name, k in _KIND_OF.items()]


def holds(text: str, tagged: list[tuple[str, str]]) -> Holds:
    """The answer types of `text`, whose jieba words with POS tags are `tagged`."""
    return Holds(
        number=bool(NUMBER.search(text)),
        time=bool(TIME.search(text)),
        person=any(f in _PERSON_TAGS and len(w) > 1 for w, f in tagged),
        place=any(f in PLACE_TAGS and len(w) > 1 for w, f in tagged),
        org=any((f in _ORG_TAGS and len(w) > 1) or bool(_ORG_SUFFIX.search(w)) for w, f in tagged),
    )


def tags_inside(tagged: list[tuple[str, str]], start: int, end: int) -> list[tuple[str, str]]:
    """The tagged words that lie inside characters [start, end) of the text they were tagged from."""
    at, inside = 0, []
    for word, flag in tagged:
        if at >= start and at + len(word) <= end:
            inside.append((word, flag))
        at += len(word)
    return inside


@lru_cache(maxsize=1 << 16)
def span_holds(segmenter: Segmenter, sentence: str, start: int = 0, end: int | None = None) -> Holds:
    """The answer types of characters [start, end) of a sentence, with the POS tags of the whole sentence (cached:
    the same sentences and clauses come back for many questions)."""
    end = len(sentence) if end is None else end
    return holds(sentence[start:end], tags_inside(segmenter.tagged(sentence), start, end))
