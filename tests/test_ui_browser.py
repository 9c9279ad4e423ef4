"""The chat in a real browser (headless Debian Chromium through Playwright), against the real server and index.

Every request the browser makes is recorded; none may leave the server's origin (data:/blob: aside) — the
page must work on a closed intranet. Screenshots go to $QA_SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import pytest

from qa.config import PROJECT_ROOT
from qa.pipeline import Assistant

CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium; CI installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")

import uvicorn  # noqa: E402

from qa.api import ServerOptions  # noqa: E402
from qa.web.app import build_server  # noqa: E402

TOKEN = "tok-42"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]
TIMEOUT_MS = 30_000


class LiveServer:
    """uvicorn serving `build_server(...)` on a free loopback port, in a thread of this process."""

    def __init__(self, assistant: Assistant, options: ServerOptions) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        app = build_server(assistant, options)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class HostPage:
    """A stand-in intranet portal on another origin (localhost:<port>, another site than 127.0.0.1) serving
    docs/embed.html with the assistant's address filled in. (Loopback on both sides: Chromium blocks pages
    on public addresses from framing loopback ones, and a real intranet portal is private too.)"""

    def __init__(self) -> None:
        self.html = b""
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(owner.html)))
                self.end_headers()
                self.wfile.write(owner.html)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, assistant_url: str, example: str) -> str:
        text = (PROJECT_ROOT / "docs" / example).read_text(encoding="utf-8")
        self.html = text.replace("http://127.0.0.1:7860", assistant_url).encode("utf-8")
        return self.origin + "/portal.html"


@pytest.fixture(scope="module")
def host_page() -> Iterator[HostPage]:
    host = HostPage()
    yield host
    host.httpd.shutdown()


@pytest.fixture(scope="module")
def live(assistant: Assistant, host_page: HostPage) -> Iterator[LiveServer]:
    with LiveServer(assistant, ServerOptions(cors_origins=(host_page.origin,))) as server:
        yield server


@pytest.fixture(scope="module")
def guarded_live(assistant: Assistant) -> Iterator[LiveServer]:
    with LiveServer(assistant, ServerOptions(token=TOKEN)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Recorder:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self, *allowed_origins: str) -> list[str]:
        """Requests to any origin but the allowed ones (data: and blob: URLs are local by definition)."""
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if f"{parts.scheme}://{parts.netloc}" not in allowed_origins:
                out.append(url)
        return out


@pytest.fixture()
def page_and_requests(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 1000})
    recorder = Recorder()
    context.on("request", lambda request: recorder.urls.append(request.url))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page, recorder
    context.close()


def screenshot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("QA_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def ask(page, question: str) -> None:  # noqa: ANN001
    answers = page.locator(".qa-answer, .qa-error").count()
    page.fill("#qa-input textarea", question)
    page.click("#qa-send")
    page.wait_for_function(f"document.querySelectorAll('.qa-answer, .qa-error').length > {answers}")


def test_chat_answers_with_citations_follow_up_and_clear(live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    page.goto(live.url + "/")
    page.wait_for_selector("#qa-input textarea")
    assert page.title() == "报告问答助手"
    assert page.locator("#qa-send").inner_text().strip() == "提问"
    assert page.get_by_text("清空对话").is_visible() and page.get_by_text("示例问题（点击即问）").is_visible()

    ask(page, "海淀区的人工智能企业占比多少？")
    answer = page.locator(".qa-answer").last
    assert "62.44%" in answer.inner_text() and "[1]" in answer.inner_text()
    first_source = page.locator("details.qa-source").first
    assert first_source.get_attribute("open") is not None          # the cited passage is shown opened
    assert "海淀" in first_source.locator(".qa-passage").inner_text()
    assert "beijing_ai_industry_report_2019.txt" in first_source.locator("summary").inner_text()
    assert "海淀区" in [m.inner_text() for m in first_source.locator("mark.qa-hit").all()]
    # collapsible: a closed source opens on click
    sources = page.locator("details.qa-source")
    closed_at = [i for i in range(sources.count()) if sources.nth(i).get_attribute("open") is None]
    assert closed_at, "uncited passages start collapsed"
    closed = sources.nth(closed_at[0])
    closed.locator("summary").click()
    assert closed.get_attribute("open") is not None

    ask(page, "那朝阳区呢？")
    follow = page.locator(".qa-answer").last
    assert "朝阳区" in follow.inner_text() and "25.79%" in follow.inner_text()
    assert "朝阳区的人工智能企业占比多少" in page.locator(".qa-note").last.inner_text()
    screenshot(page, "chat-followup.png")

    page.get_by_text("重新回答").click()
    page.wait_for_timeout(300)
    page.wait_for_function("document.querySelectorAll('.qa-answer').length == 2")
    assert "25.79%" in page.locator(".qa-answer").last.inner_text()

    page.get_by_text("清空对话").click()
    page.wait_for_function("document.querySelectorAll('.qa-answer').length == 0")
    # an example question is asked with one click
    page.get_by_text("寒武纪是哪一年成立的？").first.click()
    page.wait_for_selector(".qa-answer")
    assert "2016" in page.locator(".qa-answer").last.inner_text()
    assert requests.foreign(live.url) == []


def test_query_parameter_asks_on_open(live: LiveServer, page_and_requests) -> None:  # noqa: ANN001
    page, requests = page_and_requests
    page.goto(live.url + "/?q=" + quote("哪个区的人工智能企业最多？"))
    page.wait_for_selector(".qa-answer")
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
    frame.locator(".qa-answer").first.wait_for()
    assert "海淀" in frame.locator(".qa-answer").first.inner_text()
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
    component = page.locator("gradio-app")
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
    page.wait_for_selector(".qa-answer")
    assert "2016" in page.locator(".qa-answer").first.inner_text()
    assert requests.foreign(guarded_live.url) == []
