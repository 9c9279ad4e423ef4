"""Safe HTML for the chat: answers with [n] markers, numbered collapsible sources, matched terms highlighted.

Every piece of text that comes from a user or from the corpus goes through `safe_text`: HTML-escaped, and the
characters Markdown or LaTeX would act on turned into numeric entities, so the chat (which renders Markdown and
HTML) shows them literally. The only tags on the page are the fixed ones written here.
Each message is one line without blank lines, so Markdown treats it as one raw HTML block and leaves it alone.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable

from qa.segment.tokenizer import Segmenter
from qa.types import Answer

#: Characters Markdown (links, emphasis, code, headings, tables, escapes) or LaTeX ($) would interpret.
_MARKDOWN_ACTIVE = {c: f"&#{ord(c)};" for c in "\\`*_[]()#+-!|~$<>{}:="}
_REF = re.compile(r"\[(\d{1,2})\]")


def safe_text(text: str) -> str:
    """Plain text → inert HTML: escaped, Markdown/LaTeX characters as entities, line breaks as <br>."""
    out = "".join(_MARKDOWN_ACTIVE.get(ch) or html.escape(ch, quote=True) for ch in str(text))
    return out.replace("\r\n", "\n").replace("\n", "<br>")


def highlight_terms(question: str, segmenter: Segmenter) -> list[str]:
    """Words of the question worth marking in a passage: content words and their search-mode parts (≥ 2 chars,
    or a number / Latin word), longest first so 人工智能企业 wins over 人工智能."""
    terms = set(segmenter.content_terms(question)) | set(segmenter.index_tokens(question))
    keep = {t for t in terms if len(t) >= 2 or t.isalnum() and t.isascii()}
    return sorted(keep, key=lambda t: (-len(t), t))


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
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return _escape_around(text, pattern, lambda m: f'<mark class="qa-hit">{safe_text(m.group())}</mark>')


def _with_refs(answer_text: str) -> str:
    """Safe answer text whose [n] markers become small reference badges."""
    return _escape_around(answer_text, _REF, lambda m: f'<sup class="qa-ref">&#91;{int(m.group(1))}&#93;</sup>')


def render_answer(answer: Answer, segmenter: Segmenter, asked_as: str | None = None) -> str:
    """The assistant's chat message: answer, optional "understood as" note, then the numbered sources."""
    cls = "qa-answer" if answer.answered else "qa-answer qa-unanswered"
    out = [f'<div class="{cls}">{_with_refs(answer.answer)}</div>']
    if asked_as:
        out.append(f'<div class="qa-note">按上文理解为：{safe_text(asked_as)}</div>')
    if answer.citations:
        terms = highlight_terms(answer.question, segmenter)
        title = "引用来源" if answer.answered else "最接近的段落"
        out.append(f'<div class="qa-sources"><div class="qa-sources-title">{title}</div>')
        used = {int(n) for n in _REF.findall(answer.answer)}
        for c in answer.citations:
            where = safe_text(c.source) + (f" · {safe_text(c.section)}" if c.section else "")
            is_open = " open" if c.n in used or (not used and c.n == 1) else ""
            out.append(
                f'<details class="qa-source"{is_open}><summary><span class="qa-n">&#91;{int(c.n)}&#93;</span> '
                f'<span class="qa-where">{where}</span></summary>'
                f'<div class="qa-passage">{highlight(c.text, terms)}</div></details>'
            )
        out.append("</div>")
    out.append(f'<div class="qa-meta">用时 {answer.latency_ms:.0f} 毫秒</div>')
    return "".join(out)


def render_error(message: str) -> str:
    return f'<div class="qa-error">{safe_text(message)}</div>'


def render_user(text: str) -> str:
    return safe_text(text)
