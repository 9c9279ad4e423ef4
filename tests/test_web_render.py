"""Chat HTML: text from users and the corpus is inert; [n] markers, sources and highlights are ours."""

from __future__ import annotations

import html
import re

from qa.pipeline import Assistant
from qa.segment.tokenizer import get_segmenter
from qa.types import Answer, Citation
from qa.web.render import highlight, highlight_terms, render_answer, render_user, safe_text

ALLOWED_TAGS = {"div", "sup", "details", "summary", "span", "mark", "br"}


def tags(fragment: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z][\w-]*)", fragment)}


def test_safe_text_leaves_no_markup_or_markdown() -> None:
    evil = '<img src=x onerror="alert(1)"><script>x</script>[a](javascript:1) **b** `c` $$d$$ # e | f ~~g~~'
    out = safe_text(evil)
    assert tags(out) == set()
    assert not re.search(r"[<>\"'`*_\[\]()#|~$]", re.sub(r"&#?\w+;", "", out))
    assert html.unescape(out) == evil


def test_highlight_marks_terms_case_insensitively_and_escapes_the_rest() -> None:
    out = highlight("Geek+ 在海淀区 <b>62.44%</b>", ["geek+", "海淀区", "62.44%"])
    assert out.count('<mark class="qa-hit">') == 3
    assert '<mark class="qa-hit">Geek&#43;</mark>' in out
    assert tags(out) <= {"mark"}


def test_rendered_answer_uses_only_fixed_tags(assistant: Assistant) -> None:
    answer = assistant.ask("海淀区的人工智能企业占比多少？")
    out = render_answer(answer, assistant.segmenter, asked_as="海淀区<b>?")
    assert tags(out) <= ALLOWED_TAGS
    assert '<sup class="qa-ref">&#91;1&#93;</sup>' in out
    assert out.count('<details class="qa-source"') == len(answer.citations)
    assert '<mark class="qa-hit">海淀区</mark>' in out
    assert "\n" not in out  # one raw-HTML block for Markdown


def test_corpus_or_question_text_cannot_inject() -> None:
    evil = '<iframe src="http://203.0.113.9/"></iframe>'
    answer = Answer(question=evil, answer=f"{evil}[1]", answered=True, citations=[
        Citation(n=1, id="x", source=evil, section=evil, text=evil, score=0.1)])
    out = render_answer(answer, get_segmenter())
    assert "iframe" not in tags(out) and "<iframe" not in out
    assert tags(render_user(evil)) == set()


def test_highlight_terms_prefer_longer_words() -> None:
    terms = highlight_terms("海淀区的人工智能企业占比多少？", get_segmenter(("人工智能企业",)))
    assert "人工智能企业" in terms and terms.index("人工智能企业") < terms.index("企业")
    assert all(len(t) >= 2 for t in terms)
