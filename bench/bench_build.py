"""Index build time on the bundled report, the encoder's share of it, and peak memory of a build.

    .venv/bin/python bench/bench_build.py            # ~30 s, writes bench/results/build.json

Each build runs in a fresh process (model load included in "process wall", not in "build"), into a fresh
temporary folder; peak RSS is that process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, summary, write_result  # noqa: E402

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from qa.config import Settings
from qa.index.embedders import make_embedder
from qa.index.build import build_index
settings = Settings.from_env(index_dir=Path(sys.argv[1]))
embedder = make_embedder(settings.embedder)
loaded = time.perf_counter()
m = build_index(settings, embedder, show_progress=False)
done = time.perf_counter()
print(json.dumps({"passages": m.passages, "dense_kind": m.dense_kind, "build_s": m.build_seconds,
                  "encode_s": m.encode_seconds, "model_load_s": loaded - t0, "process_wall_s": done - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "index")], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(runs[-1], file=sys.stderr, flush=True)
    build = [r["build_s"] * 1000 for r in runs]
    encode = [r["encode_s"] * 1000 for r in runs]
    write_result("build", {
        "command": "bench/bench_build.py", "runs": runs,
        "build": summary(build), "encode": summary(encode),
        "encode_share": round(sum(encode) / sum(build), 3),
        "passages_per_s_encode": round(runs[0]["passages"] / (sum(encode) / len(encode) / 1000), 1),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
