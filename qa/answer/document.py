"""Questions about the document itself, answered from its structure: what a figure or table shows, what a part
is titled and covers.

"图3画的是什么？" has no sentence that answers it — the answer is the caption ("图 3 2019年北京人工智能企业区域分布")
and the sentences that point to the figure ("详见图1"). "报告的第二部分讲的是什么？" is answered with the second
top-level heading and the sub-sections under it. Both are read from what ingest recorded (caption and table-title
passages, section paths), so they work for any report with numbered figures and headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.context import AnswerContext
from qa.answer.features import bigrams
from qa.answer.tables import Marker, Say, wording
from qa.ingest.values import find_date
from qa.text import normal_form
from qa.types import Passage, PassageKind

_CN_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九十")}
_NUMBER = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
#: "图3", "表一" — not the 一 of a word after 图 or 表 ("分布图一共统计了…", "列表一般…").
_FIGURE_ASKED = re.compile(rf"([图表])\s*(?!一(?:共|起|下|些|般|直|定|样)){_NUMBER}(?!\d)")
_PART_WORDS = r"(?:部分|章|大部分|篇|大块|块|板块)"
_PART_ASKED = re.compile(rf"第\s*{_NUMBER}\s*{_PART_WORDS}")
#: A sub-section of a numbered part ("第一部分第3小节", "第二章的第一节").
_SUBPART_ASKED = re.compile(rf"第\s*{_NUMBER}\s*{_PART_WORDS}(?:的|里|中|里面)?第\s*{_NUMBER}\s*(?:小节|节|部分|块|点|条)")
_ITEM_ASKED = re.compile(rf"第\s*{_NUMBER}\s*(条|点|项)")
#: Character pairs a section heading must share with the question to be the one it names ("对策建议的第二条":
#: 对策, 策建, 建议): one pair is a word in common, not a name.
MIN_SHARED_PAIRS = 2
#: The question asks what the thing is or shows ("图3是哪一年的什么分布图" too: what kind of chart), not for a value
#: inside it ("表1里哪家融资最多" is a table
#: operation, "图2中2018年融资多少" a sentence question, "表1里哪家成立得最晚，是什么时候？" asks when: 什么时候).
_WHAT = re.compile(r"(?:是|讲|说明|说|聊|谈|写|画|列|展示|显示|表明|反映|体现|描述|呈现|表现|表达|介绍|关于|统计|标题|题目|名字|叫)"
                   r"(?:的|了|着)?(?:是)?"
                   r"(?:一[份个张幅种])?"
                   r"(?:(?:什么|啥)(?!时候|时间)|哪方面|何(?!时))"
                   r"|(?:什么|啥|哪些)(?:内容|信息|数据|主题|情况)|(?:什么|啥)(?:样的?)?(?:分布|统计)?[图表]"
                   r"|主要(?:内容|讲|说|是)|标题|题目")


#: A value asked of a figure or table as a whole that its caption may state: a count of a measure word
#: ("图1统计的是多少家企业" ← "图 1 …（442 家获得融资的 AI 企业）") or the date its data run to ("表1的数据截止到什么
#: 时候" ← "表 1 …（截止 2019.3）"). Not which row ("表1里哪家…"): that is the table's.
_CAPTION_VALUE = re.compile(r"(?:多少|几)(?P<unit>[家个项位所条名])|截[止至]|统计到|为止")
_ROW_ASKED = re.compile(r"哪[家个些位]|谁")


def _states_asked(caption: Passage, asked: re.Match[str]) -> bool:
    """The caption states a value of the kind asked: a count of its measure word, or a date."""
    if not asked["unit"]:
        return find_date(caption.text) is not None
    return re.search(rf"\d+\s*{asked['unit']}", caption.text) is not None


#: The document itself as a question names it ("这份报告", "全文").
_DOCUMENT = r"(?:这份|这篇|整份|整篇|本)?(?:报告|全文|文章|本文|文档|白皮书)"
#: The question asks how the document is divided ("报告一共分几个部分", "报告的目录"): a count or list of parts
#: right after the document's name — not "报告说…弱在哪几块", where the parts belong to what the report says.
_OUTLINE_ASKED = re.compile(
    rf"{_DOCUMENT}(?:的|里|中|一共|总共|共|都|主要|大概|整体)*(?:分为|分成|分|包括|包含|有|由)?了?"
    rf"(?:几|多少|哪几|哪些)(?:个|大)?{_PART_WORDS}|{_DOCUMENT}的?(?:目录|大纲|提纲|章节|结构|框架)")


@dataclass(frozen=True)
class DocumentAnswer:
    text: str


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if len(text) == 3 or text.endswith("十"):
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[text[2]] if len(text) == 3 else 0)
    return _CN_DIGITS[text[0]]


def _labelled(passages: tuple[Passage, ...], kind: str, number: int) -> Passage | None:
    """The caption ("图 3 …") or table title ("表 1 …") with this number."""
    wanted = PassageKind.CAPTION if kind == "图" else PassageKind.TABLE_TITLE
    label = re.compile(rf"^{kind}\s*{number}(?!\d)")
    return next((p for p in passages if p.kind is wanted and label.match(p.text)), None)


def _pointing(passages: tuple[Passage, ...], kind: str, number: int) -> tuple[Passage, str] | None:
    """The first statement of the text that refers to the figure or table ("详见图1", "如表1所示")."""
    pointer = re.compile(rf"{kind}\s*{number}(?!\d)")
    for p in passages:
        if p.kind is PassageKind.TEXT:
            for s in p.statements:
                if pointer.search(s):
                    return p, s
    return None


def _figure(kind: str, number: int, passages: tuple[Passage, ...], cites: Marker, say: Say) -> DocumentAnswer | None:
    caption = _labelled(passages, kind, number)
    if caption is None:
        return None
    title = re.sub(rf"^{kind}\s*{number}\s*", "", caption.text.split("\n")[0]).strip()
    text = say(f"{kind} {number} 是") + f"“{title}”{cites.mark(caption)}。"
    pointed = _pointing(passages, kind, number)
    if pointed is not None:
        text += say("正文中提到：") + f"{pointed[1].strip()}{cites.mark(pointed[0])}"
    return DocumentAnswer(text)


def _tops(passages: tuple[Passage, ...]) -> list[tuple[str, Passage]]:
    """The document's top-level headings in order, each with the first passage under it."""
    tops: dict[str, Passage] = {}
    for p in passages:
        if p.section and p.kind in (PassageKind.TEXT, PassageKind.HEADING):
            tops.setdefault(p.section[0], p)
    return list(tops.items())


def _top(number: int, passages: tuple[Passage, ...]) -> tuple[str, Passage] | None:
    """The document's `number`-th top-level heading and the first passage under it."""
    tops = _tops(passages)
    return tops[number - 1] if 1 <= number <= len(tops) else None


def _outline(passages: tuple[Passage, ...], cites: Marker, say: Say) -> DocumentAnswer | None:
    """The top-level headings in order ("报告共 3 部分：一、…[1]；二、…[2]；三、…[3]。"); None for a document
    without headings."""
    tops = _tops(passages)
    if not tops:
        return None
    parts = "；".join(f"{heading.rstrip('。；;，,')}{cites.mark(p)}" for heading, p in tops)
    return DocumentAnswer(say(f"报告共 {len(tops)} 部分：") + f"{parts}。")


def _part(number: int, passages: tuple[Passage, ...], context: AnswerContext, cites: Marker,
          say: Say) -> DocumentAnswer | None:
    top = _top(number, passages)
    if top is None:
        return None
    heading, opening = top
    text = say(f"报告第{number}部分是") + f"“{heading}”{cites.mark(opening)}"
    children = context.sections.get((heading,), {})
    if children:
        text += say("，包括：") + "；".join(f"{name.rstrip('。；;，,')}{cites.mark(p)}" for name, p in children.items())
    return DocumentAnswer(text + "。")


def _subpart(number: int, sub: int, passages: tuple[Passage, ...], context: AnswerContext, cites: Marker,
             say: Say) -> DocumentAnswer | None:
    """The `sub`-th section under the `number`-th top-level heading ("第一部分第3小节" → "3、融资情况良好…")."""
    top = _top(number, passages)
    children = list(context.sections.get((top[0],), {}).items()) if top is not None else []
    if not 1 <= sub <= len(children):
        return None
    name, passage = children[sub - 1]
    return DocumentAnswer(say(f"报告第{number}部分") + f"“{top[0]}”" + say(f"的第{sub}节是")
                          + f"“{name.rstrip('。；;，,')}”{cites.mark(passage)}。")


def _item(number: int, unit: str, question: str, context: AnswerContext, cites: Marker,
          say: Say) -> DocumentAnswer | None:
    """The n-th item of the section the question names by its heading's words ("对策建议的第二条主要讲啥？" →
    "2、加大高端人工智能人才引进和企业支持力度"): the section with n items or more whose heading shares the most
    character pairs with the question, at least `MIN_SHARED_PAIRS` (the asked "第二条" is taken out of the question
    first, so a heading's own numbering "三、" matches nothing)."""
    asked = bigrams(normal_form(_ITEM_ASKED.sub(" ", question)))
    best: tuple[int, tuple[str, ...]] | None = None
    for prefix, children in context.sections.items():
        shared = len(bigrams(normal_form(prefix[-1])) & asked)
        if len(children) >= number and shared >= MIN_SHARED_PAIRS and (best is None or shared > best[0]):
            best = (shared, prefix)
    if best is None:
        return None
    heading = best[1][-1]
    name, passage = list(context.sections[best[1]].items())[number - 1]
    return DocumentAnswer(f"“{heading}”" + say(f"的第{number}{unit}是") + f"“{name.rstrip('。；;，,')}”{cites.mark(passage)}。")


def answer_about_document(question: str, context: AnswerContext, cites: Marker, source: str | None,
                          traditional: bool) -> DocumentAnswer | None:
    """The answer to a question about how the document is divided, or about a numbered figure, table, part or
    item of it; None for other questions. `source`: the document asked about (of a corpus of several, the one the
    question retrieves first — figure and part numbers restart in each document); the assistant's own words are in
    the question's script (`traditional`), what it quotes stays verbatim."""
    say = wording(traditional)

    def own() -> tuple[Passage, ...]:
        """The asked document's passages — gathered only for a document question: a corpus of 100,000 passages
        would otherwise be walked for every question."""
        return tuple(p for p in context.passages if source is None or p.source == source)

    if _OUTLINE_ASKED.search(question):
        return _outline(own(), cites, say)
    if (m := _FIGURE_ASKED.search(question)) and (asked := _CAPTION_VALUE.search(question)) \
            and not _ROW_ASKED.search(question):
        caption = _labelled(own(), m[1], _number(m[2]))
        if caption is not None and _states_asked(caption, asked):
            return _figure(m[1], _number(m[2]), own(), cites, say)
    if not _WHAT.search(question):
        return None
    if m := _FIGURE_ASKED.search(question):
        return _figure(m[1], _number(m[2]), own(), cites, say)
    if m := _SUBPART_ASKED.search(question):
        return _subpart(_number(m[1]), _number(m[2]), own(), context, cites, say)
    if m := _PART_ASKED.search(question):
        return _part(_number(m[1]), own(), context, cites, say)
    if m := _ITEM_ASKED.search(question):
        return _item(_number(m[1]), m[2], question, context, cites, say)
    return None
