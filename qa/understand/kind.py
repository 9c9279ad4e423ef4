"""What kind of answer a question wants, read from its Chinese wording.

The kind is an input of the learned answer selector (each kind meets the candidate's content: a number, a date,
a person …) and decides whether a short answer phrase is extracted: factoid and list kinds get one (a date, a name,
an enumeration inside one sentence), why/how do not (reasons and steps are not phrases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from qa.text import CLAUSE_BREAK, SENTENCE_END


class Kind(str, Enum):
    LIST = "list"
    WHY = "why"
    HOW = "how"
    TIME = "time"
    QUANTITY = "quantity"
    PERSON = "person"
    PLACE = "place"
    ORG = "org"
    FACT = "fact"


#: "报告是怎么解释…的" asks for the explanation, a reason (not a method: 怎么 alone is HOW).
_WHY = re.compile(r"为什么|为何|原因|何故|怎么会|为啥|凭什么|凭啥|何以|依据是(?:什么|啥)|有何依据|(?:什么|啥)(?:依据|理由)|根据(?:什么|啥)|(?:怎么|如何|怎样|作何)解释|why",
                  re.IGNORECASE)
#: Checked in this order: "有哪些企业成立于2015年" wants a list, not a date; "为什么…多少" wants reasons.
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.LIST, re.compile(r"哪些|哪几|有几[条个项点方种类]|几条|几个方面|几方面|包括什么|列举|分别|各是|各自是")),
    (Kind.WHY, _WHY),
    (Kind.HOW, re.compile(r"如何|怎么|怎样|咋|什么办法|什么方法|什么方式|哪种方式|通过什么|how(?!\s*(?:many|much))", re.IGNORECASE)),
    (Kind.TIME, re.compile(r"什么时候|何时|哪一?年|哪个?月|几月|几年|哪一?天|几号|时间|日期|年代|朝代|when", re.IGNORECASE)),
    (Kind.QUANTITY, re.compile(r"多少|几[家个位项次成倍种名人岁座部张]|比例|占比|比重|多大|多高|多长|多远|多重|多久|"
                               r"规模|金额|数量|几何|百分之|增长了?多|多快|how many|how much", re.IGNORECASE)),
    (Kind.PERSON, re.compile(r"谁|哪位|哪个人|什么人|哪名|创始人|作者|导演|主演|who", re.IGNORECASE)),
    (Kind.PLACE, re.compile(r"哪里|哪儿|何处|何地|什么地方|哪个?(?:国家|城市|省|市|区|县|地区|地方)|在哪|where",
                            re.IGNORECASE)),
    (Kind.ORG, re.compile(r"哪家|哪个?(?:公司|企业|机构|组织|单位|大学|学校|部门|团队|球队|俱乐部)|什么(?:公司|机构|组织)")),
)
#: Kinds whose answer is a phrase inside a sentence ("2016年3月", "海淀区"), led by a short answer.
FACTOID = frozenset({Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG, Kind.FACT})
#: Where a question's clauses end: a sentence end, a comma or a semicolon (not 、 or ：, which stay inside one).
_CLAUSE = re.compile(rf"[{SENTENCE_END}，,；;]")
_INTERROGATIVE = re.compile(r"什么|怎么|怎样|如何|多少|几|哪|吗|呢|何|是否|有没有|谁|多大|多高|多长|啥|咋")
#: The question words themselves: they carry no content to match in the text.
WH_WORDS = re.compile(r"为什么|为何|为啥|凭什么|凭啥|什么时候|什么|啥时候|啥|怎么样|怎么|怎样|咋样|咋|如何|多少|哪一|哪些|哪个|哪家|哪位|哪里|哪儿|哪|谁|何时|"
                      r"何地|何处|何人|何年|何种|何物|何事|有何|几|是否|有没有|吗|呢|请问|呀|啊")
_SUPERLATIVE_QUESTION = re.compile(r"最|第一|之最|居首")


#: Question words, each with at most one measure word or unit after it, one after another: "哪年哪月", "第几轮".
_ASKING_RUN = re.compile(rf"(?:第?(?:{WH_WORDS.pattern})[\u4e00-\u9fff]?)+")


def asks(term: str) -> bool:
    """A question word, alone or with its measure word ("几条", "哪家", "多少家"), or a run of them ("哪年哪月",
    "第几轮"): what the answer states, never words the report must write."""
    return (WH_WORDS.fullmatch(term) is not None or (len(term) <= 3 and WH_WORDS.match(term) is not None)
            or _ASKING_RUN.fullmatch(term) is not None)


@dataclass(frozen=True)
class QuestionType:
    """The answer kind, and whether the question asks for an extreme (最多, 最早 …)."""

    kind: Kind
    superlative: bool = False

    @property
    def wants_number(self) -> bool:
        return self.kind in (Kind.QUANTITY, Kind.TIME)

    @property
    def wants_list(self) -> bool:
        return self.kind is Kind.LIST

    @property
    def phrased(self) -> bool:
        """The answer can be a phrase of one sentence (a date, a name, "经典、热血、狙击等模式"): factoids and lists;
        reasons and steps (why/how) are not phrases."""
        return self.kind in FACTOID or self.kind is Kind.LIST


#: A list question's words for the items it asks for: "哪几条对策建议" → 对策建议, "还有哪些问题" → 问题,
#: "一共提了几条建议" → 建议.
_LISTED = re.compile(rf"(?:哪几[条个项点种类]?|哪些|几[条项点])([^\s{SENTENCE_END}{CLAUSE_BREAK}、]{{2,}}?)[的了吗呢啊呀啦]*"
                     rf"(?:[{SENTENCE_END}{CLAUSE_BREAK}]|$)")


def listed_items(question: str) -> str | None:
    """What a list question asks items of, as the question words it ("对策建议"), or None: a heading naming
    them is the list (`qa.answer.structured`), however few of the question's other words it holds."""
    match = _LISTED.search(question)
    return match.group(1) if match else None


def _asking_clauses(question: str) -> list[str]:
    """The question's clauses that hold a question word, in order."""
    return [p for p in _CLAUSE.split(question) if p.strip() and _INTERROGATIVE.search(p)]


def asking_part(question: str) -> str:
    """The clause that holds the question word: in "对…比例的企业，政府可以怎么做？" only "政府可以怎么做" asks."""
    asking = _asking_clauses(question)
    return asking[-1] if asking else question


#: "…被称为什么？", "…更名为什么？": at the end of a question, "为什么" is the verb's "为" and the question word "什么"
#: (asking for a name), not "why" — a why-question puts it before what it asks about ("为什么销量惨淡"); every such
#: ending in the CMRC 2018 trial set is of this kind. "这是为什么？" stays a why-question.
_NAMED_AS = re.compile(r"(?<=[^\s是这那])为什么(?=[？?!！。\s]*$)")


#: The kinds of name a question may ask for besides what its kind says.
_NAMES = frozenset({Kind.PERSON, Kind.PLACE, Kind.ORG})


def asked_name(question: str, any_clause: bool = False) -> Kind | None:
    """The kind of name the asking clause asks for, whatever kind `classify` gives the question: "哪个区的占比最高？"
    asks for a place, though 占比 makes it a QUANTITY question (the selector's kind); "哪个区最多？占比多少？" asks a
    number in its asking clause, and no name. With `any_clause`, the first name any clause with a question word asks
    for ("哪家公司…，拿了多少？" asks for a company too)."""
    parts = _asking_clauses(question) if any_clause else [asking_part(question)]
    return next((kind for part in parts for kind, pattern in _PATTERNS if kind in _NAMES and pattern.search(part)),
                None)


def classify(question: str) -> QuestionType:
    """The first kind whose wording occurs in the asking clause; FACT when none does. A why asked first and then
    followed up ("为啥…爆发式增长？报告怎么解释的？", "为什么说…有差距？和什么比？") is still a why: the later clause asks
    about the explanation, and an answer that gives the reason answers both."""
    part = _NAMED_AS.sub("为 什么", asking_part(question))
    superlative = bool(_SUPERLATIVE_QUESTION.search(part))
    if any(_WHY.search(_NAMED_AS.sub("为 什么", p)) for p in _asking_clauses(question)[:-1]):
        return QuestionType(Kind.WHY, superlative)
    for kind, pattern in _PATTERNS:
        if pattern.search(part):
            return QuestionType(kind, superlative)
    return QuestionType(Kind.FACT, superlative)
