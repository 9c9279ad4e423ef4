"""`python ui.py`: ready in seconds on a cached index, one process for chat + API, clear message on a taken port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request


from qa.config import PROJECT_ROOT, Settings
from qa.pipeline import Assistant

UI = PROJECT_ROOT / "ui.py"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}


#: How long a start may take before the test calls it hung: a bound against waiting forever, not a speed target
#: (the shared CI cores have taken over 120 s under load).
HANG = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_taken_port_is_reported_in_chinese_at_once(settings: Settings) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        done = subprocess.run([sys.executable, str(UI), "--port", str(port), "--index", str(settings.index_dir)],
                              capture_output=True, text=True, env=ENV, timeout=HANG)
    assert done.returncode != 0
    assert f"端口 {port} 已被占用" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr


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
            assert time.monotonic() - started < HANG, "ui.py never said it was ready"
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
        print(f"ui.py ready after {ready_after:.1f} s")  # a figure for the log; timings belong in bench/
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


def start_ui(settings: Settings, *extra: str) -> tuple[subprocess.Popen[str], int]:
    """ui.py on a free port over the session index, once it has printed its ready line."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(UI), "--port", str(port), "--index", str(settings.index_dir),
         "--corpus", str(settings.corpus_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    line = ""
    while "已就绪" not in line:
        line = proc.stdout.readline()
        assert line or proc.poll() is None, f"ui.py exited before it was ready: {proc.stderr.read()}"
    return proc, port


def test_aborted_bodies_log_one_line_and_sigterm_ends_open_streams(settings: Settings, assistant: Assistant) -> None:
    """A client that goes away mid-body costs one log line, no traceback; SIGTERM ends the server within the
    10 s an orchestrator waits, although a chat page holds an event stream open."""
    proc, port = start_ui(settings)
    try:
        for path in ("/api/ask", "/gradio_api/queue/join"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                raw.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            f"Content-Length: 50000\r\n\r\n".encode("ascii") + b'{"question": "' + b"a" * 1000)
        stream = socket.create_connection(("127.0.0.1", port), timeout=10)  # what an open chat page holds
        stream.sendall(b"GET /gradio_api/heartbeat/abc HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        assert stream.recv(100).startswith(b"HTTP/1.1 200")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            assert r.status == 200  # the aborted requests are logged by now (they came first)
        proc.terminate()
        _, err = proc.communicate(timeout=10)
        stream.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err, err[-3000:]
    aborted = [line for line in err.splitlines() if "断开" in line]
    assert len(aborted) == 2 and all("请求体" in line for line in aborted), err[-3000:]
