"""What the answer layer may know about the corpus besides the retrieved passages — and nothing more.

Built once per loaded index by the pipeline, so the answer layer never touches the index or its files:
term statistics through a small protocol, the outline, the table rows, the segmenter, the documents.
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


@dataclass(frozen=True)
class AnswerContext:
    """The corpus-wide facts an answer may draw on."""

    segmenter: Segmenter
    terms: TermStatistics
    sections: SectionTree
    table_rows: tuple[Passage, ...]
    #: every cleaned document in normal form by source
    document_texts: dict[str, str]
    #: all of them, to tell whether a question's term occurs anywhere (`in_corpus`)
    corpus_text: CorpusText
    #: document title by source, for citations
    titles: dict[str, str]
    #: one vector per `Passage.statements` sentence, passages in index order
    statement_vectors: np.ndarray
    #: passage id → (row of its first statement vector, passage position in the index)
    statement_rows: dict[str, tuple[int, int]]
    #: passages in index order, so a sentence's neighbours in the document can be found
    passages: tuple[Passage, ...]

    @classmethod
    def build(cls, passages: Iterable[Passage], documents: Iterable[Document], segmenter: Segmenter,
              terms: TermStatistics, statement_vectors: np.ndarray) -> "AnswerContext":
        passages, documents = list(passages), list(documents)
        rows: dict[str, tuple[int, int]] = {}
        row = 0
        for position, p in enumerate(passages):
            rows[p.id] = (row, position)
            row += len(p.statements)
        document_texts = {d.source: normal_form(f"{d.title}\n{d.text}") for d in documents}
        return cls(segmenter=segmenter, terms=terms, sections=section_tree(passages),
                   table_rows=tuple(p for p in passages if p.kind is PassageKind.TABLE_ROW),
                   document_texts=document_texts, corpus_text=CorpusText("\n".join(document_texts.values())),
                   titles={d.source: d.title for d in documents},
                   statement_vectors=statement_vectors, statement_rows=rows, passages=tuple(passages))

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        """The corpus's tables with typed columns, grouped from `table_rows` once per index."""
        return corpus_tables(self.table_rows)

    def vectors_of(self, passage: Passage) -> np.ndarray:
        """The statement vectors of one passage (float32 rows, in `passage.statements` order)."""
        first, _ = self.statement_rows[passage.id]
        return np.asarray(self.statement_vectors[first:first + len(passage.statements)], dtype=np.float32)

    def neighbour(self, passage: Passage, step: int) -> Passage | None:
        """The passage `step` places before/after this one in the same document (None at a document edge)."""
        _, position = self.statement_rows[passage.id]
        other = position + step
        if 0 <= other < len(self.passages) and self.passages[other].source == passage.source:
            return self.passages[other]
        return None

    def in_corpus(self, term: str) -> bool:
        """A segmenter token of some passage, or (segmented differently) a substring of some document."""
        return self.terms.has_term(term) or normal_form(term) in self.corpus_text

    def document_text(self, source: str) -> str:
        """The whole document (title and text) in normal form ("" for an unknown source)."""
        return self.document_texts.get(source, "")
