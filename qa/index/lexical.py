"""BM25 over jieba tokens, with bm25s (sparse-matrix BM25: scoring a query touches only its terms' postings)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np


class LexicalIndex:
    """Holds the BM25 matrix built once from the passages' tokens; queries never re-tokenise the corpus."""

    def __init__(self, bm25: bm25s.BM25) -> None:
        self._bm25 = bm25
        # the CSC matrix has one column per token: its non-zeros are the passages holding the token
        self._doc_freqs = np.diff(np.asarray(bm25.scores["indptr"]))

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "LexicalIndex":
        bm25 = bm25s.BM25()
        bm25.index(token_lists, show_progress=False)
        return cls(bm25)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(folder)))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))

    def has_term(self, term: str) -> bool:
        """Whether any passage contains the token (used to tell when a question names something absent)."""
        return term in self._bm25.vocab_dict

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25 form) of a token; unknown tokens get the highest value."""
        n_docs = self._bm25.scores["num_docs"]
        col = self._bm25.vocab_dict.get(term)
        df = int(self._doc_freqs[col]) if col is not None and col < len(self._doc_freqs) else 0
        return float(np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query tokens (unknown tokens score nothing)."""
        known = [t for t in tokens if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
