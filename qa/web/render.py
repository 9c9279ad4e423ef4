"""Safe HTML for the chat: the answer card (short answer, quoted sentences with clickable [n], source cards with
the cited sentence marked, a toolbar for copy and feedback).

Every piece of text that comes from a user or from the corpus goes through `safe_text`: HTML-escaped, and the
characters Markdown or LaTeX would act on turned into numeric entities, so the chat (which renders Markdown and
HTML) shows them literally. The only tags on the page are the fixed ones written here. Gradio's sanitizer drops
`data-*` and `aria-*` attributes, so what the page script (`static/chat.js`) needs is carried by classes, ids
and hidden elements. Each message is one line without blank lines, so Markdown treats it as one raw HTML block.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import PurePosixPath
from typing import Callable, Iterable

from qa.segment.tokenizer import Segmenter
from qa.text import CAPTION, TRAILING_PUNCT, clauses, split_sentences
from qa.types import Answer, Citation

#: Characters Markdown (links, emphasis, code, headings, tables, escapes) or LaTeX ($) would interpret.
_MARKDOWN_ACTIVE = {c: f"&#{ord(c)};" for c in "\\`*_[]()#+-!|~$<>{}:="}
_REF = re.compile(r"\[(\d{1,2})\]")
#: Clauses shorter than this are not marked on their own (a "62.44%" alone would mark the wrong place).
_MIN_MARKED_CLAUSE = 4
#: A short answer this share of the quote's first sentence or more is not printed above it.
LONG_SHORT_SHARE = 0.6
#: Characters of a passage shown after its label when two sources would otherwise read the same.
_EXCERPT_CHARS = 16


def safe_text(text: str) -> str:
    """Plain text → inert HTML: escaped, Markdown/LaTeX characters as entities, line breaks as <br>."""
    out = "".join(_MARKDOWN_ACTIVE.get(ch) or html.escape(ch, quote=True) for ch in str(text))
    return out.replace("\r\n", "\n").replace("\n", "<br>")


def highlight_terms(question: str, segmenter: Segmenter) -> list[str]:
    """Words of the question worth marking in a passage: content words and their search-mode parts of at least two
    characters (a lone "1" from "表1" would mark every row's digits), longest first so 人工智能企业 wins over 人工智能."""
    terms = set(segmenter.content_terms(question)) | set(segmenter.index_tokens(question))
    return sorted((t for t in terms if len(t) >= 2), key=lambda t: (-len(t), t))


def _term_pattern(term: str) -> str:
    """A term as a regex; a number or Latin word only as a whole ("20" not inside "2010", "ai" not inside "mail")."""
    escaped = re.escape(term)
    if term[0].isascii() and term[0].isalnum():
        escaped = r"(?<![0-9A-Za-z.])" + escaped
    if term[-1].isascii() and term[-1].isalnum():
        escaped += r"(?![0-9A-Za-z]|\.[0-9])"
    return escaped


def _escape_around(text: str, pattern: re.Pattern[str], markup: Callable[[re.Match[str]], str]) -> str:
    """`text` made safe, each match of `pattern` replaced by the page's own markup for it."""
    parts: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        parts.append(safe_text(text[last:m.start()]))
        parts.append(markup(m))
        last = m.end()
    parts.append(safe_text(text[last:]))
    return "".join(parts)


def highlight(text: str, terms: Iterable[str]) -> str:
    """`text` made safe, with every occurrence of a term wrapped in <mark> (matching is case-insensitive)."""
    terms = [t for t in terms if t]
    if not terms:
        return safe_text(text)
    pattern = re.compile("|".join(_term_pattern(t) for t in terms), re.IGNORECASE)
    return _escape_around(text, pattern, lambda m: f'<mark class="qa-hit">{safe_text(m.group())}</mark>')


def quoted_by_citation(answer_text: str) -> dict[int, list[str]]:
    """For each citation number, the pieces of the answer written before its [n] markers (what it vouches for)."""
    quoted: dict[int, list[str]] = {}
    last = 0
    for m in _REF.finditer(answer_text):
        piece = answer_text[last:m.start()].strip().strip(TRAILING_PUNCT).strip()
        if piece:
            quoted.setdefault(int(m.group(1)), []).append(piece)
        last = m.end()
    return quoted


def cited_spans(passage: str, quoted: Iterable[str]) -> list[tuple[int, int]]:
    """Where the quoted answer pieces stand in the passage: the whole piece when it is verbatim, else each of
    its clauses found verbatim (an answer may join clauses or close a span with "。"). Sorted, not overlapping."""
    spans: list[tuple[int, int]] = []
    for piece in quoted:
        for line in piece.split("\n"):
            line = line.strip().strip(TRAILING_PUNCT).strip()
            at = passage.find(line) if line else -1
            if at >= 0:
                spans.append((at, at + len(line)))
                continue
            for clause in clauses(line):
                clause = clause.strip().strip(TRAILING_PUNCT).strip()
                at = passage.find(clause) if len(clause) >= _MIN_MARKED_CLAUSE else -1
                if at >= 0:
                    spans.append((at, at + len(clause)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` made safe with the given (start, end) spans wrapped in <mark class="qa-cited">."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [safe_text(text[last:start]), f'<mark class="qa-cited">{safe_text(text[start:end])}</mark>']
        last = end
    out.append(safe_text(text[last:]))
    return "".join(out)


def source_label(c: Citation) -> str:
    """"title · 第N页 · section": what a reader recognises a source by (the file name only when untitled)."""
    title = c.title or PurePosixPath(c.source).stem
    parts = [title] + ([f"第{c.page}页"] if c.page else []) + ([c.section] if c.section else [])
    return " · ".join(parts)


def _ref_id(message: int, n: int) -> str:
    return f"qa-s{message}-{n}"


def _with_refs(answer_text: str, message: int, known: set[int]) -> str:
    """Safe answer text whose [n] markers link to source n of the same message."""
    def ref(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return safe_text(m.group())
        return f'<a class="qa-ref" href="#{_ref_id(message, n)}" title="查看来源 {n}">&#91;{n}&#93;</a>'
    return _escape_around(answer_text, _REF, ref)


def _led(answer: Answer, message: int, known: set[int]) -> str:
    """The answer text, its short answer in bold where the answer leads with it ("海淀区。通过分析…": compose puts a
    short answer that is a small part of the quote before it, and `shown_short_answer` then prints no copy above)."""
    lead = f"{(answer.short_answer or '').strip()}。"
    if len(lead) > 1 and answer.answer.startswith(lead):
        rest = answer.answer[len(lead):]
        return f'<strong class="qa-lead">{safe_text(lead[:-1])}</strong>。{_with_refs(rest, message, known)}'
    return _with_refs(answer.answer, message, known)


def _source_card(c: Citation, label: str, message: int, passage_html: str, is_open: bool) -> str:
    return (f'<details class="qa-source" id="{_ref_id(message, c.n)}"{" open" if is_open else ""}>'
            f'<summary><span class="qa-n">&#91;{int(c.n)}&#93;</span> <span class="qa-where">{safe_text(label)}</span>'
            f'</summary><div class="qa-passage">{passage_html}</div></details>')


def _labels(citations: list[Citation]) -> dict[int, str]:
    """Each source's label; two sources with the same label are told apart by their opening words."""
    base = {c.n: source_label(c) for c in citations}
    counts: dict[str, int] = {}
    for label in base.values():
        counts[label] = counts.get(label, 0) + 1
    return {c.n: base[c.n] if counts[base[c.n]] == 1
            else f"{base[c.n]} · “{c.text.strip()[:_EXCERPT_CHARS]}…”" for c in citations}


def shown_citations(answer: Answer) -> list[Citation]:
    """The sources worth listing: figure captions nobody cited are left out (they name a chart no one sees)."""
    quoted = quoted_by_citation(answer.answer)
    return [c for c in answer.citations if c.n in quoted or not CAPTION.match(c.text.strip())]


def shown_short_answer(answer: Answer) -> str | None:
    """The short answer worth printing above the quote: none when the quote already opens with it, or when it is
    most of the quote's first sentence (then it would only print the same words twice)."""
    short = (answer.short_answer or "").strip()
    if not short:
        return None
    quote = _REF.sub("", answer.answer).strip()
    first = (split_sentences(quote) or [""])[0]
    if quote.startswith(short) or (short in first and len(short) >= LONG_SHORT_SHARE * len(first)):
        return None
    return short


def plain_text(answer: Answer) -> str:
    """What 复制 copies and what screen readers read: the answer with its [n] markers, then the sources."""
    short = shown_short_answer(answer)
    lines = [short, answer.answer] if short else [answer.answer]
    shown = shown_citations(answer)
    if shown:
        labels = _labels(shown)
        lines += ["", "来源：" if answer.answered else "最接近的段落："]
        lines += [f"[{c.n}] {labels[c.n]}" for c in shown]
    return "\n".join(lines)


def _sources(answer: Answer, segmenter: Segmenter, message: int) -> str:
    """Cited sources first (opened, the quoted sentence marked); the rest behind one "more" toggle."""
    quoted = quoted_by_citation(answer.answer)
    shown = shown_citations(answer)
    if not shown:
        return ""
    labels = _labels(shown)
    terms: list[str] | None = None
    cited, others = [], []
    for c in shown:
        spans = cited_spans(c.text, quoted.get(c.n, ()))
        if spans:
            body = mark_spans(c.text, spans)
        else:  # nothing quoted from it verbatim: show where the question's words are
            terms = terms if terms is not None else highlight_terms(answer.question, segmenter)
            body = highlight(c.text, terms)
        is_cited = c.n in quoted or (not quoted and c is shown[0])  # a refusal opens its nearest passage
        (cited if is_cited else others).append(_source_card(c, labels[c.n], message, body, is_open=is_cited))
    title = "引用来源" if answer.answered else "最接近的段落"
    out = [f'<div class="qa-sources"><div class="qa-sources-title">{title}</div>', *cited]
    if others:
        out.append(f'<details class="qa-more"><summary>另有 {len(others)} 个相关段落</summary>'
                   f'{"".join(others)}</details>')
    out.append("</div>")
    return "".join(out)


def render_answer(answer: Answer, segmenter: Segmenter, asked_as: str | None = None, message: int = 0,
                  typed: str | None = None) -> str:
    """The assistant's chat message as one card: short answer (bold), the quoted sentences with clickable [n],
    an optional "understood as" note (`asked_as`, given only when a follow-up was rewritten), the source cards, then
    the toolbar (copy, 👍/👎) and the time taken. A hidden `.qa-data` element holds the answer object — as
    `/api/ask` returns it: `question` as typed, `asked_as` as answered — and the plain text for the page script.
    `message` is the message's position in the chat, which keeps the [n] → source links unique on the page."""
    known = {c.n for c in answer.citations}
    cls = "qa-answer" if answer.answered else "qa-answer qa-unanswered"
    shown = {**answer.to_json(), "question": typed or answer.question, "asked_as": answer.question}
    data = json.dumps({"answer": shown, "copy": plain_text(answer)}, ensure_ascii=False)
    out = ['<div class="qa-card" role="article">', f'<span class="qa-data" hidden>{safe_text(data)}</span>']
    short = shown_short_answer(answer)
    if short:
        out.append(f'<div class="qa-short">{safe_text(short)}</div>')
    out.append(f'<div class="{cls}">{_led(answer, message, known)}</div>')
    if asked_as:
        out.append(f'<div class="qa-note">按上文理解为：{safe_text(asked_as)}</div>')
    out.append(_sources(answer, segmenter, message))
    # 👍/👎 as words: intranet Linux desktops often have no emoji font and would show empty boxes.
    # Every control is its own Tab stop, [n] links included: nothing needs a key a reader has to guess.
    out.append('<div class="qa-actions"><button type="button" class="qa-copy">复制</button>'
               '<button type="button" class="qa-vote qa-up" title="这个回答有用">有用</button>'
               '<button type="button" class="qa-vote qa-down" title="这个回答有误">有误</button></div>')
    out.append(f'<div class="qa-meta">用时 {answer.latency_ms:.0f} 毫秒</div></div>')
    return "".join(out)


def render_error(message: str) -> str:
    return f'<div class="qa-error">{safe_text(message)}</div>'


def render_user(text: str) -> str:
    return safe_text(text)
