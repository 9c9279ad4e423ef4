"""Hostile load against a real `ui.py` on loopback, before and after issue 21: bounded loops, figures printed.

    nice -n 15 .venv/bin/python bench/attack.py                          # this tree (~2 min)
    nice -n 15 .venv/bin/python bench/attack.py --root /tmp/qa-before    # another checkout (git archive 6ba9a2b)

Three attacks, each bounded in time and count, every client on 127.0.0.0/8:

1. **one client fills the queue**: `--hog-connections` keep-alive connections from 127.0.0.2 each looping a
   496-character question, while an ordinary client on 127.0.0.1 asks a dev question every 0.5 s. Reported: the
   ordinary client's statuses and p95 (beside its p95 alone; with `--rounds N` the two conditions alternate N
   times and are pooled, so both see the same background load), `/healthz` statuses, the hog's statuses.
2. **silent connections**: `--silent` connections (from 127.0.0.3…, in child processes so the clients' own file
   limit is not the bound) that send nothing, held for `--seconds`; the ordinary client asks every 0.5 s
   meanwhile. Reported: its answers / timeouts, p95, how many silent connections were still open at the end and
   how many bytes the server logged.
3. **feedback flood**: one client posts maximum-size votes as fast as they are answered for `--seconds` (at most
   10,000). Reported: statuses, the feedback file's growth, then `qa feedback export`'s peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, summary, write_result  # noqa: E402
from load_test import HOST, free_port, stop_server, valid_questions, wait_ready  # noqa: E402

import httpx  # noqa: E402

HOG_QUESTION = ("请问" + "北京市海淀区人工智能企业的融资情况和发展趋势如何" * 22)[:496]
#: the largest vote the 64 KB body cap lets through (question and comment at their 2,000-character limits)
VOTE = {"question": "问" * 2000, "answer": "答" * 17000, "rating": "down", "comment": "评" * 2000}
MAX_VOTES = 10_000
SILENT_PER_PROCESS = 12_500

SILENT_CHILD = """
import socket, sys, time
host, port, source, count, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
held = []
deadline = time.monotonic() + seconds
for _ in range(count):
    if time.monotonic() > deadline:
        break
    s = socket.socket()
    s.setblocking(False)
    s.bind((source, 0))
    try:
        s.connect((host, port))
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        continue
    held.append(s)
print(len(held), flush=True)
time.sleep(max(0.0, deadline - time.monotonic()))
alive = 0
for s in held:
    try:
        alive += 0 if s.recv(1) == b"" else 1
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
print(alive, flush=True)
"""


def start_ui(root: Path, port: int, index: Path, feedback: Path, log: Path) -> subprocess.Popen[bytes]:
    """`ui.py` of the checkout at `root`, its stderr (the server's log) into `log`."""
    env = {**os.environ, "QA_INDEX": str(index), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "ui.py", "--host", HOST, "--port", str(port), "--feedback",
                                 str(feedback)], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)


def ordinary_client(base: str, seconds: float, every_s: float = 0.5, timeout: float = 5.0,
                    statuses: dict[str, int] | None = None, latencies: list[float] | None = None) -> dict[str, object]:
    """A person's client: one dev question every `every_s`, new connection each time; statuses and latencies
    (added to `statuses` and `latencies` when given, so rounds can be pooled)."""
    questions = valid_questions()
    statuses = {} if statuses is None else statuses
    latencies = [] if latencies is None else latencies
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            r = httpx.post(f"{base}/api/ask", json={"question": questions[i % len(questions)], "k": 3},
                           timeout=timeout)
            key = str(r.status_code)
            if r.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
        except httpx.HTTPError as exc:
            key = type(exc).__name__
        statuses[key] = statuses.get(key, 0) + 1
        i += 1
        time.sleep(max(0.0, every_s - (time.perf_counter() - started)))
    return {"statuses": statuses, "answered": summary(latencies)}


async def _hog(host: str, port: int, connections: int, seconds: float, body: bytes) -> dict[str, int]:
    """`connections` keep-alive connections from 127.0.0.2 each posting `body` to /api/ask in a loop."""
    request = (f"POST /api/ask HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    async def one() -> None:
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.2", 0))
        except OSError:
            statuses["connect failed"] = statuses.get("connect failed", 0) + 1
            return
        try:
            while time.monotonic() < deadline:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                status = head.split(b" ", 2)[1].decode()
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                statuses[status] = statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            statuses["closed"] = statuses.get("closed", 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return statuses


def health_sampler(base: str, seconds: float, into: dict[str, int]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            key = str(httpx.get(f"{base}/healthz", timeout=5).status_code)
        except httpx.HTTPError as exc:
            key = type(exc).__name__
        into[key] = into.get(key, 0) + 1
        time.sleep(0.5)


def drain(base: str, timeout: float = 60.0) -> None:
    """Wait until the hog's questions still in the gate are done, so the next round alone is alone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queue = httpx.get(f"{base}/healthz", timeout=5).json().get("queue", {})
        if not queue.get("waiting") and not queue.get("running"):
            return
        time.sleep(0.25)


def queue_attack(base: str, port: int, connections: int, seconds: float, rounds: int) -> dict[str, object]:
    """`rounds` rounds of the ordinary client alone, then beside the hog, `seconds` of each in all: on a machine
    shared with other jobs, alternating lets both conditions see the same background load."""
    pooled: dict[str, tuple[dict[str, int], list[float]]] = {"alone": ({}, []), "beside": ({}, [])}
    hog: dict[str, int] = {}
    health: dict[str, int] = {}
    by_round = []
    body = json.dumps({"question": HOG_QUESTION, "k": 3}, ensure_ascii=False).encode()
    share = seconds / rounds
    for _ in range(rounds):
        first = {name: len(latencies) for name, (_, latencies) in pooled.items()}
        ordinary_client(base, share, statuses=pooled["alone"][0], latencies=pooled["alone"][1])
        statuses: dict[str, int] = {}

        def flood(into: dict[str, int] = statuses) -> None:
            into.update(asyncio.run(_hog(HOST, port, connections, share + 2, body)))

        hog_thread = threading.Thread(target=flood)
        hog_thread.start()
        time.sleep(1.0)
        sampler = threading.Thread(target=health_sampler, args=(base, share, health))
        sampler.start()
        ordinary_client(base, share, statuses=pooled["beside"][0], latencies=pooled["beside"][1])
        sampler.join()
        hog_thread.join()
        for key, count in statuses.items():
            hog[key] = hog.get(key, 0) + count
        drain(base)
        by_round.append({f"{name}_p95_ms": summary(latencies[first[name]:])["p95_ms"]
                         for name, (_, latencies) in pooled.items()})
    alone_all, beside_all = ({"statuses": st, "answered": summary(lat)} for st, lat in pooled.values())
    return {"hog_connections": connections, "rounds": by_round, "ordinary_alone": alone_all,
            "ordinary_beside_hog": beside_all, "p95_ratio": round(beside_all["answered"]["p95_ms"]
                                                                 / alone_all["answered"]["p95_ms"], 2),
            "healthz": health, "hog_statuses": hog}


def silent_attack(base: str, port: int, count: int, seconds: float, log: Path) -> dict[str, object]:
    log_before = log.stat().st_size
    children = []
    for n in range((count + SILENT_PER_PROCESS - 1) // SILENT_PER_PROCESS):
        share = min(SILENT_PER_PROCESS, count - n * SILENT_PER_PROCESS)
        children.append(subprocess.Popen([sys.executable, "-c", SILENT_CHILD, HOST, str(port), f"127.0.0.{3 + n}",
                                          str(share), str(seconds)], stdout=subprocess.PIPE, text=True,
                                         preexec_fn=_most_files))
    opened = sum(int(child.stdout.readline() or 0) for child in children)
    during = ordinary_client(base, seconds=max(1.0, seconds - 3.0))
    still_open = sum(int(child.stdout.readline() or 0) for child in children)
    for child in children:
        child.wait(timeout=60)
    time.sleep(2.0)
    after = ordinary_client(base, seconds=3.0)
    return {"silent_opened": opened, "silent_still_open_at_end": still_open, "ordinary_during": during,
            "ordinary_after": after, "server_log_bytes": log.stat().st_size - log_before}


def _most_files() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def feedback_attack(base: str, seconds: float, feedback: Path, root: Path) -> dict[str, object]:
    size_before = _db_bytes(feedback)
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30, transport=httpx.HTTPTransport(local_address="127.0.0.5")) as client:
        for _ in range(MAX_VOTES):
            if time.monotonic() > deadline:
                break
            key = str(client.post("/api/feedback", json=VOTE).status_code)
            statuses[key] = statuses.get(key, 0) + 1
    grown = _db_bytes(feedback) - size_before
    with tempfile.TemporaryDirectory() as out:
        export = subprocess.Popen([sys.executable, "-m", "qa", "feedback", "export", "--feedback", str(feedback),
                                   "--out", str(Path(out) / "fb.jsonl")], cwd=root, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        _, code, usage = os.wait4(export.pid, 0)
        export.returncode = code
    return {"seconds": seconds, "statuses": statuses, "file_growth_bytes": grown,
            "export_peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def _db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose ui.py is attacked")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each attack")
    parser.add_argument("--hog-connections", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=1, help="queue attack: alternate alone / beside the hog")
    parser.add_argument("--silent", type=int, default=25_000)
    parser.add_argument("--label", default="after", help="name of this run in bench/results/attack.json")
    parser.add_argument("--attacks", default="queue,feedback,silent", help="which attacks, comma-separated")
    args = parser.parse_args()
    root = args.root.resolve()
    work = Path(tempfile.mkdtemp(prefix="qa-attack-"))
    port = free_port()
    log = work / "server.log"
    feedback = work / "feedback.sqlite3"
    index = root / "bench" / ".index"
    proc = start_ui(root, port, index, feedback, log)
    base = f"http://{HOST}:{port}"
    results: dict[str, object] = {"root": str(root), "commit": machine()["commit"] if root == ROOT else "",
                                  "seconds": args.seconds}
    try:
        wait_ready(base, proc, timeout=900)
        ordinary_client(base, seconds=2.0)  # warm-up
        attacks = {"queue": ("one_client_fills_the_queue",
                             lambda: queue_attack(base, port, args.hog_connections, args.seconds, args.rounds)),
                   "feedback": ("feedback_flood", lambda: feedback_attack(base, args.seconds, feedback, root)),
                   "silent": ("silent_connections", lambda: silent_attack(base, port, args.silent, args.seconds, log))}
        for name in args.attacks.split(","):
            key, attack = attacks[name.strip()]
            results[key] = attack()
            print(json.dumps(results[key], ensure_ascii=False), flush=True)
    finally:
        stop_server(proc)
    path = ROOT / "bench" / "results" / "attack.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    saved.pop("machine", None)
    saved[args.label] = results
    write_result("attack", saved)
    for part in work.iterdir():
        part.unlink()
    work.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
