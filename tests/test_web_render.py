"""Chat HTML: text from users and the corpus is inert; [n] markers, sources and highlights are ours."""

from __future__ import annotations

import html
import json
import re

from qa.pipeline import Assistant
from qa.segment.tokenizer import get_segmenter
from qa.types import Answer, Citation
from qa.web.render import (cited_spans, highlight, highlight_terms, plain_text, quoted_by_citation, render_answer,
                           render_user, safe_text, shown_citations)

ALLOWED_TAGS = {"div", "a", "button", "details", "summary", "span", "mark", "br"}


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
    assert re.search(r'<a class="qa-ref" href="#qa-s0-1"[^>]*>&#91;1&#93;</a>', out)   # [1] links to source 1
    assert 'id="qa-s0-1" open' in out
    assert out.count('<details class="qa-source"') == len(shown_citations(answer))
    assert re.search(r'<mark class="qa-cited">[^<]*62\.44%', out)               # the quoted sentence is marked
    assert re.findall(r"href=\"([^\"]*)\"", out) == [f"#qa-s0-{n}" for n in (1,)] * out.count('class="qa-ref"')
    assert "\n" not in out  # one raw-HTML block for Markdown
    data = json.loads(html.unescape(re.search(r'<span class="qa-data" hidden>(.*?)</span>', out).group(1)))
    assert data["answer"] == {**answer.to_json(), "asked_as": answer.question} and "[1]" in data["copy"] and "<" not in data["copy"]


def test_card_shows_short_answer_title_page_and_tells_same_labels_apart() -> None:
    answer = Answer(question="寒武纪哪年成立？", answer="寒武纪成立于2016年。[1]又见。[2]", answered=True,
                    short_answer="2016年", citations=[
                        Citation(n=1, id="a", source="r/report_2019.txt", section="一、概况", text="寒武纪成立于2016年。",
                                 score=0.1, page=3, title="人工智能产业报告"),
                        Citation(n=2, id="b", source="r/report_2019.txt", section="一、概况", text="又见其他。",
                                 score=0.1, page=3, title="人工智能产业报告"),
                        Citation(n=3, id="c", source="r/report_2019.txt", section="", text="图4 企业分布", score=0.1)])
    out = render_answer(answer, get_segmenter(), message=4)
    assert '<div class="qa-short">2016年</div>' in out
    assert "人工智能产业报告 · 第3页 · 一、概况 · “寒武纪成立于2016年。…”" in html.unescape(out)
    assert "report_2019" not in out.split('class="qa-data"')[1].split("</span>", 1)[1]  # title, not file name
    assert "图4" not in out.split("</span>", 1)[1]                                        # uncited caption left out
    assert 'href="#qa-s4-2"' in out
    assert plain_text(answer).splitlines()[:2] == ["2016年", "寒武纪成立于2016年。[1]又见。[2]"]


def test_cited_spans_find_the_quoted_sentence_or_its_clauses() -> None:
    passage = "通过分析可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。其次是朝阳区。"
    assert cited_spans(passage, ["北京市人工智能企业主要集中于海淀区，占比达62.44%"]) == [(7, 34)]
    # an answer that joined two clauses with other punctuation still marks both clauses
    spans = cited_spans(passage, ["北京市人工智能企业主要集中于海淀区；其次是朝阳区"])
    assert [passage[s:e] for s, e in spans] == ["北京市人工智能企业主要集中于海淀区", "其次是朝阳区"]
    assert cited_spans(passage, ["完全不同的内容"]) == []
    assert quoted_by_citation("甲。[1]乙；[2]丙[1]") == {1: ["甲", "丙"], 2: ["乙"]}


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


def _short(answer_text: str, short: str) -> Answer:
    return Answer(question="q", answer=answer_text, answered=True, short_answer=short, citations=[
        Citation(n=1, id="a", source="r.txt", section="", text=re.sub(r"\[\d+\]", "", answer_text), score=0.1)])


def test_the_short_answer_is_not_printed_twice() -> None:
    leads = _short("海淀区占比达62.44%。[1]", "海淀区")                 # the quote opens with it
    whole = _short("北京人工智能企业价值受到资本认可，融资情况良好。[1]", "北京人工智能企业价值受到资本认可，融资情况良好")
    inside = _short("寒武纪成立于2016年3月。[1]", "2016年3月")           # a real short answer
    for answer in (leads, whole):
        assert "qa-short" not in render_answer(answer, get_segmenter())
        assert plain_text(answer).splitlines()[0] == answer.answer
    assert '<div class="qa-short">2016年3月</div>' in render_answer(inside, get_segmenter())


def test_a_short_answer_leading_the_answer_is_bold_there() -> None:
    """compose puts a short answer that is a small part of the quote before it ("海淀区。通过分析…"): it is the bold
    answer, once; a quote that merely opens with the same words is not marked."""
    led = render_answer(_short("海淀区。通过分析可知，企业主要集中于海淀区，占比达62.44%。[1]", "海淀区"), get_segmenter())
    assert '<strong class="qa-lead">海淀区</strong>。通过分析' in led and "qa-short" not in led
    assert "qa-lead" not in render_answer(_short("海淀区占比达62.44%。[1]", "海淀区"), get_segmenter())
    assert "qa-lead" not in render_answer(_short("。[1]", ""), get_segmenter())


def test_single_digits_and_digits_inside_numbers_are_not_highlighted() -> None:
    terms = highlight_terms("表1里2010年成立的企业有哪些？", get_segmenter())
    assert "1" not in terms
    marked = highlight("普强信息 2010-9 D 轮 2019.3 融资 1 亿美元以上", ["2010", "20", "亿美元"])
    assert marked.count("<mark") == 2 and '<mark class="qa-hit">2010</mark>' in marked


def test_the_card_carries_the_typed_and_the_answered_question() -> None:
    answer = _short("朝阳区占比达25.79%。[1]", "")
    answer.question = "朝阳区的人工智能企业占比多少？"
    out = html.unescape(render_answer(answer, get_segmenter(), asked_as=answer.question, typed="那朝阳区呢？"))
    data = json.loads(out.split("hidden>", 1)[1].split("</span>", 1)[0])
    assert data["answer"]["question"] == "那朝阳区呢？" and data["answer"]["asked_as"] == "朝阳区的人工智能企业占比多少？"
