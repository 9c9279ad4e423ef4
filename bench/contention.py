"""Latency next to a CPU hog: p95 over HTTP idle vs with one busy process beside the server, as a ratio.

    .venv/bin/python bench/contention.py            # ~2 min, writes bench/results/contention.json

Starts the real `ui.py` (bench/.index), asks the dev questions one at a time from one client, alternating
rounds without and with one CPU-bound process (`while True: pass`) so both conditions see the same machine
load from others; the ratio is taken within the run. The same rounds are then run against a server started
with OpenMP's old defaults (`OMP_WAIT_POLICY=ACTIVE`, one thread per core) to show what the policy changes.
Target (issue 11): p95 with one hog ≤ 1.5 × idle p95.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import summary, write_result  # noqa: E402
from serving import OLD_POLICY, closed_loop, cpu_hogs, ensure_index, ui_server  # noqa: E402


def rounds(base: str, requests: int, repeats: int) -> dict[str, object]:
    closed_loop(base, 1, requests=30)  # warm-up
    idle: list[float] = []
    hog: list[float] = []
    per_round = []
    for _ in range(repeats):
        a, _ = closed_loop(base, 1, requests=requests)
        with cpu_hogs(1):
            b, _ = closed_loop(base, 1, requests=requests)
        idle += a
        hog += b
        per_round.append(round(summary(b)["p95_ms"] / summary(a)["p95_ms"], 2))
    result = {"idle": summary(idle), "one_hog": summary(hog), "per_round_p95_ratio": per_round}
    result["p95_ratio"] = round(result["one_hog"]["p95_ms"] / result["idle"]["p95_ms"], 2)  # type: ignore[index]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per round and condition")
    parser.add_argument("--repeats", type=int, default=3, help="idle/hog round pairs")
    parser.add_argument("--skip-old", action="store_true", help="do not run the old-policy comparison")
    args = parser.parse_args()
    ensure_index()
    out: dict[str, object] = {"command": "bench/contention.py", "requests_per_round": args.requests,
                              "repeats": args.repeats}
    with ui_server() as base:
        out["policy"] = rounds(base, args.requests, args.repeats)
    print(json.dumps({"policy": out["policy"]}, ensure_ascii=False), flush=True)
    if not args.skip_old:
        with ui_server(OLD_POLICY) as base:
            out["old_defaults"] = {"env": OLD_POLICY, **rounds(base, args.requests, args.repeats)}
        print(json.dumps({"old_defaults": out["old_defaults"]}, ensure_ascii=False), flush=True)
    write_result("contention", out)
    ratio = out["policy"]["p95_ratio"]  # type: ignore[index]
    print(f"p95 with one hog / idle p95 = {ratio} (target ≤ 1.5)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
