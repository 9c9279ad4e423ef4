"""The `/healthz` report: which index is served, whether it is stale or gone, and whether questions starve.

Contract (../shared/NOTES.md): 200 with `{"status": "ok", "built_at", "passages", "stale", ...}` while the server
can answer. A monitor must see trouble, so it gets 503 when the index folder has gone (`index_missing`: the
server still answers from memory but would not survive a restart), when the served build's files were changed
in place (`index_damaged`: answers may already be wrong; the server keeps answering from what it loaded until a
rebuild is swapped in) or when the oldest waiting question has waited longer than `STARVED_AFTER_S` (`busy`).
"""

from __future__ import annotations

from typing import Any

from qa.serving.live import IndexStatus

#: A question waiting this long means the server is starved (a normal wait is a few answer times, ≤ ~0.2 s).
STARVED_AFTER_S = 2.0


def health_report(index: IndexStatus, waiting: int, running: int, oldest_wait_s: float) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for `/healthz`."""
    manifest = index.manifest
    if index.missing:
        status = "index_missing"
    elif index.damaged:
        status = "index_damaged"
    elif oldest_wait_s > STARVED_AFTER_S:
        status = "busy"
    else:
        status = "ok"
    body: dict[str, Any] = {
        "status": status,
        "built_at": manifest.built_at,
        "passages": manifest.passages,
        "stale": index.stale,
        "embedder": manifest.embedder_id,
        "queue": {"waiting": waiting, "running": running, "oldest_wait_ms": round(oldest_wait_s * 1000, 1)},
    }
    if index.problem or index.damaged:
        body["problem"] = index.damaged or index.problem
    return (200 if status == "ok" else 503), body
