"""BM25 over jieba tokens, with bm25s (sparse-matrix BM25: scoring a query touches only its terms' postings).

Besides the BM25 matrix the index keeps each token's document frequency, counted from the tokens at build time
(not read back out of bm25s internals), so later stages can ask for term statistics through `idf` and
`has_term`; `tests/test_lexical.py` checks that `idf` is the weight bm25s itself scores with.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

TERM_STATS = "term_stats.json"


class LexicalIndex:
    """The BM25 matrix built once from the passages' tokens, and the document frequency of every token."""

    def __init__(self, bm25: bm25s.BM25 | None, doc_freqs: dict[str, int], num_docs: int) -> None:
        self._bm25 = bm25
        self._doc_freqs = doc_freqs
        self.num_docs = num_docs
        #: distinct tokens per passage, on average (what `expected_idf` spreads a word's frequency over)
        self._mean_distinct = sum(doc_freqs.values()) / (num_docs or 1)

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        bm25 = bm25s.BM25()
        bm25.index(token_lists, show_progress=False)
        doc_freqs = Counter(t for tokens in token_lists for t in set(tokens))
        return cls(bm25, dict(doc_freqs), len(token_lists))

    @classmethod
    def load(cls, folder: Path, matrix: bool = True) -> "LexicalIndex":
        """The saved index; with `matrix=False` only the term statistics (an engine such as Milvus ranks the
        passages, and the replica keeps no BM25 matrix)."""
        stats = json.loads((folder / TERM_STATS).read_text(encoding="utf-8"))
        return cls(bm25s.BM25.load(str(folder)) if matrix else None, stats["doc_freqs"], int(stats["num_docs"]))

    def save(self, folder: Path, matrix: bool = True) -> None:
        """Write the term statistics, and the BM25 matrix unless an engine ranks the passages (`matrix=False`)."""
        folder.mkdir(parents=True, exist_ok=True)
        if matrix and self._bm25 is not None:
            self._bm25.save(str(folder))
        (folder / TERM_STATS).write_text(
            json.dumps({"num_docs": self.num_docs, "doc_freqs": self._doc_freqs}, ensure_ascii=False),
            encoding="utf-8")

    def has_term(self, term: str) -> bool:
        """Whether any passage contains the token (used to tell when a question names something absent)."""
        return term in self._doc_freqs

    def vocabulary(self) -> list[str]:
        """Every token of the corpus (for matching misspelt question names against the corpus's own words)."""
        return list(self._doc_freqs)

    def idf(self, term: str) -> float:
        """Inverse document frequency in bm25s's default (Lucene) form; unknown tokens get the highest value."""
        df = self._doc_freqs.get(term, 0)
        return math.log(1.0 + (self.num_docs - df + 0.5) / (df + 0.5))

    def expected_idf(self, token_share: float) -> float:
        """The IDF a token the corpus lacks would have if its passages were ordinary Chinese text in which the
        token makes up `token_share` of all words: its expected document frequency over passages of this corpus's
        mean number of distinct tokens. A common word a report happens not to use ("做", "来") is then still a
        common word, while a rare one ("营收", share ≈ 0) keeps the highest IDF."""
        df = self.num_docs * (1.0 - (1.0 - min(token_share, 1.0)) ** self._mean_distinct)
        return math.log(1.0 + (self.num_docs - df + 0.5) / (df + 0.5))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query tokens (unknown tokens score nothing)."""
        if self._bm25 is None:
            raise RuntimeError("this lexical index was loaded without its BM25 matrix")
        known = [t for t in tokens if t in self._doc_freqs]
        if not known:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
