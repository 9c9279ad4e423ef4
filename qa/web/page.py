"""The chat page as the server sends it: Chinese markup, our own icon and link-preview text, no off-box URLs,
and the page script (`static/chat.js`) — plus the static files and the `/embed.js` bubble widget.

Gradio renders its page from a fixed template (`lang="en"`, Gradio's link-preview metadata with an image on a
GitHub host) and picks its UI language from the browser. `PageMiddleware` rewrites that one HTML response: it
sets `lang="zh-CN"`, drops the og:/twitter: metadata and the web-app manifest link, and puts ours first in
<head>, with a tiny script that makes Gradio choose its zh-CN strings whatever the browser's language.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import parse_qs

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
#: Files under /qa-static/ (an explicit list: nothing else in the folder is served).
STATIC_FILES = {"chat.js": "text/javascript; charset=utf-8", "embed.js": "text/javascript; charset=utf-8",
                "favicon.svg": "image/svg+xml"}
FAVICON = STATIC_DIR / "favicon.svg"
DESCRIPTION = "就报告内容提问，回答摘自报告原文并标注出处。"

_HTML_LANG = re.compile(r"<html(\s+)lang=\"[^\"]*\"")
_PREVIEW_META = re.compile(r"<meta\s+(?:property|name)=\"(?:og|twitter):[^\"]*\"\s+content=\"[^\"]*\"\s*/?>\s*")
_MANIFEST = re.compile(r"<link\s+rel=\"manifest\"[^>]*>\s*")
_CHARSET = re.compile(r"<meta\s+charset=\"utf-8\"\s*/?>", re.IGNORECASE)
#: Gradio's frontend takes its language from navigator.language; this runs before its module scripts.
_FORCE_LOCALE = ("<script>(function(){try{var p=Navigator.prototype;"
                 "Object.defineProperty(p,'language',{get:function(){return 'zh-CN'}});"
                 "Object.defineProperty(p,'languages',{get:function(){return ['zh-CN','zh']}});}catch(e){}})();"
                 "</script>")


#: With `?token=` in the address: is the cookie the server just set really kept? A portal on another site
#: framing the chat over http gets it refused (SameSite), and Gradio would then show a blank frame. Inline,
#: because without the cookie even /qa-static/chat.js is refused. Kept → the token leaves the address bar.
_TOKEN_CHECK = """<script>(function(){var u=new URL(location.href);if(!u.searchParams.has("token"))return;
fetch(new URL("config",location.href),{credentials:"same-origin"}).then(function(r){
if(r.ok){u.searchParams.delete("token");history.replaceState(history.state,"",u.pathname+u.search+u.hash);return;}
function show(){var d=document.createElement("div");d.setAttribute("role","alert");d.className="qa-blocked";
d.style.cssText="position:fixed;inset:0;z-index:2147483647;background:#fff;color:#1f2937;padding:24px;"+
"font:16px/1.8 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;overflow:auto";
d.innerHTML="<h1 style='font-size:1.3em;margin:0 0 .5em'>报告问答助手无法在这里打开</h1>"+
"<p>浏览器没有保存访问令牌。页面被另一个网站嵌入、并且助手不是通过 https 提供时，浏览器会拒绝保存令牌 Cookie。</p>"+
"<p><a target='_blank' rel='noopener' style='color:#1d4ed8;font-weight:600'>在新窗口中打开问答</a></p>"+
"<p style='color:#4b5563;font-size:.9em'>管理员可以：用 https 提供助手（令牌 Cookie 为 SameSite=None; Secure），"+
"或把助手放在门户的同一站点下（反向代理 + --root-path）。</p>";d.querySelector("a").href=location.href;
document.body.appendChild(d);}
if(document.body)show();else document.addEventListener("DOMContentLoaded",show);});})();</script>"""


def page_head(title: str, parent_origin: str | None, token_in_url: bool = False) -> str:
    """What goes first in <head>: description, icon, forced zh-CN, the token check when the address carries
    one, the embedding parent (when allowed), chat.js."""
    parent = (f"<script>window.__QA_PARENT_ORIGIN__={json.dumps(parent_origin)};</script>"
              if parent_origin else "")
    parent += _TOKEN_CHECK if token_in_url else ""
    return (f'<meta name="description" content="{html.escape(DESCRIPTION)}" />'
            f'<meta property="og:title" content="{html.escape(title)}" />'
            f'<meta property="og:description" content="{html.escape(DESCRIPTION)}" />'
            '<link rel="icon" type="image/svg+xml" href="./qa-static/favicon.svg" />'
            f'{_FORCE_LOCALE}{parent}<script src="./qa-static/chat.js" defer></script>')


def rewrite_page(page: str, head: str) -> str:
    """Gradio's page → ours: zh-CN, no link-preview metadata or manifest link, `head` right after the charset."""
    page = _HTML_LANG.sub(r'<html\1lang="zh-CN"', page, count=1)
    page = _PREVIEW_META.sub("", page)
    page = _MANIFEST.sub("", page)
    return _CHARSET.sub(lambda m: m.group() + head, page, count=1)


def allowed_parent(query_string: bytes, origins: Sequence[str]) -> str | None:
    """The `?embed=<origin>` of a widget iframe when that origin is on the CORS allow-list (only such a page
    may receive answers by postMessage — the same rule that guards `/api/ask`)."""
    claimed = (parse_qs(query_string.decode("latin-1")).get("embed") or [""])[0]
    return claimed if claimed and ("*" in origins or claimed in origins) else None


class PageMiddleware:
    """Rewrites the chat page's HTML (GET/HEAD of the app's root), leaves every other response alone."""

    def __init__(self, app: ASGIApp, title: str, origins: Sequence[str]) -> None:
        self.app = app
        self.title = title
        self.origins = tuple(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or path not in ("", "/"):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        head = page_head(self.title, allowed_parent(query, self.origins), token_in_url=b"token=" in query)
        start: dict[str, Any] | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = dict(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            content = b"".join(body)
            kinds = [v for k, v in headers if k.lower() == b"content-type"]
            encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
            if start["status"] == 200 and kinds and kinds[0].startswith(b"text/html") and not encoded:
                content = rewrite_page(content.decode("utf-8"), head).encode("utf-8")
            headers.append((b"content-length", str(len(content)).encode("latin-1")))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": content if scope["method"] == "GET" else b""})

        await self.app(scope, receive, rewrite)


def add_static_routes(app: FastAPI) -> None:
    """/qa-static/<file> (page script, icon) and /embed.js (the portal widget), all from this package."""

    def static(name: str) -> Response:
        return Response((STATIC_DIR / name).read_bytes(), media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "no-cache"})

    @app.get("/qa-static/{name}", include_in_schema=False)
    def qa_static(name: str) -> Response:
        if name not in STATIC_FILES:
            return Response("没有这个文件。", status_code=404, media_type="text/plain; charset=utf-8")
        return static(name)

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> Response:
        """The bubble widget: loaded by a plain <script src> on any portal, so no CORS is needed for it."""
        return static("embed.js")


def add_web_component_routes(app: FastAPI) -> None:
    """`/gradio.js` for portals using Gradio's `<gradio-app>`: our small loader (`static/gradio-loader.js`) that
    says in Chinese why the chat cannot load (origin not allow-listed, token needed) instead of staying blank,
    then loads our page script and Gradio's own loader (`/gradio-web.js`, served here, not from Gradio's CDN)."""
    gradio_loader = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"

    @app.get("/gradio.js", include_in_schema=False)
    def web_component_loader() -> Response:
        # any page may load this script (module scripts need CORS); what it may load after is still guarded
        return Response((STATIC_DIR / "gradio-loader.js").read_bytes(), media_type=STATIC_FILES["chat.js"],
                        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})

    @app.get("/gradio-web.js", include_in_schema=False)
    def gradio_web_component() -> Response:
        return Response(gradio_loader.read_bytes(), media_type=STATIC_FILES["chat.js"],
                        headers={"Cache-Control": "no-cache"})
