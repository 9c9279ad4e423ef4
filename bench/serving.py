"""Shared by the serving benchmarks: a real `ui.py` on loopback, closed-loop HTTP clients, a CPU hog."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT  # noqa: E402
from load_test import HOST, INDEX, free_port, start_server, stop_server, valid_questions, wait_ready  # noqa: E402

import httpx  # noqa: E402

#: What the server ran with before issue 11 (OpenMP's defaults: spinning waits, one thread per core).
OLD_POLICY = {"OMP_WAIT_POLICY": "ACTIVE", "OMP_NUM_THREADS": str(os.cpu_count() or 2)}
HOG = "while True: pass"


def rounds_parser(doc: str, seconds: float) -> argparse.ArgumentParser:
    """Command line of a benchmark measured in alternating rounds: their length and how many of each."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=seconds, help="length of one round")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of each condition")
    return parser


def ensure_index() -> None:
    """bench/.index built once, so a server start is never a build."""
    from qa.config import Settings
    from qa.index.build import build_index
    from qa.index.loader import problem_with

    settings = Settings.from_env(index_dir=INDEX)
    if problem_with(settings, None) is not None:
        build_index(settings, show_progress=False)


@contextmanager
def ui_server(extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`python ui.py` on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    proc = start_server("ui", port, extra_env)
    base = f"http://{HOST}:{port}"
    try:
        wait_ready(base, proc, timeout=120)
        yield base
    finally:
        stop_server(proc)


@contextmanager
def cpu_hogs(n: int) -> Iterator[None]:
    """`n` processes that each keep one core busy (another service, a `qa index`, a second worker)."""
    procs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(n)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def closed_loop(base: str, clients: int, seconds: float | None = None, requests: int | None = None,
                questions: list[str] | None = None, local_address: str | None = None) -> tuple[list[float], float]:
    """`clients` threads each asking the next question (default: the dev questions) as soon as the last is
    answered, for `seconds` or until `requests` in all; returns (latencies in ms, elapsed seconds). Any non-200
    aborts the run. `local_address` (e.g. 127.0.0.2: all of 127/8 is loopback) makes the clients another host
    to the server."""
    questions = questions or valid_questions()
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds if seconds else None
    errors: list[str] = []

    def worker() -> None:
        transport = httpx.HTTPTransport(local_address=local_address) if local_address else None
        with httpx.Client(base_url=base, timeout=60.0, transport=transport) as client:
            while True:
                i = next(counter)
                if (requests is not None and i >= requests) or (deadline and time.perf_counter() > deadline):
                    return
                started = time.perf_counter()
                r = client.post("/api/ask", json={"question": questions[i % len(questions)], "k": 3})
                ms = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
                    return
                with lock:
                    latencies.append(ms)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"request failed: {errors[0]}")
    return latencies, time.perf_counter() - started


def wrk_rate(base: str, connections: int, seconds: float) -> float | None:
    """Requests per second from `wrk` (a C load generator) with `connections` closed-loop connections asking the
    dev questions in turn; None when wrk is not installed (Debian: apt-get install wrk). A Python client spends
    as much CPU per request as the server's HTTP layer does and shares the same two cores, so it understates
    what the server does for clients on other machines."""
    if shutil.which("wrk") is None:
        return None
    bodies = ",\n".join(json.dumps(json.dumps({"question": q, "k": 3}, ensure_ascii=False), ensure_ascii=False)
                        for q in valid_questions())
    script = (f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nbodies = {{{bodies}}}\n'
              "counter = 0\nrequest = function()\n  counter = counter + 1\n"
              "  return wrk.format(nil, '/api/ask', nil, bodies[(counter % #bodies) + 1])\nend\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", f.name, base],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw failed requests:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


__all__ = ["OLD_POLICY", "ROOT", "closed_loop", "cpu_hogs", "ensure_index", "rounds_parser", "ui_server", "wrk_rate"]
