"""The chat page (Gradio Blocks) and the server that serves it together with the JSON API.

`build_server(assistant, options)` returns one FastAPI app: `/api/ask` and `/healthz` from `qa.api`,
`/api/feedback` (`qa.web.feedback`), `/embed.js`, `/gradio.js` and the page rewrite (`qa.web.page`), the chat
mounted at `/`. `/?q=问题` asks that question as the page opens. Follow-ups ("那朝阳区呢？") are resolved
against the previous question of the same chat (`qa.understand.followup`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (after the analytics switch)
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import RedirectResponse  # noqa: E402

from qa.api import ServerOptions, create_api, error  # noqa: E402
from qa.pipeline import Assistant, QuestionError  # noqa: E402
from qa.serving.gate import ServerBusy, client_address  # noqa: E402
from qa.serving.service import AskService  # noqa: E402
from qa.serving.streams import StreamsPerClient  # noqa: E402
from qa.web.feedback import FeedbackBackend, add_feedback_route, open_feedback  # noqa: E402
from qa.web.page import FAVICON, PageMiddleware, add_static_routes, add_web_component_routes  # noqa: E402
from qa.web.render import render_answer, render_error, render_user  # noqa: E402
from qa.web.theme import CSS, intranet_theme  # noqa: E402

TITLE = "报告问答助手"
PLACEHOLDER = "就报告内容提问（可接着追问，如“那朝阳区呢？”）"
#: Turns a chat keeps (older ones scroll away): bounds each session's memory and the body the page sends back.
MAX_TURNS = 30
#: A chat's server-side state is dropped after this long without use (Gradio's `State.time_to_live`).
SESSION_TTL_S = 6 * 3600
#: Gradio routes that take files: the chat has no file component, so they are refused (`qa.serving.limits`).
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")
DEV_RELOAD_PATH = "/gradio_api/dev/reload"
#: Served without the token: the portal widget's script (it holds no data; the chat it opens still needs the token).
PUBLIC_PATHS = ("/embed.js",)
#: Chat events allowed to wait in Gradio's queue; beyond that the page shows "busy" at once.
CHAT_QUEUE_SIZE = 64
#: Chat events handled at once (Gradio's handler threads; its default is 40). Not the gate's thread count: Gradio's
#: queue is first come first served for everyone, so with 2 at a time one chat user's burst made every other chat
#: wait behind it. Handed on at once, the questions wait in the gate, in their client's line, and over its share
#: that client alone is told so (`qa.serving.gate`).
CHAT_CONCURRENCY = 40
GREETING = "<b>你好！</b>请在下方输入关于报告的问题，或点击一个示例问题。"
#: Runs in the browser once Gradio has wired the page's events (load events come after that), with no server
#: round trip: marks the page ready (`data-qa-ready` on <gradio-app>: what tests and chat.js's "ready"
#: wait for — the input shows a moment before a click on 提问 does anything) and sends a `/?q=` question as if
#: typed. Why not a server-side load event: Gradio's client loses an event sent in the moment after another
#: one completes (the server closes the session's event stream when nothing is pending; a question whose join
#: is answered before the client reads that close waits for a stream that never opens) — a chat that never
#: answered its first question when the user or a test was quick, mostly in the web component.
ON_LOAD_JS = """() => {
  const root = document.querySelector("gradio-app") || document.documentElement;
  const box = root.querySelector("#qa-input textarea"), send = root.querySelector("#qa-send");
  const portal = root.hasAttribute("src");  // the web component on a portal: the address is the portal's
  const question = portal ? "" : (new URLSearchParams(location.search).get("q") || "").trim();
  if (question && box && send) {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(box, question);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => send.click(), 0);
  }
  root.setAttribute("data-qa-ready", "");
}"""


def _previous(turns: list[dict[str, str]]) -> str | None:
    return turns[-1]["asked"] if turns else None


def build_chat(asker: AskService) -> gr.Blocks:
    """The Gradio Blocks app (not yet mounted)."""
    max_k = asker.settings.answer.max_k
    default_k = asker.settings.answer.default_k

    def answer_turn(text: str, history: list[dict[str, Any]], turns: list[dict[str, str]], k: int,
                    request: gr.Request | None) -> tuple[list[dict[str, Any]], list[dict[str, str]], bool]:
        """Ask `text` in the chat's context; the flag says whether it was answered (not refused as input)."""
        history = list(history or [])
        turns = list(turns or [])
        try:
            answer = asker.ask(text, int(k), client=client_address(request), previous=_previous(turns))
        except (QuestionError, ServerBusy) as exc:
            reply, ok = render_error(str(exc)), False
        else:
            reply = render_answer(answer, asker.segmenter, asked_as=answer.question if answer.typed else None,
                                  message=len(history) + 1, typed=text.strip())
            turns.append({"typed": text, "asked": answer.question})
            ok = True
        history += [{"role": "user", "content": render_user(text)}, {"role": "assistant", "content": reply}]
        return history[-2 * MAX_TURNS:], turns[-MAX_TURNS:], ok

    def submit(text: str, history: list, turns: list, k: int, request: gr.Request) -> tuple[str, list, list]:
        if not (text or "").strip():
            gr.Warning("请输入问题。", title="提示")
            return text, history, turns
        history, turns, ok = answer_turn(text, history, turns, k, request)
        return ("" if ok else text), history, turns  # a refused question (too long …) stays for editing

    def ask_example(selected: gr.SelectData, history: list, turns: list, k: int, request: gr.Request
                    ) -> tuple[list, list]:
        value = selected.value if isinstance(selected.value, dict) else {}
        history, turns, _ = answer_turn(str(value.get("text", "")), history, turns, k, request)
        return history, turns

    def retry(history: list, turns: list, k: int, request: gr.Request) -> tuple[list, list]:
        if not turns:
            gr.Info("还没有可以重新回答的问题。", title="提示")
            return history, turns
        last = turns[-1]
        # drop the last question/answer pair and ask the typed text again in the same context
        history, turns, _ = answer_turn(last["typed"], list(history or [])[:-2], turns[:-1], k, request)
        return history, turns

    def clear() -> tuple[list, list, str]:
        return [], [], ""

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n回答均摘自报告原文，[n] 标注出处，点击可查看原文段落。", elem_id="qa-title")
        chatbot = gr.Chatbot(
            label="对话", show_label=False, elem_id="qa-chat", height="min(560px, 62vh)", sanitize_html=True,
            latex_delimiters=[], feedback_options=None, buttons=[], autoscroll=False,
            group_consecutive_messages=False, placeholder=GREETING,
            examples=[{"text": q} for q in asker.examples] or None,  # the corpus's qa.toml suggests them
        )
        turns = gr.State([], time_to_live=SESSION_TTL_S)
        with gr.Row(equal_height=True, elem_id="qa-ask-row"):
            box = gr.Textbox(label="问题", placeholder=PLACEHOLDER, show_label=False, lines=1, max_lines=4, scale=8,
                             elem_id="qa-input")  # focused by chat.js, never inside a portal's frame
            send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="qa-send")
        with gr.Row(elem_id="qa-tools"):
            retry_btn = gr.Button("重新回答", size="sm", variant="secondary", elem_id="qa-retry")
            clear_btn = gr.Button("清空对话", size="sm", variant="secondary", elem_id="qa-clear")
        with gr.Accordion("设置", open=False, elem_id="qa-settings"):
            k = gr.Slider(1, max_k, value=default_k, step=1, label="引用段落数", elem_id="qa-k",
                          info="每个回答列出的原文段落数")

        io = dict(api_visibility="private", queue=True)
        box.submit(submit, [box, chatbot, turns, k], [box, chatbot, turns], **io)
        send.click(submit, [box, chatbot, turns, k], [box, chatbot, turns], **io)
        chatbot.example_select(ask_example, [chatbot, turns, k], [chatbot, turns], **io)
        retry_btn.click(retry, [chatbot, turns, k], [chatbot, turns], **io)
        clear_btn.click(clear, None, [chatbot, turns, box], **io)
        demo.load(None, js=ON_LOAD_JS)  # in the browser only: see ON_LOAD_JS
    # chat questions go on to the gate's fair lines at once (see CHAT_CONCURRENCY); a bounded backlog beyond that
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY, max_size=CHAT_QUEUE_SIZE)
    return demo


class RootPath:
    """Serve under a reverse proxy's path prefix whether or not the proxy strips it: requests keep their path,
    and `root_path` tells the routers (and Gradio's URLs) which prefix the outside world sees."""

    def __init__(self, app: Any, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            if scope["type"] == "http" and scope["path"] == self.root_path:
                response = RedirectResponse(self.root_path + "/" + (
                    "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""))
                await response(scope, receive, send)
                return
            scope = {**scope, "root_path": self.root_path}
        await self.app(scope, receive, send)


def build_server(assistant: Assistant | AskService, options: ServerOptions | None = None,
                 root_path: str | None = None, feedback: FeedbackBackend | None = None) -> FastAPI:
    """API + chat in one FastAPI app, ready for uvicorn. Feedback goes to `feedback` (default: the file
    beside the index, `qa.web.feedback.open_feedback`)."""
    options = replace(options or ServerOptions(), refused_paths=UPLOAD_PATHS, public_paths=PUBLIC_PATHS)
    asker = assistant if isinstance(assistant, AskService) else AskService(assistant)
    app = create_api(asker, options)
    add_feedback_route(app, feedback or open_feedback(None, asker.settings))
    add_static_routes(app)
    add_web_component_routes(app)

    # Gradio's live-reload stream is for `gradio app.py` development; served here it held a connection open and
    # polled 20 times a second for each caller (issue 21). Declared before the mount, so it wins.
    @app.get(DEV_RELOAD_PATH, include_in_schema=False)
    async def _no_dev_reload() -> Any:
        return error(404, "没有这个地址。")

    demo = build_chat(asker)
    root_path = (root_path or "").rstrip("/")
    app = gr.mount_gradio_app(
        app, demo, path="/", footer_links=[], run_history=False, theme=intranet_theme(), css=CSS,
        root_path=root_path or None, show_error=False, pwa=False, mcp_server=False, max_file_size=1,
        favicon_path=str(FAVICON),
    )
    app.add_middleware(PageMiddleware, title=TITLE, origins=options.cors_origins)
    app.add_middleware(StreamsPerClient)  # a chat page's heartbeat stream stays open: bounded per address
    if root_path:
        app.add_middleware(RootPath, root_path=root_path)
    return app
