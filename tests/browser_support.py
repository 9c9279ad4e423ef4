"""What the browser tests share: the system Chromium through Playwright, the live server, a portal page on
another origin, and a recorder of every request the browser makes (none may leave the allowed origins).

Imported by test modules after their own skip check, so a machine without Chromium skips them with a reason.
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
from urllib.parse import urlsplit

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
from qa.web.feedback import FeedbackStore  # noqa: E402

TOKEN = "tok-42"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]
TIMEOUT_MS = 30_000
sync_api.expect.set_options(timeout=TIMEOUT_MS)  # expect()'s own default is 5 s: too short beside a CPU hog
#: The wait for a page's first readiness: Chromium loads, parses and compiles Gradio's bundle (megabytes of
#: JavaScript), fetches the app's config and builds it before the load event marks it ready — by far the costliest
#: step of a test for the browser's CPU. Beside a CPU hog on a loaded machine (load ~20 on 2 cores, 2026-12-05) the
#: web component needed over 30 s once in 24 runs (`gradio-app[data-qa-ready]` not there yet; every run took
#: ~32 s in all), so first loads get three times the wait of every later step.
LOAD_TIMEOUT_MS = 3 * TIMEOUT_MS


class LiveServer:
    """uvicorn serving `build_server(...)` on a free loopback port, in a thread of this process."""

    def __init__(self, assistant: Assistant, options: ServerOptions, feedback: FeedbackStore | None = None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        app = build_server(assistant, options, feedback=feedback)
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
def feedback_store(tmp_path_factory: pytest.TempPathFactory) -> FeedbackStore:
    return FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def live(assistant: Assistant, host_page: HostPage, feedback_store: FeedbackStore) -> Iterator[LiveServer]:
    with LiveServer(assistant, ServerOptions(cors_origins=(host_page.origin,)), feedback_store) as server:
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
    """Every URL the browser asked for, and whether a Gradio event is under way: an event is sent (`queue/join`),
    then its result comes on the session's stream (`queue/data`), which the server closes once no event of the
    session is pending."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.joining = 0
        self.streams: set[object] = set()
        self.awaiting_close = False

    def started(self, request) -> None:  # noqa: ANN001
        self.urls.append(request.url)
        if "/gradio_api/queue/join" in request.url:
            self.joining += 1
        elif "/gradio_api/queue/data" in request.url:
            self.streams.add(request)

    def ended(self, request) -> None:  # noqa: ANN001
        if "/gradio_api/queue/join" in request.url:
            self.joining -= 1
            self.awaiting_close = True
        elif request in self.streams:
            self.streams.discard(request)
            self.awaiting_close = self.awaiting_close and self.joining > 0

    @property
    def idle(self) -> bool:
        return not self.joining and not self.streams and not self.awaiting_close

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
    page, recorder = recorded_page(context)
    yield page, recorder
    del RECORDERS[page]
    context.close()


#: The recorder of each open test page, for `settle`.
RECORDERS: dict[object, Recorder] = {}


def recorded_page(context) -> tuple[object, Recorder]:  # noqa: ANN001
    """A new page of `context` whose requests are recorded (the caller drops it from RECORDERS when done)."""
    recorder = Recorder()
    context.on("request", recorder.started)
    context.on("requestfinished", recorder.ended)
    context.on("requestfailed", recorder.ended)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    RECORDERS[page] = recorder
    return page, recorder


def settle(page) -> None:  # noqa: ANN001
    """Wait until the page's last Gradio event is over: sent, answered, and its stream closed.

    Why: the server closes a session's stream once no event is pending, and Gradio's client loses an event sent
    in the moment before it has read that close (the new event is joined to the closing stream and its answer
    never arrives). A person never types that fast; a test does, right after an answer appears."""
    recorder = RECORDERS[page]
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not recorder.idle:
        if time.monotonic() > deadline:
            raise AssertionError(f"Gradio's event stream still open after {TIMEOUT_MS} ms")
        page.wait_for_timeout(20)  # lets Playwright deliver the request events


def screenshot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("QA_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def ask(page, question: str) -> None:  # noqa: ANN001
    """Type and send a question, wait for its answer (or refusal message)."""
    page.wait_for_selector("[data-qa-ready]", state="attached", timeout=LOAD_TIMEOUT_MS)  # 提问 wired (qa/web/app.py)
    settle(page)
    answers = page.locator(".qa-answer, .qa-error").count()
    page.fill("#qa-input textarea", question)
    page.click("#qa-send")
    page.wait_for_function(f"document.querySelectorAll('.qa-answer, .qa-error').length > {answers}")


