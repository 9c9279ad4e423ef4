"""What the answer layer may know about the corpus besides the retrieved passages — and nothing more.

Built once per loaded index by the pipeline, so the answer layer never touches the index or its files:
term statistics through a small protocol, the outline, the table rows, the segmenter, the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from qa.segment.tokenizer import Segmenter
from qa.text import normal_form
from qa.types import Document, Passage, PassageKind, SectionPath

#: For every section path prefix: its child sections, each with the passage that opens it.
SectionTree = dict[SectionPath, dict[str, Passage]]


class TermStatistics(Protocol):
    """Corpus statistics of segmenter tokens (the lexical index provides them)."""

    def idf(self, term: str) -> float: ...

    def has_term(self, term: str) -> bool: ...


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
    #: every cleaned document in normal form, to tell whether a question's term occurs anywhere
    normal_texts: tuple[str, ...]
    #: document title by source, for citations
    titles: dict[str, str]

    @classmethod
    def build(cls, passages: Iterable[Passage], documents: Iterable[Document], segmenter: Segmenter,
              terms: TermStatistics) -> "AnswerContext":
        passages, documents = list(passages), list(documents)
        return cls(segmenter=segmenter, terms=terms, sections=section_tree(passages),
                   table_rows=tuple(p for p in passages if p.kind is PassageKind.TABLE_ROW),
                   normal_texts=tuple(normal_form(d.text) for d in documents),
                   titles={d.source: d.title for d in documents})

    def in_corpus(self, term: str) -> bool:
        """A segmenter token of some passage, or (segmented differently) a substring of some document."""
        return self.terms.has_term(term) or any(normal_form(term) in t for t in self.normal_texts)
