"""Elliptic follow-up questions in a conversation: "那朝阳区呢？" after "海淀区的人工智能企业占比多少？".

Only an elliptic question is rewritten — a short noun phrase X in one of the forms
  "X呢 / 那X呢 / X的呢 / 还有X呢 / 那X的情况呢"          (呢 alone marks the ellipsis), or
  "那X怎么样 / 那X如何 / 换成X怎么样"                      (怎么样/如何 only after 那, 还有, 换成 …):
"X怎么样？" and "X如何？" without such a word are complete questions ("商汤科技怎么样？" asks about 商汤科技).
X must carry no question word, verb of being or preposition ("北京有多少家呢", "西班牙语在西班牙的地位如何").

The previous question then gets X in place of its term of the same kind, and nothing else changes:
  numbers and Latin codes with the same unit after them ("2018年" → "2017年", "A轮" → "B轮", "1亿元" → "10亿元");
  names ↔ names and scope words (jieba POS: places, organisations, Latin words; 全国, 全市 …), a shared last
  character (区/市/公司) picking among several;
  other terms ↔ a term with the same last character (天使轮 ↔ A轮), else, when the previous question names no
  entity, the modifier of its leading noun phrase ("计算机视觉企业有多少家" + "那语音识别呢" → "语音识别企业有多少家").
When the previous question has nothing of X's kind, the question is returned unchanged: a wrong rewrite answers
a question nobody asked, an unchanged one at worst asks for more words. Precision and recall are measured by
`qa.evaluate.followup_rates` on the evaluation sets (README).
"""

from __future__ import annotations

import re

from qa.segment.tokenizer import CORPUS_ALIAS, Segmenter
from qa.text import fold, nfkc

_LEAD = r"(?:那么|那|还有|再看看?|换成|如果是|要是|至于)"
_TAIL_OF_NE = r"(?:的情况|的)?\s*呢"
_TAIL_OF_HOW = r"(?:的情况)?\s*(?:又怎么样|怎么样|怎样|又如何|如何)"
#: "X呢" needs no lead word; "X怎么样" does (else it is a complete question about X).
_ELLIPTIC = (re.compile(rf"^{_LEAD}?\s*(?P<x>.+?)\s*{_TAIL_OF_NE}$"),
             re.compile(rf"^{_LEAD}\s*(?P<x>.+?)\s*{_TAIL_OF_HOW}$"))
_TRAILING = "？?。.!！~～… \t"
#: Words that make "X呢" a question of its own ("北京有多少家呢" is complete).
_QUESTION_WORDS = ("多少", "几", "哪", "什么", "谁", "怎么", "怎样", "如何", "为什么", "是否", "吗", "么", "啥")
#: Predicates a noun phrase does not carry ("北京是首都呢", "企业在海淀呢"): with one, X is a statement.
_PREDICATES = ("是", "有", "在", "为", "对", "被", "把", "会", "能", "要", "了")
#: Words that stand where a place name stands: "北京…有多少家" + "全国呢".
SCOPE_WORDS = frozenset({"全国", "国内", "全市", "全省", "全球", "世界", "国外", "海外", "本市"})
#: Last characters of place names jieba may not tag as places (西城区, 雄安新区).
_PLACE_ENDINGS = ("区", "市", "省", "县", "州")
#: Corpus words ending in these are terms of the subject matter, not names ("人工智能企业", "融资情况").
GENERIC_HEADS = ("企业", "产业", "行业", "公司", "情况", "场景", "效应", "人才", "技术", "经济", "投资", "总额", "金额",
                 "事件", "阶段", "机构", "案例", "实验室", "院所", "中心", "联盟", "计划", "集群", "链", "建议", "轮",
                 "融资", "规模", "数量")
_ATOM = re.compile(r"[0-9]+(?:\.[0-9]+)?|[A-Za-z][A-Za-z+]*")
_SUFFIXES = ("以上", "以下", "以内", "左右", "的")
MAX_FOLLOWUP_CHARS = 16
MAX_SUBJECT_CHARS = 10
#: (start, end, text): the previous question's span [start, end) is replaced by text.
Edit = tuple[int, int, str]


def elliptic_subject(question: str, segmenter: Segmenter) -> str | None:
    """X of "那X呢？"-style questions, or None for a question that stands on its own."""
    text = nfkc(question).strip().rstrip(_TRAILING).strip()
    if len(text) > MAX_FOLLOWUP_CHARS:
        return None
    for form in _ELLIPTIC:
        m = form.match(text)
        if m:
            break
    else:
        return None
    subject = m.group("x").strip(" ，,、")
    if subject.endswith("的"):
        subject = subject[:-1]
    if not subject or len(subject) > MAX_SUBJECT_CHARS or any(w in subject for w in _QUESTION_WORDS):
        return None
    if any(w in _PREDICATES for w in segmenter.words(subject)):
        return None
    return subject


def _find(haystack: str, needle: str, start: int = 0) -> int:
    """Where `needle` is in `haystack`, both folded (case, Traditional script): a Traditional question's words are
    found in it whatever form the segmenter returns them in."""
    return fold(haystack).find(fold(needle), start)


def _span(text: str, old: str) -> tuple[int, int]:
    at = _find(text, old)
    return at, at + len(old)


def _atom_swap(subject: str, previous: str) -> Edit | None:
    """"2017年" / "B轮" / "10亿元以上" against the previous question's number or code with the same unit after it."""
    m = _ATOM.search(subject)
    before, unit = subject[:m.start()], subject[m.end():] if m else ""
    for suffix in _SUFFIXES:
        unit = unit.removesuffix(suffix)
    if m is None or (before and before not in previous):
        return None
    kind = str.isdigit if m.group()[0].isdigit() else str.isalpha
    for old in _ATOM.finditer(previous):
        if kind(old.group()[0]) and previous[old.end():].startswith(unit) and (unit or not before):
            return None if old.group() == m.group() else (old.start(), old.end(), m.group())
    return None


def _is_code(subject: str) -> bool:
    """A number, or a short Latin code with a unit after it ("B轮"), as opposed to a Latin name ("Momenta")."""
    m = _ATOM.search(subject)
    return bool(m) and (m.group()[0].isdigit() or (len(m.group()) <= 2 and m.end() < len(subject)))


def _entities(text: str, segmenter: Segmenter) -> list[tuple[str, bool]]:
    """(entity, is a place) of `text`, in order: names by jieba POS, scope words, and the corpus's own untagged
    words that name something (its table's company names: 地平线, 青云), generic terms ("人工智能企业") aside."""
    names = {fold(n) for n in segmenter.names(text)}
    own = {e.strip() for e in segmenter.vocabulary if " " not in e.strip() and CORPUS_ALIAS not in e}
    out: list[tuple[str, bool]] = []
    for word, flag in segmenter.tagged(text):
        if _find(text, word) < 0:
            continue
        if word in own and not word.endswith(GENERIC_HEADS):
            out.append((word, word[-1] in _PLACE_ENDINGS))
        elif fold(word) in names or word in SCOPE_WORDS:
            out.append((word, flag == "ns" or word in SCOPE_WORDS or word[-1] in _PLACE_ENDINGS))
    return out


def _shared_head(subject: str, previous: str, segmenter: Segmenter) -> tuple[int, int] | None:
    """"安防领域" after "医疗领域的…": the previous question's phrase with the same head word (领域), whose
    modifier (医疗) the subject replaces."""
    words = segmenter.words(subject)
    if len(words) < 2 or len(words[-1]) < 2:
        return None
    head = words[-1]
    prev_words = segmenter.words(previous)
    for i, word in enumerate(prev_words):
        if word == head and i > 0 and prev_words[i - 1] not in segmenter.stopwords:
            phrase = prev_words[i - 1] + word
            return _span(previous, phrase) if _find(previous, phrase) >= 0 else None
    return None


def _same_suffix(subject: str, previous: str, segmenter: Segmenter) -> tuple[int, int] | None:
    """A term of the previous question ending like the subject (朝阳区/海淀区, 天使轮/A轮, 商汤科技/旷视科技)."""
    terms = [m.group() + previous[m.end()] for m in _ATOM.finditer(previous)
             if not m.group()[0].isdigit() and m.end() < len(previous)]  # "A" + "轮"
    terms += segmenter.content_terms(previous)
    for term in terms:
        if len(term) > 1 and fold(term)[-1] == fold(subject)[-1] and fold(term) != fold(subject) \
                and _find(previous, term) >= 0:
            return _span(previous, term)
    return None


def _entity_swap(subject: str, previous: str, segmenter: Segmenter) -> tuple[int, int] | None:
    """The previous question's entity of the subject's kind (place or other) that the subject replaces."""
    mine = _entities(subject, segmenter)
    if len(mine) != 1 or len(mine[0][0]) < len(subject) - 1:
        return None  # the subject is not (essentially) one name
    place = mine[0][1]
    theirs = [word for word, is_place in _entities(previous, segmenter) if is_place == place]
    return _span(previous, theirs[0]) if theirs else None


def _noun_phrase_modifier(previous: str, segmenter: Segmenter) -> tuple[int, int] | None:
    """The modifier part of the previous question's first run of adjacent content terms.

    "计算机视觉企业有多少家" → 计算机视觉 (the head noun 企业 stays); a run of one term is replaced whole.
    """
    pos = 0
    located: list[tuple[int, int]] = []
    for term in segmenter.content_terms(previous):
        at = _find(previous, term, pos)
        if at < 0:
            continue
        located.append((at, len(term)))
        pos = at + len(term)
    if not located:
        return None
    run = [located[0]]
    for at, length in located[1:]:
        if at != run[-1][0] + run[-1][1]:
            break
        run.append((at, length))
    if len(run) > 1:
        run = run[:-1]
    return run[0][0], run[-1][0] + run[-1][1]


def _resolve(subject: str, previous: str, segmenter: Segmenter) -> Edit | None:
    """Where in the previous question the subject goes (the span of its term of the same kind), or None."""
    if _find(previous, subject) >= 0:
        return None  # X is already there: "海淀区呢" after a question about 海淀区 adds nothing to rewrite
    if _is_code(subject):
        return _atom_swap(subject, previous)
    if _entities(subject, segmenter):
        span = _same_suffix(subject, previous, segmenter) or _entity_swap(subject, previous, segmenter)
    elif _entities(previous, segmenter):
        # "成立时间呢" after a question about 寒武纪: which of its terms goes is a guess, unless one ends alike
        span = _shared_head(subject, previous, segmenter) or _same_suffix(subject, previous, segmenter)
    else:
        span = (_shared_head(subject, previous, segmenter) or _same_suffix(subject, previous, segmenter)
                or _noun_phrase_modifier(previous, segmenter))
    return (*span, subject) if span else None


def rewrite_followup(question: str, previous: str | None, segmenter: Segmenter) -> str:
    """The question to ask: `question` itself, or the previous question with the follow-up's subject in it."""
    if not previous or not previous.strip():
        return question
    subject = elliptic_subject(question, segmenter)
    if subject is None:
        return question
    prev = previous.strip()
    norm = nfkc(prev)  # subjects are NFKC; positions are found in the same form, the rest keeps the user's
    edit = _resolve(subject, norm, segmenter)
    if edit is None:
        return question
    start, end, new = edit
    base = prev if len(prev) == len(norm) else norm
    return base[:start] + new + base[end:]
