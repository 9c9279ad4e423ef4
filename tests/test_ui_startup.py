"""`python ui.py`: ready in seconds on a cached index, one process for chat + API, clear message on a taken port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.pipeline import Assistant

UI = PROJECT_ROOT / "ui.py"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_taken_port_is_reported_in_chinese_at_once(settings: Settings) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(UI), "--port", str(port), "--index", str(settings.index_dir)],
                              capture_output=True, text=True, env=ENV, timeout=60)
    assert done.returncode != 0
    assert f"端口 {port} 已被占用" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 10  # reported before the index or Gradio are loaded


def test_serves_chat_and_api_behind_a_root_path(settings: Settings, assistant: Assistant) -> None:
    """Cached index (built by the session fixture) → ready line within seconds; API, health and page answer
    both with the proxy's prefix and without it (proxies that strip it)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(UI), "--port", str(port), "--index", str(settings.index_dir),
         "--corpus", str(settings.corpus_dir), "--root-path", "/qa/"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
    try:
        started = time.monotonic()
        line = ""
        while "已就绪" not in line:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "ui.py exited before it was ready"
            assert time.monotonic() - started < 60
        ready_after = time.monotonic() - started
        assert f"http://127.0.0.1:{port}/qa/" in line
        base = f"http://127.0.0.1:{port}"
        for prefix in ("/qa", ""):
            with urllib.request.urlopen(f"{base}{prefix}/healthz", timeout=10) as r:
                assert json.load(r)["status"] == "ok"
        request = urllib.request.Request(f"{base}/qa/api/ask", method="POST",
                                         data=json.dumps({"question": "寒武纪是哪一年成立的？"}).encode("utf-8"),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert "2016" in json.load(r)["answer"]
        with urllib.request.urlopen(f"{base}/qa/config", timeout=10) as r:
            assert json.load(r)["root"].rstrip("/").endswith("/qa")
        print(f"ui.py ready after {ready_after:.1f} s")
        assert ready_after < 30
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_chat_server_and_cli_share_the_source_options() -> None:
    """ui.py knows every option `qa` uses to open an index (an index built with prompts is opened with them)."""
    ui_help = subprocess.run([sys.executable, str(UI), "--help"], capture_output=True, text=True, env=ENV,
                             timeout=60).stdout
    cli_help = subprocess.run([sys.executable, "-m", "qa", "ask", "--help"], capture_output=True, text=True,
                              env=ENV, timeout=60, cwd=PROJECT_ROOT).stdout
    for option in ("--corpus", "--index", "--embedder", "--query-prompt", "--passage-prompt"):
        assert option in ui_help and option in cli_help
