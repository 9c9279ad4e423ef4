"""The chat as a product in a real browser: the answer card, copy, contrast, scrolling, Chinese everywhere, the
bubble widget on another origin, feedback, token mode across sites, the web component's manners, the phone.

Screenshots go to $QA_SCREENSHOT_DIR when it is set (docs/ holds the ones the README shows).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser_support import (  # noqa: F401  (fixtures are used by name)
    RECORDERS, TOKEN, HostPage, LiveServer, ask, browser, feedback_store, guarded_live, host_page, live,
    page_and_requests, recorded_page, screenshot)
from qa.api import ServerOptions
from qa.evaluate.questions import read_questions
from qa.pipeline import Assistant
from qa.web.feedback import FeedbackStore, export_questions

ENGLISH = re.compile(r"[A-Za-z]{3,}")
#: Every attribute a person or a screen reader is shown, and all visible text outside answers.
UI_STRINGS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (el.closest('.qa-card')) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a); if (v) out.push(v);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const p = n.parentElement;
    if (!p || p.closest('script, style, .qa-card, textarea') || !p.checkVisibility()) continue;
    if (n.nodeValue.trim()) out.push(n.nodeValue.trim());
  }
  return out;
}"""


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two computed `rgb(…)` colours."""
    lum = [relative_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c)[:3])) for c in (fg, bg)]
    high, low = max(lum), min(lum)
    return (high + 0.05) / (low + 0.05)


def framed(page, url: str):  # noqa: ANN001, ANN201
    """The frame of `page` showing `url` (iframes inside shadow roots included), once it exists.

    Playwright delivers frame events only while a call of ours runs, so none can slip between the look-up and the
    wait for the navigation."""
    showing = re.compile(re.escape(url))
    return page.frame(url=showing) or page.wait_for_event("framenavigated",
                                                          predicate=lambda frame: bool(showing.search(frame.url)))


@pytest.fixture()
def context_factory(browser):  # noqa: ANN001, ANN201
    """New browser contexts (closed after the test) with request recording."""
    made = []

    def make(**kwargs: object):  # noqa: ANN202
        context = browser.new_context(**{"locale": "en-US", **kwargs})
        page, recorder = recorded_page(context)
        made.append((context, page))
        return page, recorder.urls

    yield make
    for context, page in made:
        del RECORDERS[page]
        context.close()


def test_answer_card_copy_names_and_scroll(live: LiveServer, context_factory) -> None:  # noqa: ANN001
    page, urls = context_factory(viewport={"width": 1280, "height": 900},
                                 permissions=["clipboard-read", "clipboard-write"])
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    ask(page, "报告提出了哪些对策建议？")
    card = page.locator(".qa-card").last
    # the answer's top is in view in the chat, not the bottom of its sources
    top = card.evaluate("""c => { const r = c.getBoundingClientRect();
        const box = document.querySelector('#qa-chat').getBoundingClientRect();
        return [r.top, box.top, box.bottom, innerHeight]; }""")
    assert top[1] - 2 <= top[0] < min(top[2], top[3]) - 100, top
    screenshot(page, "chat-answer-card.png")

    # copy → plain text with [n] markers, no markup or entities
    card.locator(".qa-copy").click()
    page.wait_for_function("document.querySelector('.qa-card .qa-status')?.textContent.includes('已复制')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[1]" in copied and "对策建议" in copied and "来源：" in copied
    assert "<" not in copied and "&#" not in copied
    # accessible names are plain text as well
    names = page.eval_on_selector_all('[data-testid="bot"], [data-testid="user"]',
                                      "els => els.map(e => e.getAttribute('aria-label'))")
    assert names and all("<" not in n and "&#" not in n for n in names), names
    assert any(n.startswith("助手的回答：") and "[1]" in n for n in names)

    # [n] is clickable: source 2 of this answer opens and comes into view
    source = card.locator("details.qa-source").nth(1)
    source.evaluate("d => d.open = false")
    card.locator("a.qa-ref").nth(1).click()
    assert source.get_attribute("open") is not None
    assert source.evaluate("d => { const r = d.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    # the cited sentence, not the question's words, is marked inside the passage
    assert "加大高端人工智能人才引进" in source.locator("mark.qa-cited").first.inner_text()
    assert live.url and not [u for u in urls if not u.startswith(live.url) and not u.startswith("data:")]


def test_highlight_contrast_in_dark_mode(live: LiveServer, context_factory) -> None:  # noqa: ANN001
    page, _ = context_factory(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    ask(page, "海淀区的人工智能企业占比多少？")
    marks = page.locator("mark.qa-cited, mark.qa-hit")
    assert marks.count() >= 1
    for i in range(marks.count()):
        fg, bg = marks.nth(i).evaluate("m => [getComputedStyle(m).color, getComputedStyle(m).backgroundColor]")
        assert contrast(fg, bg) >= 4.5, (fg, bg)
    screenshot(page, "chat-dark.png")


def test_chinese_everywhere_whatever_the_browser_language(live: LiveServer, context_factory) -> None:  # noqa: ANN001
    page, urls = context_factory(locale="en-US")
    response = page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    html = response.text()
    assert '<html\n\tlang="zh-CN"' in html or 'lang="zh-CN"' in html.split(">")[0]
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # no off-box URL anywhere in the page, own icon and link preview
    assert [u for u in re.findall(r"https?://[^\s\"'<>)]+", html) if not u.startswith(live.url)] == []
    assert "Gradio" not in re.findall(r"<meta[^>]+>", html, flags=re.S).__str__()
    assert page.evaluate("document.querySelector('link[rel~=icon]').href").endswith("/qa-static/favicon.svg")
    # an empty question: the toast is Chinese too
    page.click("#qa-send")
    page.wait_for_selector(".toast-body")
    assert "提示" in page.locator(".toast-body").first.inner_text()
    # Gradio's hard-coded English (e.g. the connection-lost notice) is put into Chinese as it appears
    page.evaluate("""() => { const d = document.createElement('div'); d.id = 'fake-notice';
        d.textContent = 'Connection to the server was lost. Attempting reconnection...';
        document.querySelector('gradio-app').appendChild(d); }""")
    page.wait_for_function("document.querySelector('#fake-notice').textContent.includes('连接已断开')")
    page.evaluate("document.querySelector('#fake-notice').remove()")
    english = [s for s in page.evaluate(UI_STRINGS_JS) if ENGLISH.search(s)]
    assert english == []
    assert page.get_by_role("textbox", name="问题").count() == 1
    assert not [u for u in urls if not u.startswith(live.url) and not u.startswith("data:")]


def test_phone_first_screen_settings_and_keyboard(live: LiveServer, context_factory) -> None:  # noqa: ANN001
    page, _ = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    example = page.get_by_text("寒武纪是哪一年成立的？")
    box = example.bounding_box()
    assert box and box["y"] + box["height"] <= 844          # an example on the first screen
    greeting = page.get_by_text("你好！").bounding_box()
    chat = page.locator("#qa-chat").bounding_box()
    assert greeting["x"] - chat["x"] >= 8                    # not touching the border
    assert not page.locator("#qa-k").is_visible()            # tuning waits in the closed 设置 panel
    screenshot(page, "chat-phone.png")
    example.click()
    page.wait_for_selector(".qa-card")
    # the slider shows a focus ring
    page.get_by_text("设置").click()
    slider = page.locator("#qa-k input[type=range]")
    slider.focus()
    outline = slider.evaluate("s => [getComputedStyle(s).outlineStyle, getComputedStyle(s).outlineWidth]")
    assert outline[0] != "none" and outline[1] != "0px", outline
    # every control of an answer is a Tab stop of its own ([n], sources, 复制, 有用, 有误): no hidden arrow keys
    stops = page.locator(".qa-card").last.evaluate("""c => [...c.querySelectorAll('a[href], button, summary, input')]
        .filter(e => e.checkVisibility()).map(e => e.tabIndex >= 0)""")
    assert stops and all(stops), stops
    # a question over the limit is not cut silently: a Chinese message names the limit, the text stays
    long = "海淀区" * 200
    page.fill("#qa-input textarea", long)
    page.click("#qa-send")
    page.wait_for_selector(".qa-error")
    assert "500" in page.locator(".qa-error").last.inner_text()
    assert page.input_value("#qa-input textarea") == long


def test_feedback_is_stored_and_exported(live: LiveServer, feedback_store: FeedbackStore, context_factory,
                                         tmp_path: Path) -> None:  # noqa: ANN001
    page, _ = context_factory()
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    ask(page, "寒武纪是哪一年成立的？")
    card = page.locator(".qa-card").last
    before = len(feedback_store.all())
    card.locator(".qa-down").click()
    page.wait_for_function("document.querySelector('.qa-card .qa-status')?.textContent.includes('已记录')")
    assert card.locator(".qa-down").get_attribute("aria-pressed") == "true"
    card.locator(".qa-fb-form input").fill("应写明成立月份")
    card.locator(".qa-fb-form button").click()
    page.wait_for_function("document.querySelector('.qa-card .qa-status')?.textContent.includes('补充说明')")
    rows = feedback_store.all()[before:]
    assert [r.rating for r in rows] == ["down", "down"] and rows[-1].comment == "应写明成立月份"
    assert rows[-1].question == "寒武纪是哪一年成立的？" and "2016" in rows[-1].answer
    out = tmp_path / "wrong.jsonl"
    assert export_questions(feedback_store, out, "down") >= 1
    questions, errors = read_questions(out)
    assert not errors and "寒武纪是哪一年成立的？" in [q.q for q in questions]
    screenshot(page, "chat-feedback.png")


def test_bubble_widget_on_another_origin(live: LiveServer, host_page: HostPage, context_factory) -> None:  # noqa: ANN001
    page, urls = context_factory(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(host_page.serve(live.url, "embed-widget.html"))
    margin = page.evaluate("getComputedStyle(document.body).margin")
    page.evaluate("""() => { window.__events = [];
        addEventListener('message', e => e.data && e.data.source === 'report-qa' && window.__events.push(e.data)); }""")
    page.evaluate("window.ReportQA.ask('寒武纪是哪一年成立的？')")     # opens the panel with the question
    page.wait_for_function("window.__events.some(e => e.type === 'answer')")
    answer = page.evaluate("window.__events.find(e => e.type === 'answer').answer")
    assert "2016" in answer["answer"] and answer["citations"] and answer["question"] == "寒武纪是哪一年成立的？"
    assert any(e["type"] == "ready" for e in page.evaluate("window.__events"))
    # a later question goes to the open chat by postMessage
    page.evaluate("window.ReportQA.ask('海淀区的人工智能企业占比多少？')")
    page.wait_for_function("window.__events.filter(e => e.type === 'answer').length == 2")
    assert "62.44%" in page.evaluate("window.__events.filter(e => e.type === 'answer')[1].answer.answer")
    # the floating button closes and reopens the panel
    launcher = page.get_by_role("button", name="打开报告问答")
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.querySelector('#last-answer').textContent.includes('62.44%')")
    assert page.evaluate("getComputedStyle(document.body).margin") == margin   # the portal's styles untouched
    screenshot(page, "embed-widget.png")
    assert [u for u in urls if not u.startswith((live.url, host_page.origin, "data:", "blob:"))] == []


def test_widget_on_a_page_not_allow_listed_still_asks_but_gets_no_answers(
        assistant: Assistant, host_page: HostPage, context_factory) -> None:  # noqa: ANN001
    with LiveServer(assistant, ServerOptions()) as server:
        page, _ = context_factory(locale="zh-CN")
        page.goto(host_page.serve(server.url, "embed-widget.html"))
        page.evaluate("window.ReportQA.ask('寒武纪是哪一年成立的？')")
        frame = framed(page, server.url)
        frame.wait_for_selector(".qa-answer")
        assert "2016" in frame.locator(".qa-answer").first.inner_text()
        # the chat has handled the new card (it names it, then would post "answer") …
        frame.wait_for_selector('[data-testid="bot"][aria-label*="2016"]', state="attached")
        # … and Escape then posts "close", which any page gets: messages arrive in order, so once the panel has
        # closed an "answer" posted before it would have arrived too
        frame.locator("#qa-input textarea").press("Escape")
        page.wait_for_function("""() => document.querySelector('report-qa-widget').shadowRoot
                                  .querySelector('.btn').getAttribute('aria-expanded') === 'false'""")
        assert page.locator("#last-answer").inner_text() == ""


def test_web_component_keeps_the_portal_margin_and_explains_a_missing_origin(
        assistant: Assistant, live: LiveServer, host_page: HostPage, context_factory) -> None:  # noqa: ANN001
    page, _ = context_factory(locale="zh-CN")
    page.goto(host_page.serve(live.url, "embed-web-component.html"))
    page.locator("gradio-app #qa-input textarea").wait_for()
    assert page.evaluate("getComputedStyle(document.body).margin") == "24px"
    with LiveServer(assistant, ServerOptions()) as refusing:
        page.goto(host_page.serve(refusing.url, "embed-web-component.html"))
        alert = page.locator("gradio-app [role=alert]")
        alert.wait_for()
        assert "--cors-origin " + host_page.origin in alert.inner_text()
        screenshot(page, "embed-web-component-refused.png")


def test_token_mode_across_sites_and_in_the_address_bar(guarded_live: LiveServer, host_page: HostPage,
                                                        context_factory) -> None:  # noqa: ANN001
    page, _ = context_factory(locale="zh-CN")
    refused = page.goto(guarded_live.url + "/")
    assert refused.status == 401 and "令牌" in page.inner_text("body")
    assert refused.headers["content-type"].startswith("text/html")
    assert "monospace" not in page.evaluate("getComputedStyle(document.body).fontFamily")
    # opened directly with ?token=: works, and the token leaves the address bar
    page.goto(f"{guarded_live.url}/?token={TOKEN}&q=%E5%AF%92%E6%AD%A6%E7%BA%AA%E6%98%AF%E5%93%AA%E4%B8%80%E5%B9%B4%E6%88%90%E7%AB%8B%E7%9A%84%EF%BC%9F")
    page.wait_for_selector(".qa-answer")
    page.wait_for_function("!location.search.includes('token')")
    assert "q=" in page.url
    # framed by a portal on another site over http: the browser refuses the cookie → a message and a way out
    framing, _ = context_factory(locale="zh-CN")
    host_page.html = (f'<!doctype html><html lang="zh-CN"><body><iframe style="width:900px;height:600px" '
                      f'src="{guarded_live.url}/?token={TOKEN}"></iframe></body></html>').encode("utf-8")
    framing.goto(host_page.origin + "/portal.html")
    frame = framed(framing, guarded_live.url)
    frame.wait_for_selector(".qa-blocked")
    message = frame.locator(".qa-blocked")
    assert "在新窗口中打开" in message.inner_text()
    assert message.locator("a").get_attribute("target") == "_blank"
    screenshot(framing, "token-cross-site.png")


def test_widget_script_and_feedback_api_contract(live: LiveServer) -> None:
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(live.url + "/embed.js", timeout=10) as r:
        assert r.headers["content-type"].startswith("text/javascript") and b"ReportQA" in r.read()
    request = urllib.request.Request(live.url + "/api/feedback", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"question": "q", "answer": "a", "rating": "up"}).encode())
    with urllib.request.urlopen(request, timeout=10) as r:
        assert json.load(r) == {"ok": True}
    bad = urllib.request.Request(live.url + "/api/feedback", method="POST", headers={"Content-Type": "application/json"},
                                 data=b'{"question": "q", "answer": "a", "rating": "meh"}')
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=10)
    assert refused.value.code == 400 and "rating" in json.load(refused.value)["error"]
