"""Cut structured documents into retrievable passages with stable ids and section paths.

A passage is a run of whole sentences of one section (headings are kept at the start of the first passage
under them, and `body_start` says where they end), a table row, a caption or a table title. Its `text` is
always a verbatim span of the cleaned document; `index_text` is what the retrievers see: the document's title
and the section path before the text (a body passage rarely names its report or chapter, the question often
does), or for a table row, the row phrased with its column names, so "商汤科技是什么时候成立的？" meets
"成立时间：2014-8". A passage of a paginated source (PDF) carries the page it starts on.
"""

from __future__ import annotations

import bisect
import hashlib
from pathlib import PurePosixPath

from qa.config import ChunkingSettings
from qa.ingest.source import SourceDocument
from qa.ingest.structure import Block, BlockKind, build_blocks, cleaned_text
from qa.ingest.table import describe_row
from qa.text import sentence_spans
from qa.types import Cells, Document, Passage, PassageKind, SectionPath, section_label


def _pack(spans: list[tuple[int, int]], chunking: ChunkingSettings) -> list[tuple[int, int]]:
    """Greedily group consecutive sentences until a passage reaches the target size, never past the maximum
    (sentences are already cut to it). The headings a passage opens with come on top (≤ 40 characters each)."""
    groups: list[tuple[int, int]] = []
    start, end = spans[0]
    for s, e in spans[1:]:
        if end - start >= chunking.target_chars or e - start > chunking.max_chars:
            groups.append((start, end))
            start = s
        end = e
    groups.append((start, end))
    return groups


def _passage_id(source: str, text: str) -> str:
    """Content-derived id: the same corpus always yields the same ids, whatever else is rebuilt."""
    stem = PurePosixPath(source).stem
    digest = hashlib.sha1(f"{source}\0{text}".encode("utf-8")).hexdigest()[:10]
    return f"{stem}#{digest}"


class _Builder:
    """Walks a document's blocks once, emitting passages; headings wait for the text they introduce."""

    def __init__(self, doc: SourceDocument, chunking: ChunkingSettings) -> None:
        self.doc = doc
        self.chunking = chunking
        self.blocks = build_blocks(doc)
        self.text = cleaned_text(self.blocks)
        self.title = document_title(doc, self.blocks)
        self.block_starts = [b.start for b in self.blocks]
        self.passages: list[Passage] = []
        self.headings: Block | None = None
        self.headings_end = 0
        self.group: list[Block] = []

    def page_at(self, offset: int) -> int | None:
        """The page of the block holding `offset` (None for sources without pages)."""
        if not self.doc.pages:
            return None
        return self.blocks[max(0, bisect.bisect_right(self.block_starts, offset) - 1)].page

    def emit(self, kind: PassageKind, start: int, end: int, section: SectionPath, index_text: str = "",
             cells: Cells = (), body_start: int = 0) -> None:
        text = self.text[start:end]
        context = "\n".join(part for part in (self.title, section_label(section)) if part and part != text)
        self.passages.append(Passage(
            id=_passage_id(self.doc.source, text), source=self.doc.source, section=section, kind=kind,
            text=text, index_text=f"{context}\n{index_text or text}".strip(), start=start, end=end,
            body_start=body_start, cells=cells, page=self.page_at(start),
        ))

    def flush_group(self) -> None:
        if not self.group:
            return
        spans = [s for b in self.group for s in sentence_spans(b.text, b.start, self.chunking.max_chars)]
        groups = _pack(spans, self.chunking)
        body_start = 0
        if self.headings is not None:
            body_start = groups[0][0] - self.headings.start
            groups[0] = (self.headings.start, groups[0][1])
            self.headings = None
        for start, end in groups:
            self.emit(PassageKind.TEXT, start, end, self.group[0].section, body_start=body_start)
            body_start = 0
        self.group = []

    def flush_headings(self) -> None:
        """Headings followed by no text of their own (e.g. by a table) become a passage by themselves."""
        if self.headings is not None:
            end = self.headings_end
            self.emit(PassageKind.HEADING, self.headings.start, end, self.headings.section,
                      body_start=end - self.headings.start)
            self.headings = None

    def build(self) -> list[Passage]:
        for block in self.blocks:
            if block.kind is not BlockKind.HEADING and len(block.text) > self.chunking.max_chars:
                block.kind = BlockKind.PARAGRAPH  # an overlong row or caption is cut like text
            if block.kind is BlockKind.PARAGRAPH:
                if self.group and self.group[0].section != block.section:
                    self.flush_group()
                self.group.append(block)
                continue
            self.flush_group()
            if block.kind is BlockKind.HEADING:
                self.headings = self.headings or block
                self.headings_end = block.end
                continue
            self.flush_headings()
            self._emit_special(block)
        self.flush_group()
        self.flush_headings()
        return self.passages

    def _emit_special(self, block: Block) -> None:
        if block.kind is BlockKind.TABLE_ROW and block.row is not None:
            described = describe_row(block.row)
            section = (*block.section, block.table_title) if block.table_title else block.section
            self.emit(PassageKind.TABLE_ROW, block.start, block.end, section,
                      index_text=described, cells=block.row.cells)
        elif block.kind is BlockKind.TABLE_HEADER:
            title = self.passages.pop() if self.passages and self.passages[-1].kind is PassageKind.TABLE_TITLE \
                else None
            start = title.start if title else block.start
            self.emit(PassageKind.TABLE_TITLE, start, block.end, block.section)
        elif block.kind is BlockKind.TABLE_TITLE:
            self.emit(PassageKind.TABLE_TITLE, block.start, block.end, block.section)
        elif block.kind is BlockKind.CAPTION:
            self.emit(PassageKind.CAPTION, block.start, block.end, block.section)
        elif block.kind is BlockKind.TITLE:
            self.emit(PassageKind.TITLE, block.start, block.end, ())


def document_title(doc: SourceDocument, blocks: list[Block]) -> str:
    """The file's metadata title, else its title or first heading, else its file name without extension."""
    heading = next((b.text for b in blocks if b.kind in (BlockKind.TITLE, BlockKind.HEADING)), "")
    return doc.title or heading or PurePosixPath(doc.source).stem


def build_document(doc: SourceDocument, chunking: ChunkingSettings) -> tuple[Document, list[Passage]]:
    """The cleaned document and its passages."""
    builder = _Builder(doc, chunking)
    passages = builder.build()
    return Document(source=doc.source, title=builder.title, text=builder.text, pages=doc.pages), passages


def build_passages(docs: list[SourceDocument], chunking: ChunkingSettings) -> tuple[list[Document], list[Passage]]:
    """Cleaned documents and all their passages, in corpus order; duplicate ids get a numeric suffix."""
    documents: list[Document] = []
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for doc in docs:
        document, doc_passages = build_document(doc, chunking)
        documents.append(document)
        for p in doc_passages:
            count = seen.get(p.id, 0)
            seen[p.id] = count + 1
            passages.append(p if count == 0 else Passage(**{**p.__dict__, "id": f"{p.id}-{count}"}))
    return documents, passages
