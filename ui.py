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

from qa.options import add_feedback_option, add_source_options, settings_from  # noqa: E402  (after the environment is set)


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
    sock = socket.socket(family, socket.SOCK_STREAM)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    sock = bind(args.host, args.port)

    import uvicorn

    from qa.api import ServerOptions
    from qa.errors import UserError
    from qa.pipeline import Assistant
    from qa.web.app import build_server
    from qa.web.feedback import FeedbackStore, feedback_path

    try:
        settings = settings_from(args)
        feedback = FeedbackStore(feedback_path(args.feedback, settings))
        assistant = Assistant(settings, show_progress=True)
    except UserError as exc:
        sock.close()
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    origins = args.cors_origin or [o.strip() for o in os.environ.get("QA_CORS_ORIGINS", "").split(",") if o.strip()]
    options = ServerOptions(token=args.token or os.environ.get("QA_TOKEN") or None, cors_origins=tuple(origins))
    root_path = args.root_path.rstrip("/")
    app = build_server(assistant, options, root_path=root_path or None, feedback=feedback)

    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown_host}:{args.port}{root_path}/"
    print(f"已就绪（{time.perf_counter() - started:.1f} 秒，{assistant.index.manifest.passages} 个段落）：{url}"
          + ("  （需要访问令牌）" if options.token else ""), flush=True)
    config = uvicorn.Config(app, log_level="warning", proxy_headers=True,
                            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
