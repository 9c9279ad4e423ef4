"""The constraints a question states, which every answer must support: years, other numbers, names, scopes,
ranks and the attribute whose amount it asks.

"2023年…融资总额" asks about 2023, not the 2019 total a sentence gives; "丰台区占比多少" about 丰台区, not the
海淀区 beside it. The answer layer checks each constraint against the chosen sentence and its neighbourhood
(`qa.answer.answerable`), and a refusal names the one the report lacks. Read once per question, here, so the
features, the verifier's check and the refusal message all see the same constraints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from qa.segment.numerals import numeral_value
from qa.segment.tokenizer import HAS_WORD_CHAR, Segmenter
from qa.text import normal_form
from qa.understand.kind import asks

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
#: A year, and its month when one is written ("2018年5月", "2019 年"): when a question asks about.
YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?")
#: The end of a year ("2019年底", "2019年年末", "2019年12月"): a time point, not the whole year.
YEAR_END = re.compile(r"((?:19|20)\d{2})年(?:年?底|年?末|12月)")


def year_ends(text_norm: str) -> tuple[str, ...]:
    """The ends of years a text names, each written "2019年底"."""
    return tuple(dict.fromkeys(f"{year}年底" for year in YEAR_END.findall(text_norm)))
#: Numbers other than years that a question states as a constraint ("1亿", "10亿元", "100强").
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%?")
#: A number the question guesses at ("好像有1000多家", "100余家", "10来个", with its measure word): the asker's
#: estimate of the answer, not a constraint the sentence must repeat (1084家 answers "一千多家").
_APPROXIMATE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?[多余来](?!少)[家个位项名人条次种所件]?")
#: A share the question holds a guess against ("是不是连10%都不到" — typed "一成" —, "有没有30%", "超过50%了吗",
#: "占了70%多"): the asker's bound on the share asked, which the answer's sentence states as its own figure (9.73%),
#: not a constraint it must repeat — though a figure no stated share fits is a value swapped (`guess_fits`).
_GUESS_BEFORE = r"(?P<before>不到|不足|没到|低于|超过|超|过|高于|有没有|是不是有|将近|接近|近|约|大约|大概|差不多)"
_GUESS_AFTER = r"(?P<after>不到|不足|没到|以下|以上|左右|上下|出头|多|余)"
_GUESSED_SHARE = re.compile(rf"{_GUESS_BEFORE}\s*(?P<share>\d+(?:\.\d+)?)%"
                            rf"|(?<![\d.])(?P<share2>\d+(?:\.\d+)?)%\s*[都也]?{_GUESS_AFTER}")
#: Guess words putting the share asked at most at the share guessed ("不到", "将近") and at least at it ("超过", "多").
_BELOW = frozenset({"不到", "不足", "没到", "低于", "以下", "将近", "接近", "近"})
_ABOVE = frozenset({"超过", "超", "过", "高于", "以上", "多", "余", "出头"})
#: How far "about", "more than" and "nearly" reach: a tenth, the step a share in tenths ("七成多") is guessed in.
GUESS_REACH = 10.0


def guess_fits(guess: re.Match[str], share: float) -> bool:
    """A share stated in a text agrees with a guess of `_GUESSED_SHARE` ("70%多" of 73.28; "10%都不到" of 9.73;
    "有没有30%" of any share: a yes/no question)."""
    word = guess["before"] or guess["after"]
    guessed = float(guess["share"] or guess["share2"])
    if word in ("有没有", "是不是有"):
        return True
    if word in _BELOW:
        low = guessed - GUESS_REACH if word in ("将近", "接近", "近") else 0.0
        return low <= share <= guessed
    if word in _ABOVE:
        high = guessed + GUESS_REACH if word in ("多", "余", "出头") else 100.0
        return guessed <= share <= high
    return abs(share - guessed) <= GUESS_REACH / 2


def guessed_shares(question: str) -> list[re.Match[str]]:
    """The shares the question only guesses at (`_GUESSED_SHARE`)."""
    return list(_GUESSED_SHARE.finditer(question))


def without_approximations(question: str) -> str:
    """The question without the numbers it only guesses at (`_APPROXIMATE`, `_GUESSED_SHARE`)."""
    return _GUESSED_SHARE.sub(" ", _APPROXIMATE.sub(" ", question))


#: Where a clause starts or ends.
_CLAUSE_EDGE = r"[，,。？?！!；;:：\s]"
#: How an asker asks to be shown the answer ("帮我列一下", "列几条", "举几个例子", "把名字列给我", "帮忙list一下"): what the
#: answer should look like, never something a sentence must say — yet each word weighed as a rare term the report
#: lacks ("帮", "我列"), and the question was refused. A whole clause of such words, or one ending a clause after
#: "能/可以" ("…能举几个例子吗"); "给我说几条措施" keeps 措施.
_REQUEST = re.compile(
    r"(?:(?<=" + _CLAUSE_EDGE + r")|^|(?=能|可以|可不可以))"
    r"(?:请|麻烦你?|帮忙|帮我|给我|你|再|随便|能不能|能否|可不可以|可以|能)*(?:把(?:名字|名单|它们|这些)?)?"
    r"(?:列举|举例|列|举|说|讲|写|list)(?:一下|出来|给我|几[个条项点样家]|一些|个|下)*(?:例子|名字|名单)?"
    r"[吗呗吧呀啊嘛呢]*(?=" + _CLAUSE_EDGE + r"|$)", re.IGNORECASE)


#: How the report itself talks ("报告总结了几条", "那部分，总结了哪几个特点", "报告引用的白皮书", "文中提到"): a saying
#: verb whose subject is the report or a part of it describes the report, never what a sentence of it must say —
#: yet it weighed as a rare term the report lacks ("报告中没有关于“总结”的数据").
_REPORT_TALK = re.compile(r"(报告|文中|文章|作者|白皮书|部分|章|节|段)([里中]?[，,]?(?:一共|主要|都|又|还)?)"
                          r"(?:总结|归纳|概括|提到|提及|提出|指出|列举|列出|认为|引用)(?:了|过|出)?")


def without_requests(question: str) -> str:
    """The question without the words asking how to be shown the answer (`_REQUEST`) or saying how the report
    talks (`_REPORT_TALK`)."""
    return _REPORT_TALK.sub(r"\1\2 ", _REQUEST.sub(" ", question))


#: A scope of the whole country or the world ("全国…有多少家" asks for the national count; a sentence that says
#: "北京有119家" answers a narrower question). Narrower scopes (全市, 全区) are left out, since the place a sentence
#: names ("北京市") is often that scope in other words, and so is 国内, which is relative ("奈及利亞國內").
SCOPE = re.compile(r"全(?:国|球|世界)")
#: What a rank counts or ranks by, written right after it: "第二大", "第三名", "第一届", "首次".
_COUNTER = "大多小少高低名位个次届代任家座部张期批条款种年季集号轮章节项"
#: A rank: "第" and a numeral (Chinese or Arabic; numerals.py leaves ordinals as typed), with its counter if one
#: follows ("排第三的" has none), or "首" and a counter ("首次" is 第一次; "首都" is no rank).
_ORDINAL = re.compile(rf"第([零〇一二两三四五六七八九十百千\d]+)([{_COUNTER}]?)|首([{_COUNTER}])")


#: Words asking about a change over time ("新增了几家", "比18年多出多少", "涨了多少", "2018年以来"): the figures
#: asked are what was added or lost, and a date the question states is the base it compares with.
ASKS_CHANGE = re.compile(r"新增|净增|新设|新成立|冒出|增加|增长|增多|多了|多出|提高|上升|涨|变化|减少|少了|下降|降|以来|至今")
#: "按融资额算，…", "从融资总额来看，…": what every figure of the question measures (`what`).
_MEASURED_BY = re.compile(r"^(?:按照?|以|从|就)(?P<what>[^，,]{1,10}?)(?:来看|来算|来说|而言|计算?|算|看)?的?话?[，,]")
#: Words of a count that reports seldom write (they write 数量: "按家数算" is by 企业数量).
COUNT_WORDS = r"家数|个数|数目"
#: Words saying a figure is passed ("超过1亿元", "不低于10亿"): a threshold or a bound, not an amount of anything.
PASSES = r"(?:超过|高于|多于|大于|不少于|不低于)"


def measured_by(question: str) -> str:
    """What the question says its figures are measured by ("按融资额算，…" → 融资额), count words in the report's
    word ("按家数算" → 数量); "" when it says nothing."""
    said = _MEASURED_BY.match(question.strip())
    return re.sub(COUNT_WORDS, "数量", said["what"]) if said else ""


#: Words that take a part away from a whole ("全国…扣掉北京的", "天使轮不算preA的话"), written before the part.
TAKEN_AWAY = r"(?:除掉|扣掉|扣除|去掉|除去|刨掉|刨去|刨除|减去|不算|不含|不包括|不计|排除|除了?)"
#: Words saying something was not done ("没拿过", "未曾获得", "尚未上市"): what follows is what the others did.
NOT_DONE = r"(?:没有?|未曾?|从未|不曾|尚未)"
#: Words asking for an amount: the word right before them names what is measured ("利润大概多少", "估值多少钱").
AMOUNT_ASKED = re.compile(r"多少|几|多大|多高|多长|多久|多远")
#: Tags of words that name an attribute ("估值" n, "valuation" eng, "利润" n), and of the words before it that name
#: it with it ("从业人员总数": l).
_ATTRIBUTE_TAGS = frozenset({"n", "vn", "nz", "eng"})
_ATTRIBUTE_PART_TAGS = _ATTRIBUTE_TAGS | {"l"}
#: What is skipped between an attribute and the words asking its amount: words of these tags ("估值大概多少钱": d,
#: m; "…的", "…了"), punctuation ("(profit)一年有多少"), the copulas ("市值是多少钱") and the verbs of reaching an
#: amount ("估值到了多少", "总额达到多少").
_BETWEEN_TAGS = frozenset({"d", "t", "m", "mq", "q", "uj", "ul", "r"})
_COPULAS = frozenset({"是", "有", "为", "到", "达", "达到"})


@dataclass(frozen=True)
class Rank:
    """A rank as written ("第三大"), its number and its counter ("" when none follows)."""

    written: str
    number: int
    counter: str

    def held_by(self, ranks: Iterable["Rank"]) -> bool:
        """One of `ranks` has this number, with the same counter or without one to compare ("第二多" is held by
        "第二大": a rank whose number matches counts as said in other words)."""
        return any(r.number == self.number for r in ranks)

    def _comparable(self, rank: "Rank") -> bool:
        """Of the same kind: the same counter, or either has none to compare ("排第三的" and "第二大")."""
        return rank.counter == self.counter or not (rank.counter and self.counter)

    def contradicted_by(self, rank: "Rank") -> bool:
        """`rank` is another rank of the same kind."""
        return rank.number != self.number and self._comparable(rank)

    def stated_by(self, ranks: Iterable["Rank"]) -> bool:
        """One of `ranks` is this rank: its number, of the same kind ("第一次" is not stated by "第一届")."""
        return any(r.number == self.number and self._comparable(r) for r in ranks)


def ranks(text: str) -> list[Rank]:
    """The ranks a text writes, in order; a numeral that cannot be read is no rank."""
    found = []
    for match in _ORDINAL.finditer(text):
        numeral, counter, first = match.groups()
        number = 1 if first else numeral_value(numeral)
        if number is not None:
            found.append(Rank(match.group(), number, first or counter))
    return found


@dataclass(frozen=True)
class Name:
    """A name the question states (a place, an organisation, a Latin name), in normal form, with the other forms
    the corpus may write it in ("ai" → 人工智能)."""

    text: str
    forms: tuple[str, ...]

    @property
    def latin(self) -> bool:
        return self.text.isascii()

    def found_in(self, text_norm: str) -> bool:
        """Some form of the name occurs in the (normal-form) text."""
        return any(form in text_norm for form in self.forms)


@dataclass(frozen=True)
class Constraints:
    """What the question pins down, in the order it says it."""

    years: tuple[str, ...]
    #: "2019年底": the end of a year asked, which a figure of another month of it does not answer
    year_ends: tuple[str, ...]
    numbers: tuple[str, ...]
    names: tuple[Name, ...]
    #: "全国", "全球": the whole area the question asks about
    scopes: tuple[str, ...]
    #: "第二大", "第三名": which one of a ranking the question asks about
    ranks: tuple[Rank, ...]
    #: "利润" of "…的利润大概多少", "从业人员", "总数" of "…的从业人员总数有多少": the words of the attribute whose
    #: amount the question asks (the last names it), none when it names none
    measure: tuple[Name, ...]


def attribute_before(text: str, end: int, segmenter: Segmenter) -> tuple[str, ...]:
    """The attribute `text` names right before position `end`, skipping adverbs, measure words, particles,
    punctuation and copulas: a word of two or more characters tagged as a noun, either English or a word of
    jieba's dictionary (no question word: "哪年哪月" vn), or an untagged word of the corpus's vocabulary ("融资总额")
    — one its HMM made up is most often a misspelling ("比列" for 比例, "海定区") or a fragment ("轮融" of "E轮融了
    多少"), not an attribute — with the known nouns right before it that name it with it ("从业人员", "总数"); the
    words in order, none when another word stands there ("一共有多少家": 一共 is skipped, 家 follows)."""
    before = [(w, f) for w, f in segmenter.tagged(text[:end]) if w.strip()]
    while before and (before[-1][1] in _BETWEEN_TAGS or before[-1][0] in _COPULAS
                      or not HAS_WORD_CHAR.search(before[-1][0])):
        before.pop()

    def known(word: str, flag: str, tags: frozenset[str]) -> bool:
        """A noun jieba knows, an English word, or a word of the corpus's vocabulary given no tag ("融资总额" x)."""
        return len(word) > 1 and not asks(word) and (
            (flag in tags and (word.isascii() or segmenter.in_dictionary(word)))
            or (flag == "x" and segmenter.in_vocabulary(word)))

    if not before or not known(*before[-1], _ATTRIBUTE_TAGS):
        return ()
    start = len(before) - 1
    while start > 0 and known(*before[start - 1], _ATTRIBUTE_PART_TAGS):
        start -= 1
    return tuple(w for w, _ in before[start:])


#: Words asking which one: the noun after them names the kind of the answer ("哪个区" → 区).
_WHICH = frozenset({"哪", "哪个", "哪一个", "哪一", "哪家", "哪位", "哪座", "哪所", "哪条"})


def asked_noun(question: str, segmenter: Segmenter) -> str | None:
    """The noun right after the question's 哪个 ("哪个区" → 区, "哪家公司" → 公司), if any: what kind of thing the
    answer names."""
    words = segmenter.question_words(question)
    for (word, _), (after, flag) in zip(words, words[1:]):
        if word in _WHICH and flag.startswith("n"):
            return after
    return None


def _named(text: str, segmenter: Segmenter) -> Name:
    """A name in normal form with the other forms the corpus may write it in (its aliases)."""
    name = normal_form(text)
    return Name(name, (name, *(normal_form(f) for f in segmenter.alias_forms(name))))


def read_constraints(question: str, segmenter: Segmenter) -> Constraints:
    """The years, other numbers, names, scopes, ranks and measured attribute of a question (in its searched form:
    Simplified, Arabic numerals)."""
    years = tuple(dict.fromkeys(YEAR.findall(normal_form(question))))  # full-width digits too ("２０１７年")
    numbers = tuple(n for n in dict.fromkeys(_NUMBER.findall(normal_form(without_approximations(question))))
                    if not YEAR.fullmatch(n))
    names = segmenter.names(question)  # as often as said: a feature counts them
    asked = without_requests(question)  # "报告总结了几条" measures no 总结
    amount = AMOUNT_ASKED.search(asked)
    measure = attribute_before(asked, amount.start(), segmenter) if amount else ()
    return Constraints(years, year_ends(normal_form(question)), numbers, tuple(_named(n, segmenter) for n in names),
                       tuple(dict.fromkeys(SCOPE.findall(normal_form(question)))), tuple(ranks(normal_form(question))),
                       tuple(_named(word, segmenter) for word in measure))
