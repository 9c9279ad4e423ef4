"""The chat page as served: zh-CN, our own icon and link preview, no off-box URL; the widget's parent check."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qa.api import ServerOptions
from qa.pipeline import Assistant
from qa.web.app import build_server
from qa.web.page import allowed_parent, page_head, rewrite_page

GRADIO_HEAD = ('<!doctype html>\n<html\n\tlang="en"\n\tstyle="margin: 0;">\n<head>\n<meta charset="utf-8" />\n'
               '<meta property="og:title" content="Gradio" />\n<meta\n\t\t\tproperty="og:image"\n'
               '\t\t\tcontent="https://raw.githubusercontent.com/x.jpg"\n\t\t/>\n'
               '<meta name="twitter:creator" content="@Gradio" />\n<link rel="manifest" href="/manifest.json" />\n'
               '</head><body></body></html>')


def test_rewrite_sets_zh_cn_and_drops_foreign_metadata() -> None:
    out = rewrite_page(GRADIO_HEAD, page_head("报告问答助手", None))
    assert 'lang="zh-CN"' in out and 'lang="en"' not in out
    assert "Gradio" not in out and "githubusercontent" not in out and "manifest" not in out
    assert out.index("favicon.svg") < out.index("</head>") and "chat.js" in out
    assert "zh-CN" in page_head("t", None) and "__QA_PARENT_ORIGIN__" not in page_head("t", None)


def test_parent_origin_only_when_allow_listed() -> None:
    assert allowed_parent(b"embed=http%3A%2F%2Fportal.corp", ("http://portal.corp",)) == "http://portal.corp"
    assert allowed_parent(b"embed=http%3A%2F%2Fevil.example", ("http://portal.corp",)) is None
    assert allowed_parent(b"", ("*",)) is None
    assert allowed_parent(b"embed=http%3A%2F%2Fany.corp", ("*",)) == "http://any.corp"


def test_served_page_has_no_off_box_url(assistant: Assistant, tmp_path) -> None:  # noqa: ANN001
    from qa.web.feedback import FeedbackStore

    app = build_server(assistant, ServerOptions(), feedback=FeedbackStore(tmp_path / "f.sqlite3"))
    client = TestClient(app, base_url="http://qa-host:7860")
    page = client.get("/")
    assert page.status_code == 200 and page.text.count('lang="zh-CN"') >= 1
    foreign = [u for u in re.findall(r"https?://[^\s\"'<>)\\]+", page.text) if not u.startswith("http://qa-host:7860")]
    assert foreign == []
    assert client.get("/qa-static/favicon.svg").headers["content-type"].startswith("image/svg+xml")
    assert client.get("/qa-static/../page.py").status_code == 404
    assert client.get("/embed.js").text.count("ReportQA") >= 1
    assert client.get("/gradio.js").headers["access-control-allow-origin"] == "*"
