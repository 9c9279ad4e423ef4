"""The portal widget and web component in a real browser (issue 20): follow-ups through ReportQA.ask, Escape,
the phone layout, no console errors, isolation from a portal's hostile CSS, and token mode (script served, a
sign-in page in the panel, ReportQA never throwing, signing in on the same site makes the panel work).

Every wait is for a condition, never a fixed time.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from browser_support import (  # noqa: F401  (fixtures are used by name)
    TOKEN, TIMEOUT_MS, HostPage, LiveServer, browser, feedback_store, guarded_live, host_page, live)

#: A portal whose stylesheet reaches for everything a widget might inherit or share.
HOSTILE_CSS = """<style>
  body { font: 20px/3 serif; letter-spacing: 2px; text-transform: uppercase; }
  div { letter-spacing: 3px; word-spacing: 9px; }
  button { font-family: serif; text-transform: uppercase; letter-spacing: 5px; text-shadow: 1px 1px red; }
  textarea, input { font-family: serif; letter-spacing: 4px; background: yellow; color: red; }
</style>"""
#: Computed styles a portal must not have changed, read inside the shadow root / the component.
STYLE_JS = """el => { const s = getComputedStyle(el);
  return {letterSpacing: s.letterSpacing, textTransform: s.textTransform, fontFamily: s.fontFamily,
          wordSpacing: s.wordSpacing, background: s.backgroundColor}; }"""


@pytest.fixture()
def new_page(browser):  # noqa: ANN001, ANN201
    """Pages in fresh contexts, each with its console errors and uncaught page errors recorded."""
    contexts = []

    def make(**kwargs: object):  # noqa: ANN202
        context = browser.new_context(**{"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}, **kwargs})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        context.on("page", lambda p: p.set_default_timeout(TIMEOUT_MS))
        return page

    yield make
    for context in contexts:
        context.close()


def unexpected(errors: list[str]) -> list[str]:
    """Errors other than the browser's note on the sign-in page's own 401 status (expected in token mode)."""
    return [e for e in errors if "status of 401" not in e]


def widget_portal(host: HostPage, server_url: str, head: str = "") -> str:
    url = host.serve(server_url, "embed-widget.html")
    host.html = host.html.replace(b"</head>", head.encode("utf-8") + b"</head>")
    return url


def record_events(page) -> None:  # noqa: ANN001
    page.evaluate("""() => { window.__events = [];
        addEventListener('message', e => e.data && e.data.source === 'report-qa' && window.__events.push(e.data)); }""")


def answers(page) -> list[dict]:  # noqa: ANN001
    return page.evaluate("window.__events.filter(e => e.type === 'answer').map(e => e.answer)")


def chat_frame(page, server_url: str):  # noqa: ANN001, ANN201
    page.wait_for_function("document.querySelector('report-qa-widget')?.shadowRoot.querySelector('iframe')")
    return page.frame_locator("report-qa-widget iframe")


def test_a_follow_up_asked_through_report_qa_is_read_against_the_question_before(
        live: LiveServer, host_page: HostPage, new_page) -> None:  # noqa: ANN001
    page = new_page()
    page.goto(widget_portal(host_page, live.url))
    record_events(page)
    page.evaluate("ReportQA.ask('海淀区的人工智能企业占比多少？')")
    page.wait_for_function("window.__events.filter(e => e.type === 'answer').length === 1")
    page.evaluate("ReportQA.ask('那朝阳区呢？')")
    page.wait_for_function("window.__events.filter(e => e.type === 'answer').length === 2")
    first, follow = answers(page)
    assert first["asked_as"] == first["question"] == "海淀区的人工智能企业占比多少？"
    assert follow["question"] == "那朝阳区呢？" and follow["asked_as"] == "朝阳区的人工智能企业占比多少？"
    assert "25.79%" in follow["answer"]
    # the card says how it was understood; a complete question asked next is not rewritten and says nothing
    frame = chat_frame(page, live.url)
    assert "朝阳区的人工智能企业占比多少" in frame.locator(".qa-note").last.inner_text()
    page.evaluate("ReportQA.ask('北京人工智能企业融资情况怎么样？')")
    page.wait_for_function("window.__events.filter(e => e.type === 'answer').length === 3")
    assert answers(page)[2]["asked_as"] == "北京人工智能企业融资情况怎么样？"
    assert frame.locator(".qa-card").last.locator(".qa-note").count() == 0
    assert page.errors == []  # no "Blocked autofocusing … in a cross-origin subframe"


def test_escape_closes_the_panel_from_inside_the_chat_and_from_its_header(
        live: LiveServer, host_page: HostPage, new_page) -> None:  # noqa: ANN001
    page = new_page()
    page.goto(widget_portal(host_page, live.url))
    launcher = page.get_by_role("button", name="打开报告问答")
    launcher.click()
    frame = chat_frame(page, live.url)
    frame.locator("#qa-input textarea").click()
    page.keyboard.press("Escape")
    page.wait_for_function("""document.querySelector('report-qa-widget').shadowRoot
        .querySelector('.btn').getAttribute('aria-expanded') === 'false'""")
    assert page.evaluate("document.querySelector('report-qa-widget').shadowRoot.activeElement?.className") == "btn"
    launcher.click()
    page.get_by_role("button", name="关闭").focus()
    page.keyboard.press("Escape")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.errors == []


def test_on_a_phone_the_open_panel_is_not_covered_by_the_launcher(
        live: LiveServer, host_page: HostPage, new_page) -> None:  # noqa: ANN001
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(widget_portal(host_page, live.url))
    page.get_by_role("button", name="打开报告问答").click()
    frame = chat_frame(page, live.url)
    settings = frame.get_by_text("设置")
    settings.wait_for()
    assert not page.get_by_role("button", name="打开报告问答").is_visible()
    settings.click()                                   # nothing lies over it: Playwright refuses covered targets
    frame.locator("#qa-k input[type=range]").wait_for()
    page.get_by_role("button", name="关闭").click()
    assert page.get_by_role("button", name="打开报告问答").is_visible()


def test_the_widget_keeps_its_own_look_on_a_hostile_portal(live: LiveServer, host_page: HostPage,
                                                           new_page) -> None:  # noqa: ANN001
    page = new_page()
    page.goto(widget_portal(host_page, live.url, HOSTILE_CSS))
    page.get_by_role("button", name="打开报告问答").click()
    root = "document.querySelector('report-qa-widget').shadowRoot"
    for selector in (".title", ".btn", ".close", ".head"):
        style = page.evaluate_handle(f"{root}.querySelector('{selector}')").evaluate(STYLE_JS)
        assert style["letterSpacing"] == "normal" and style["textTransform"] == "none", (selector, style)
        assert style["wordSpacing"] == "0px" and "serif" != style["fontFamily"].split(",")[0].strip(), (selector, style)


def test_the_web_component_keeps_its_own_look_on_a_hostile_portal(live: LiveServer, host_page: HostPage,
                                                                   new_page) -> None:  # noqa: ANN001
    page = new_page()
    page.goto(host_page.serve(live.url, "embed-web-component.html"))
    host_page.html = host_page.html.replace(b"</head>", HOSTILE_CSS.encode("utf-8") + b"</head>")
    page.reload()
    page.locator("gradio-app #qa-input textarea").wait_for()
    for selector in ("#qa-input textarea", "#qa-send", "#qa-retry", "#qa-title h1", "#qa-chat .example"):
        style = page.locator(f"gradio-app {selector}").first.evaluate(STYLE_JS)
        assert style["letterSpacing"] == "normal" and style["textTransform"] == "none", (selector, style)
        assert style["fontFamily"].split(",")[0].strip() != "serif", (selector, style)
    box = page.locator("gradio-app #qa-input textarea").evaluate(STYLE_JS)
    assert box["background"] != "rgb(255, 255, 0)", box


@pytest.fixture()
def same_site_portal(host_page: HostPage) -> Iterator[str]:
    """The portal at 127.0.0.1:<its port>: the same site as the assistant (ports do not make another site)."""
    yield host_page.origin.replace("localhost", "127.0.0.1")


def test_token_mode_serves_the_widget_and_explains_signing_in(
        guarded_live: LiveServer, host_page: HostPage, new_page) -> None:  # noqa: ANN001
    page = new_page()
    # ReportQA.ask from <head>, before <body> exists, must not throw either
    early = f'<script src="{guarded_live.url}/embed.js"></script><script>ReportQA.ask("寒武纪是哪一年成立的？")</script>'
    page.goto(widget_portal(host_page, guarded_live.url, early))
    assert page.evaluate("typeof window.ReportQA.ask") == "function"
    frame = chat_frame(page, guarded_live.url)
    form = frame.locator("form")
    form.wait_for()
    assert "登录" in frame.locator("main").inner_text() and form.get_attribute("target") == "_blank"
    page.evaluate("ReportQA.ask('海淀区占比多少？'); ReportQA.ask(42); ReportQA.ask(); ReportQA.on('x', null)")
    assert unexpected(page.errors) == []


def test_token_mode_on_the_same_site_works_after_signing_in(
        guarded_live: LiveServer, host_page: HostPage, same_site_portal: str, new_page) -> None:  # noqa: ANN001
    page = new_page()
    widget_portal(host_page, guarded_live.url)
    page.goto(same_site_portal + "/portal.html")
    page.evaluate("ReportQA.ask('寒武纪是哪一年成立的？')")
    frame = chat_frame(page, guarded_live.url)
    frame.locator("input[name=token]").fill(TOKEN)
    with page.context.expect_page() as signed_in:
        frame.get_by_role("button", name="登录并在新窗口打开").click()
    chat = signed_in.value
    chat.wait_for_selector("#qa-input textarea")              # the chat, in a window of its own
    page.evaluate("ReportQA.close(); ReportQA.ask('寒武纪是哪一年成立的？')")  # reopened: the panel tries again
    chat_frame(page, guarded_live.url).locator(".qa-answer").first.wait_for()
    assert "2016" in chat_frame(page, guarded_live.url).locator(".qa-answer").first.inner_text()
    assert unexpected(page.errors) == []
