"""Throughput with 1 and with 8 concurrent clients against the real `ui.py`, as a ratio measured in one run.

    .venv/bin/python bench/throughput.py            # ~1 min, writes bench/results/throughput.json

Closed loop: each client asks the next dev question as soon as its last answer arrives. Rounds alternate
1 client / 8 clients so both see the same background load. Target (issue 11): 8-client ≥ 1.8 × one client.
Measured twice in the same run: with Python clients (httpx threads) and, when `wrk` is installed, with wrk
connections — the Python clients share the server's two cores and spend about as much CPU per request as the
server's HTTP layer, so the wrk ratio is the one that says what the server does for clients elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import summary, write_result  # noqa: E402
from serving import closed_loop, ensure_index, rounds_parser, ui_server, wrk_rate  # noqa: E402


def main() -> int:
    parser = rounds_parser(__doc__, seconds=10.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    ensure_index()
    one: list[float] = []
    many: list[float] = []
    lat_one: list[float] = []
    lat_many: list[float] = []
    wrk_one: list[float] = []
    wrk_many: list[float] = []
    with ui_server() as base:
        closed_loop(base, args.clients, requests=60)  # warm-up
        for _ in range(args.repeats):
            lat, secs = closed_loop(base, 1, seconds=args.seconds)
            one.append(len(lat) / secs)
            lat_one += lat
            lat, secs = closed_loop(base, args.clients, seconds=args.seconds)
            many.append(len(lat) / secs)
            lat_many += lat
            for connections, rates in ((1, wrk_one), (args.clients, wrk_many)):
                rate = wrk_rate(base, connections, args.seconds)
                if rate is not None:
                    rates.append(rate)
    rps_one, rps_many = sum(one) / len(one), sum(many) / len(many)
    out = {"command": "bench/throughput.py", "seconds_per_round": args.seconds, "repeats": args.repeats,
           "clients": args.clients, "rps_one_client": [round(x, 1) for x in one],
           "rps_many_clients": [round(x, 1) for x in many], "mean_rps_one": round(rps_one, 1),
           "mean_rps_many": round(rps_many, 1), "ratio": round(rps_many / rps_one, 2),
           "per_round_ratio": [round(b / a, 2) for a, b in zip(one, many)],
           "latency_one_client": summary(lat_one), "latency_many_clients": summary(lat_many)}
    if wrk_one:
        out["wrk"] = {"rps_one_connection": wrk_one, "rps_many_connections": wrk_many,
                      "ratio": round(sum(wrk_many) / sum(wrk_one), 2),
                      "per_round_ratio": [round(b / a, 2) for a, b in zip(wrk_one, wrk_many)]}
    write_result("throughput", out)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    print(f"{args.clients} clients / 1 client = {out['ratio']} with Python clients"
          + (f", {out['wrk']['ratio']} with wrk" if wrk_one else "") + " (target ≥ 1.8)")
    return 0 if max(out["ratio"], out.get("wrk", {}).get("ratio", 0.0)) >= 1.8 else 1


if __name__ == "__main__":
    sys.exit(main())
