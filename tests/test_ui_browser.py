"""The chat in a real browser (headless Debian Chromium through Playwright), against the real server and index.

Every request the browser makes is recorded; none may leave the server's origin (data:/blob: aside) — the
page must work on a closed intranet. Screenshots go to $QA_SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from browser_support import (  # noqa: E402,F401  (fixtures are used by name)
    LOAD_TIMEOUT_MS, TOKEN, HostPage, LiveServer, ask, browser, feedback_store, guarded_live, host_page, live,
    page_and_requests, screenshot, settle)


def test_chat_answers_with_citations_follow_up_and_clear(live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    assert page.title() == "报告问答助手"
    assert page.locator("#qa-send").inner_text().strip() == "提问"
    assert page.get_by_text("清空对话").is_visible() and page.get_by_text("寒武纪是哪一年成立的？").is_visible()

    ask(page, "海淀区的人工智能企业占比多少？")
    answer = page.locator(".qa-answer").last
    assert "62.44%" in answer.inner_text() and "[1]" in answer.inner_text()
    first_source = page.locator("details.qa-source").first
    assert first_source.get_attribute("open") is not None          # the cited passage is shown opened
    assert "海淀" in first_source.locator(".qa-passage").inner_text()
    assert ".txt" not in first_source.locator("summary").inner_text()  # the document's title, not its file
    assert any("62.44%" in m.inner_text() for m in first_source.locator("mark.qa-cited").all())
    # uncited passages wait collapsed behind one toggle; a closed source opens on click
    page.locator("details.qa-more > summary").last.click()
    closed = page.locator("details.qa-more details.qa-source").last
    assert closed.get_attribute("open") is None
    closed.locator("summary").click()
    expect(closed).to_have_attribute("open", "")

    ask(page, "那朝阳区呢？")
    follow = page.locator(".qa-answer").last
    assert "朝阳区" in follow.inner_text() and "25.79%" in follow.inner_text()
    assert "朝阳区的人工智能企业占比多少" in page.locator(".qa-note").last.inner_text()
    screenshot(page, "chat-followup.png")

    settle(page)
    with page.expect_request(lambda r: "/gradio_api/queue/join" in r.url):
        page.get_by_text("重新回答").click()
    settle(page)  # the retry is answered in place
    assert page.locator(".qa-answer").count() == 2 and "25.79%" in page.locator(".qa-answer").last.inner_text()

    page.get_by_text("清空对话").click()
    page.wait_for_function("document.querySelectorAll('.qa-answer').length == 0")
    # an example question is asked with one click
    settle(page)
    page.get_by_text("寒武纪是哪一年成立的？").first.click()
    page.wait_for_selector(".qa-answer")
    assert "2016" in page.locator(".qa-answer").last.inner_text()
    assert requests.foreign(live.url) == []


def test_query_parameter_asks_on_open(live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    page.goto(live.url + "/?q=" + quote("哪个区的人工智能企业最多？"))
    page.wait_for_selector(".qa-answer", timeout=LOAD_TIMEOUT_MS)  # the page's first load, then the answer
    assert "海淀" in page.locator(".qa-answer").first.inner_text()
    assert page.locator("details.qa-source").count() >= 1
    screenshot(page, "chat-query.png")
    assert requests.foreign(live.url) == []


def test_text_from_users_cannot_inject_html(live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    evil = ('海淀区<img src="http://203.0.113.9/x.png" onerror="window.__xss=1">'
            '<script>window.__xss=2</script>[点我](javascript:alert(1)) $$x^2$$ **粗体**')
    ask(page, evil)
    chat = page.locator("#qa-chat")
    assert chat.locator("img, script, a[href^='javascript'], strong, .katex").count() == 0
    assert '<img src="http://203.0.113.9/x.png"' in chat.inner_text()   # shown literally
    assert page.evaluate("window.__xss") is None
    assert requests.foreign(live.url) == []


def test_embedded_in_an_iframe_on_an_intranet_page(live: LiveServer, host_page: HostPage,
                                                   page_and_requests) -> None:  # noqa: ANN001
    """docs/embed.html served from another site: the chat in an <iframe>, its ?q= question answered."""
    page, requests = page_and_requests
    page.goto(host_page.serve(live.url, "embed.html"))
    frame = page.frame_locator("iframe.qa-frame")
    frame.locator(".qa-answer").first.wait_for(timeout=LOAD_TIMEOUT_MS)  # the frame's first load, then the answer
    assert "海淀" in frame.locator(".qa-answer").first.inner_text()
    settle(page)
    frame.locator("#qa-input textarea").fill("那朝阳区呢？")
    frame.locator("#qa-send").click()
    frame.locator(".qa-answer").nth(1).wait_for()
    assert "朝阳" in frame.locator(".qa-answer").nth(1).inner_text()
    assert requests.foreign(live.url, host_page.origin) == []
    assert any(u.startswith(live.url + "/gradio_api/") for u in requests.urls)


def test_embedded_as_web_component(live: LiveServer, host_page: HostPage, page_and_requests) -> None:  # noqa: ANN001
    """docs/embed-web-component.html: <gradio-app> loaded with gradio.js from the assistant (CORS allow-listed)."""
    page, requests = page_and_requests
    page.goto(host_page.serve(live.url, "embed-web-component.html"))
    component = page.locator("gradio-app[data-qa-ready]")  # its input shows before a click on 提问 does anything
    component.wait_for(timeout=LOAD_TIMEOUT_MS)
    component.locator("#qa-input textarea").fill("寒武纪是哪一年成立的？")
    component.locator("#qa-send").click()
    component.locator(".qa-answer").first.wait_for()
    assert "2016" in component.locator(".qa-answer").first.inner_text()
    screenshot(page, "embed-web-component.png")
    assert requests.foreign(live.url, host_page.origin) == []


def test_token_protects_the_page(guarded_live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    refused = page.goto(guarded_live.url + "/")
    assert refused.status == 401 and "令牌" in page.inner_text("body")
    page.goto(f"{guarded_live.url}/?token={TOKEN}&q=" + quote("寒武纪是哪一年成立的？"))
    page.wait_for_selector(".qa-answer", timeout=LOAD_TIMEOUT_MS)
    assert "2016" in page.locator(".qa-answer").first.inner_text()
    assert requests.foreign(guarded_live.url) == []
