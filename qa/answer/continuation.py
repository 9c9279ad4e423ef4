"""Whether the answer goes on after the chosen sentence: a learned continuation decision.

The chosen sentence is often where the answer starts, not all of it: "五是企业经营成本和资金压力大。" names a problem and
the next sentence gives its reasons; "在沧龙类中，浮龙具有数个独有特征。" announces features the next sentence lists;
a CMRC 2018 answer may run over two sentences. For the sentence after the quote, the model (`models/continuation.json`,
logistic regression trained by `scripts/train_answerer.py` on the trial set's answers that run on and the report dev
questions whose keys sit in following sentences) gives P(it belongs to the answer) from features that carry across
texts: what the question asks (why/how/list), whether the quote only restates the question (its novelty), whether it
announces ("：") or opens an item ("五是…"), whether the next sentence starts a new item or heading, continues
("例如", "其", "由于" …) or matches the question itself. Sentences are added while P > 0.5 (more likely part of the
answer than not), at most `MAX_ADDED` of them within `MAX_ADDED_CHARS`. The cue words are matched on the Simplified
characters of the text, so a Traditional report's "由於…" and "五是…" continue as "由于…" and "五是…" do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from qa.answer.candidates import Candidate, next_statement, previous_statement
from qa.answer.context import AnswerContext
from qa.answer.features import Question, novelty
from qa.answer.model import Model, bundled_model
from qa.understand.kind import Kind
from qa.text import CHAPTER, LIST_ITEM, SECTION, SUB_ITEM, normal_form, simplified_chars
from qa.types import Passage

MAX_ADDED = 2
MAX_ADDED_CHARS = 200
#: P(the next sentence belongs to the answer) above which it is quoted too.
CONTINUE_ABOVE = 0.5
_ITEM = (CHAPTER, SECTION, LIST_ITEM, SUB_ITEM, re.compile(r"^(?:首先|其次|再次|最后|第[一二三四五六七八九十]+)"))
_GOES_ON = re.compile(r"^(?:例如|比如|譬如|如|其|该|这|此|它|他|她|对于|由于|因为|因此|所以|因而|从而|同时|此外|另外|并且|"
                      r"而且|但|但是|然而|不过|主要|包括|具体|即|也|还|又|并)")

#: A sentence that states the reason for the one before it ("其原因是，…", "这是因为…"): for a why-question it is
#: the answer itself, whatever the model says (why-questions whose answer runs on are too rare in the data).
_GIVES_REASON = re.compile(r"^(?:其原因|原因是|原因在于|主要原因|这是因为|这主要是因为|是因为|因为|由于|究其原因)")

#: A question asking why a claim is made ("为什么说…", "凭什么说…"): its answer is what supports the claim.
_ASKS_WHY_SAID = re.compile(r"(?:为什么|为何|凭什么|凭啥|为啥|何以)(?:会|要)?说")
#: Words or figures by which a sentence gives a reason or support itself ("…占比达73.28%，大多数…仍处于初创期").
_REASONS = re.compile(r"因为|由于|原因|因此|所以|因而|从而|可以看出|可见|说明|表明|例如|比如|\d")

#: A sentence that draws its conclusion from the one before it ("可以看出，…", "由此可见…", "这说明…").
_CONCLUDES = re.compile(r"^(?:可以看出|可以看到|由此可见|由此看出|从中可以看出|可见|这说明|这表明|这显示|说明|表明|综上所述|综上|"
                        r"总之|总的来看|因此|所以|因而)")

CONTINUATION_FEATURES: tuple[str, ...] = (
    "why", "how", "list", "announces", "item", "log_length", "novelty", "coverage", "next_coverage", "next_novelty",
    "next_item", "next_goes_on", "next_same_passage", "next_log_length", "added",
)


@dataclass(frozen=True)
class Quoted:
    """One sentence of the answer and the passage it is cited from."""

    text: str
    passage: Passage


def _opens_item(text: str) -> bool:
    return any(p.match(simplified_chars(text.strip())) for p in _ITEM)


def continuation_row(q: Question, quoted: str, following: str, same_passage: bool, added: int) -> list[float]:
    """CONTINUATION_FEATURES of (everything quoted so far, the sentence after it)."""
    norm, next_norm = normal_form(quoted), normal_form(following)
    kind = q.qtype.kind
    return [float(kind is Kind.WHY), float(kind is Kind.HOW), float(kind is Kind.LIST),
            float(quoted.rstrip().endswith(("：", ":"))), float(_opens_item(quoted)), math.log1p(len(norm)),
            novelty(norm, q), q.terms.coverage(norm), q.terms.coverage(next_norm), novelty(next_norm, q),
            float(_opens_item(following)), float(bool(_GOES_ON.match(simplified_chars(following.strip())))),
            float(same_passage),
            math.log1p(len(next_norm)), float(added)]


def _structural(q: Question, chosen: Candidate) -> bool:
    """The document's structure says what follows is the answer: a sentence announcing it ("…如下：", "可以采取："),
    or — for a why/how question — an item or heading ("五是企业经营成本和资金压力大。") whose explanation follows it.
    Neither data set has such answers to learn from (the report dev set has none that run on), so structure decides."""
    text = chosen.text.rstrip()
    return text.endswith(("：", ":")) or (q.qtype.kind in (Kind.WHY, Kind.HOW)
                                          and (chosen.heading or _opens_item(text)))


def _gives_the_reason(q: Question, chosen: str, sentence: str, added: list[Quoted]) -> bool:
    """For a why-question, the sentence right after the chosen one is the answer: it states its reason — or the
    question asks why a claim is made ("为什么说…头部效应越来越明显？") and the chosen sentence only makes it, giving
    no reason or figure of its own ("同时，北京人工智能产业头部效应逐渐显现。"): what follows a claim is its support."""
    if q.qtype.kind is not Kind.WHY or added:
        return False
    return bool(_GIVES_REASON.match(simplified_chars(sentence.strip()))) or (
        bool(_ASKS_WHY_SAID.search(q.norm)) and not _REASONS.search(simplified_chars(chosen)))


#: A question asking for the details of what it names ("产业联盟建起来之后具体要干些啥").
_ASKS_DETAIL = re.compile(r"具体")


def _goes_on_about_it(q: Question, quoted: str, sentence: str, added: list[Quoted]) -> bool:
    """For a how-question, or one asking for details (具体), the statement after a chosen one that a semicolon ends
    is the rest of its sentence — once — when its first clause names again a question term the chosen one names
    ("…实现资源、信息协同共享；" then "依托联盟在行业公共平台、数据库建设、专利保护等方面提供公共服务…": the alliance's
    work goes on). The statements of a sentence are cut at its semicolons (`text.split_statements`; passages are cut between
    sentences, so they share one), and the model never saw such a cut followed by its own subject."""
    if added or not quoted.rstrip().endswith(("；", ";")) or not (
            q.qtype.kind is Kind.HOW or (_ASKS_DETAIL.search(q.norm) and not q.qtype.wants_number)):
        return False  # "具体是多少家" asks an exact number, not details
    first = normal_form(re.split(r"[，,]", sentence, maxsplit=1)[0])
    said = normal_form(quoted)
    return any(q.terms.found(said, t) and (q.terms.found(first, t) or any(p in first for p in q.terms.parts[t]))
               for t in q.terms.weights)  # the term or one of its parts ("联盟" of 产业联盟)


def continued(q: Question, chosen: Candidate, context: AnswerContext, model: Model | None = None) -> list[Quoted]:
    """The sentences after `chosen` that belong to the answer (possibly none): by structure up to the next item or
    heading (an announced list to its end), a why-question's reason sentence, else while the model says so."""
    model = model or bundled_model("continuation", CONTINUATION_FEATURES)
    structural = _structural(q, chosen)
    announces = chosen.text.rstrip().endswith(("：", ":"))
    out: list[Quoted] = []
    quoted, at = chosen.text, next_statement(chosen.passage, chosen.index, context)
    # an announced list runs to its end (within the length budget); other answers take at most MAX_ADDED sentences
    while at is not None and (announces or len(out) < MAX_ADDED):
        passage, index = at
        sentence = passage.statements[index]
        if sum(len(x.text) for x in out) + len(sentence) > MAX_ADDED_CHARS or passage.section != chosen.passage.section:
            break  # a new section is another topic (an outline lists its sub-sections instead)
        if structural:
            # an announced list runs through its items; an item's explanation ends where the next item starts
            if index < len(passage.headings) or (_opens_item(sentence) and not announces):
                break
        elif not _gives_the_reason(q, chosen.text, sentence, out) and not _goes_on_about_it(
                q, quoted, sentence, out) and model.probabilities(np.asarray(
                [continuation_row(q, quoted, sentence, passage is chosen.passage, len(out))],
                dtype=np.float32))[0] <= CONTINUE_ABOVE:
            break
        out.append(Quoted(sentence, passage))
        quoted = f"{quoted}{sentence}"
        at = next_statement(passage, index, context)
    return out


def grounds(q: Question, chosen: Candidate, context: AnswerContext) -> Quoted | None:
    """For a why/how question answered by a sentence that concludes from the one before it (in either script:
    可見 is 可见), that sentence before (in the same section): asked "凭什么说海淀区对AI企业有持续的吸引力", the
    conclusion "可以看出，海淀区对人工智能企业具有持续的吸引力。" only restates what is asked — what it was concluded
    from ("2019年海淀区的占比由60.96%提高到62.44%") is the answer, quoted before it. So is the item a chosen sentence
    details ("政府在税这块能怎么帮AI企业减负？" ← "降低税费外，…如以税收返还等方式支持企业发展": its item "(1)税费减免、
    返还。" names the measure; `_names_item`)."""
    if q.qtype.kind not in (Kind.WHY, Kind.HOW):
        return None
    if _CONCLUDES.match(simplified_chars(chosen.text.strip())):
        return sentence_beside(chosen, -1, context)
    before = sentence_beside(chosen, -1, context)
    return before if before is not None and _names_item(before.text, chosen.text) else None


def _names_item(item: str, chosen: str) -> bool:
    """`item` is a numbered item ("(1)…", "一是…") that only names what the chosen sentence after it details: shorter
    than it, and the chosen sentence opens no item (nor heading) of its own."""
    numbered = any(p.match(simplified_chars(item.strip())) for p in (LIST_ITEM, SUB_ITEM))
    return numbered and len(item) < len(chosen) and not _opens_item(chosen)


def sentence_beside(chosen: Candidate, step: int, context: AnswerContext) -> Quoted | None:
    """The sentence before (`step` −1) or after (+1) the chosen one in its document, when it is in the same section
    (a new section is another topic, as for `continued`); None otherwise."""
    at = (previous_statement if step < 0 else next_statement)(chosen.passage, chosen.index, context)
    if at is None or at[0].section != chosen.passage.section:
        return None
    passage, index = at
    return Quoted(passage.statements[index], passage)
