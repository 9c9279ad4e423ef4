"""What the answer layer may know about the corpus besides the retrieved passages — and nothing more.

Built once per loaded index by the pipeline, so the answer layer never touches the index or its files:
term statistics through a small protocol, the outline, the table rows, the segmenter, and per-passage data
(neighbours, sentence vectors, document text) through another (`CorpusData`), which the embedded index answers
from memory and a Milvus-backed one from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Protocol

import numpy as np

from qa.ingest.columns import Table, corpus_tables
from qa.answer.corpus_text import CorpusText
from qa.segment.tokenizer import Segmenter
from qa.text import normal_form
from qa.types import Document, Passage, PassageKind, SectionPath

#: For every section path prefix: its child sections, each with the passage that opens it.
SectionTree = dict[SectionPath, dict[str, Passage]]


class TermStatistics(Protocol):
    """Corpus statistics of segmenter tokens (the lexical index provides them)."""

    def idf(self, term: str) -> float: ...

    def expected_idf(self, token_share: float) -> float: ...

    def has_term(self, term: str) -> bool: ...

    def vocabulary(self) -> Iterable[str]: ...


def section_tree(passages: Iterable[Passage]) -> SectionTree:
    """The corpus outline as found in passage section paths (tables and captions are not sections)."""
    tree: SectionTree = {}
    for p in passages:
        if p.kind not in (PassageKind.TEXT, PassageKind.HEADING) or not p.section:
            continue
        for depth in range(1, len(p.section)):
            tree.setdefault(p.section[:depth], {}).setdefault(p.section[depth], p)
    return tree


class CorpusData(Protocol):
    """Per-passage data and the documents' text, however the index reaches them: in this process
    (`InMemoryCorpus`, the embedded default) or from an engine a few rows at a time
    (`qa.index.milvus_rows.MilvusRows`, with `--milvus`)."""

    def neighbour(self, passage: Passage, step: int) -> Passage | None: ...

    def vectors_of(self, passage: Passage) -> np.ndarray: ...

    def contains(self, text: str) -> bool: ...

    def document_text(self, source: str) -> str: ...


class InMemoryCorpus:
    """Every passage, sentence vector and document of the index held in this process."""

    def __init__(self, passages: Iterable[Passage], documents: Iterable[Document],
                 statement_vectors: np.ndarray) -> None:
        self._passages = tuple(passages)
        #: passage id → (row of its first statement vector, passage position in the index)
        self._rows: dict[str, tuple[int, int]] = {}
        row = 0
        for position, p in enumerate(self._passages):
            self._rows[p.id] = (row, position)
            row += len(p.statements)
        self._statement_vectors = statement_vectors
        #: every cleaned document in normal form by source
        self._texts = {d.source: normal_form(f"{d.title}\n{d.text}") for d in documents}
        self._corpus_text = CorpusText("\n".join(self._texts.values()))

    def vectors_of(self, passage: Passage) -> np.ndarray:
        first, _ = self._rows[passage.id]
        return np.asarray(self._statement_vectors[first:first + len(passage.statements)], dtype=np.float32)

    def neighbour(self, passage: Passage, step: int) -> Passage | None:
        _, position = self._rows[passage.id]
        other = position + step
        if 0 <= other < len(self._passages) and self._passages[other].source == passage.source:
            return self._passages[other]
        return None

    def contains(self, text: str) -> bool:
        return text in self._corpus_text

    def document_text(self, source: str) -> str:
        return self._texts.get(source, "")


@dataclass(frozen=True)
class AnswerContext:
    """The corpus-wide facts an answer may draw on."""

    segmenter: Segmenter
    terms: TermStatistics
    sections: SectionTree
    table_rows: tuple[Passage, ...]
    #: document title by source, for citations
    titles: dict[str, str]
    #: passages in index order that answers about the corpus as a whole scan (figures, parts, outline, tables):
    #: all of them, or only those an engine-backed replica keeps (`qa.index.skeleton`) — the scans find the same
    passages: tuple[Passage, ...]
    #: neighbours, sentence vectors and document text (`CorpusData`)
    corpus: CorpusData

    @classmethod
    def build(cls, passages: Iterable[Passage], documents: Iterable[Document], segmenter: Segmenter,
              terms: TermStatistics, statement_vectors: np.ndarray) -> "AnswerContext":
        """The context of an index held in this process."""
        passages, documents = tuple(passages), list(documents)
        return cls.over(InMemoryCorpus(passages, documents, statement_vectors), passages,
                        {d.source: d.title for d in documents}, segmenter, terms)

    @classmethod
    def over(cls, corpus: CorpusData, passages: Iterable[Passage], titles: dict[str, str], segmenter: Segmenter,
             terms: TermStatistics) -> "AnswerContext":
        """The context over `corpus`, with the passages corpus-wide answers scan and the document titles."""
        passages = tuple(passages)
        return cls(segmenter=segmenter, terms=terms, sections=section_tree(passages),
                   table_rows=tuple(p for p in passages if p.kind is PassageKind.TABLE_ROW), titles=titles,
                   passages=passages, corpus=corpus)

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        """The corpus's tables with typed columns, grouped from `table_rows` once per index."""
        return corpus_tables(self.table_rows)

    def vectors_of(self, passage: Passage) -> np.ndarray:
        """The statement vectors of one passage (float32 rows, in `passage.statements` order)."""
        return self.corpus.vectors_of(passage)

    def neighbour(self, passage: Passage, step: int) -> Passage | None:
        """The passage `step` places before/after this one in the same document (None at a document edge)."""
        return self.corpus.neighbour(passage, step)

    def in_corpus(self, term: str) -> bool:
        """A segmenter token of some passage (a frequency lookup), or (segmented differently) a substring of some
        document."""
        return self.terms.has_term(term) or self.corpus.contains(normal_form(term))

    def writes_any(self, forms: Iterable[str]) -> bool:
        """The corpus holds one of these forms of a term or name (`in_corpus`): what it never writes in any form
        it says nothing about."""
        return any(self.in_corpus(form) for form in forms)

    def document_text(self, source: str) -> str:
        """The whole document (title and text) in normal form ("" for an unknown source)."""
        return self.corpus.document_text(source)
