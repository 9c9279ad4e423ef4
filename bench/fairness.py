"""Fair queueing over HTTP: how long an ordinary question waits while 8 clients keep asking the slowest shape.

    .venv/bin/python bench/fairness.py            # ~1 min, writes bench/results/fairness.json

Real `ui.py` (bench/.index). Rounds alternate: one client asking the dev questions alone; the same client while
8 clients on another host (127.0.0.2) ask 500-character questions of the costliest shape `bench/worst_case.py`
found (random CJK with Latin letters between) as fast as they are answered; and the same again with the 8 on
the ordinary client's own host, where they share its line at the gate — what plain first-come-first-served
order gives. Before issue 11, eight such clients made an ordinary question wait 16 s. Now each question's work
is bounded, and clients take turns at the gate (`qa.serving.gate`): an ordinary question waits for the questions
already running, not for another host's backlog.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import summary, write_result  # noqa: E402
from serving import closed_loop, ensure_index, rounds_parser, ui_server  # noqa: E402
from worst_case import shapes  # noqa: E402

SLOW_SHAPE = "random CJK and latin"
QUESTION_CHARS = 500
ORDINARY_HOST = "127.0.0.1"
SLOW_HOST = "127.0.0.2"


def main() -> int:
    parser = rounds_parser(__doc__, seconds=8.0)
    parser.add_argument("--slow-clients", type=int, default=8)
    args = parser.parse_args()
    ensure_index()
    slow_questions = [shapes(QUESTION_CHARS, seed)[SLOW_SHAPE] for seed in range(20)]
    ordinary: dict[str, list[float]] = {"alone": [], "slow clients on another host": [],
                                        "slow clients on its own host": []}
    slow: list[float] = []
    with ui_server() as base:
        closed_loop(base, 2, requests=40)  # warm-up
        for _ in range(args.repeats):
            ordinary["alone"] += closed_loop(base, 1, seconds=args.seconds)[0]
            for condition, host in (("slow clients on another host", SLOW_HOST),
                                    ("slow clients on its own host", ORDINARY_HOST)):
                slow_round: list[float] = []

                def keep_slow_clients_busy(host: str = host, into: list[float] = slow_round) -> None:
                    into += closed_loop(base, args.slow_clients, seconds=args.seconds + 1, questions=slow_questions,
                                        local_address=host)[0]

                background = threading.Thread(target=keep_slow_clients_busy)
                background.start()
                ordinary[condition] += closed_loop(base, 1, seconds=args.seconds, local_address=ORDINARY_HOST)[0]
                background.join()
                slow += slow_round
    out: dict[str, object] = {
        "command": "bench/fairness.py", "seconds_per_round": args.seconds, "repeats": args.repeats,
        "slow_clients": args.slow_clients, "slow_shape": f"{SLOW_SHAPE}, {QUESTION_CHARS} characters",
        "ordinary": {name: summary(ms) for name, ms in ordinary.items()}, "slow_questions": summary(slow)}
    write_result("fairness", out)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    for name, s in out["ordinary"].items():  # type: ignore[union-attr]
        print(f"ordinary question, {name:30s} p50 {s['p50_ms']:6.0f}  p95 {s['p95_ms']:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
