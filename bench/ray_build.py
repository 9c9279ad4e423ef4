"""Build rate on a Ray cluster against a one-process build: the first N articles of the CMRC 2018 trial set as the
corpus (CC BY-SA 4.0, Cui et al. 2019), built fresh (no vector cache) in one process, then with `--ray local` on 1
and on 2 workers, one after the other in this run. The per-worker rate — texts each actor encodes per second of
its own encoding time — is what the capacity plan in BENCHMARKS.md extrapolates from.

    .venv/bin/python bench/ray_build.py [--articles 60]     # ~5 min → results/ray_build.json  (needs .[ray])
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.index.store import Manifest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, write_result  # noqa: E402


def _run(name: str, manifest: Manifest, stats: list[dict[str, Any]], started_load: float) -> dict[str, object]:
    """One build's times; for a Ray build the actors' own counts (texts encoded, seconds spent encoding)."""
    texts = sum(s["encoded"] for s in stats) if stats else None
    busy = sum(s["busy_seconds"] for s in stats) if stats else None
    return {"name": name, "build_seconds": manifest.build_seconds, "encode_seconds": manifest.encode_seconds,
            "passages": manifest.passages, "texts_encoded": texts, "actor_busy_seconds": busy,
            "per_worker_texts_per_s": round(texts / busy, 2) if texts and busy else None,
            "texts_per_s_wall": round(texts / sum(s["wall_seconds"] for s in stats), 2) if stats else None,
            "stats": stats, "load_before": started_load, "load_after": os.getloadavg()[0]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    from qa.config import Settings
    from qa.evaluate.reading import parse_reading_set, write_corpus
    from qa.index.build import build_index
    from qa.index.ray_build import ray_workers

    reading = parse_reading_set((ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    base = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    os.environ.setdefault("RAY_TMPDIR", str(base))
    runs = []
    try:
        write_corpus(reading.contexts[:args.articles], base / "corpus")
        settings = Settings(corpus_dir=base / "corpus", index_dir=base / "local")
        load = os.getloadavg()[0]
        manifest = build_index(settings, show_progress=False)
        runs.append(_run("one process (2 threads)", manifest, [], load))
        for cpus in (1, 2):
            load = os.getloadavg()[0]
            started = time.perf_counter()
            with ray_workers("local", num_cpus=cpus) as workers:
                cluster_ready = time.perf_counter() - started
                built = build_index(replace(settings, index_dir=base / f"ray{cpus}"), show_progress=False,
                                    workers=workers)
                run = _run(f"--ray local, {cpus} worker(s)", built, [asdict(s) for s in workers.stats], load)
            run["cluster_start_seconds"] = round(cluster_ready, 2)
            run["total_seconds_with_cluster"] = round(time.perf_counter() - started, 2)
            runs.append(run)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    result = {"articles": args.articles, "runs": runs}
    write_result("ray_build", result)
    print(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
