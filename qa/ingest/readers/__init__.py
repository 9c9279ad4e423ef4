"""One reader per file format, all behind one signature: the file's bytes and its corpus-relative name in, a
`SourceDocument` out (or `Unreadable` with the reason).

Readers get bytes, not paths, so nothing but the corpus walk (`qa.ingest.read`) ever opens a file — and it
opens only files inside the corpus folder. Reader modules are imported on first use: the parsers cost ~0.2 s
to import, which a process that only answers questions (and checks the corpus fingerprint) should not pay.
"""

from __future__ import annotations

import importlib
from typing import Callable

from qa.ingest.chars import clean_chars
from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, Unreadable

#: (file bytes, path relative to the corpus, options) → document
Reader = Callable[[bytes, str, ReadOptions], SourceDocument]

#: File suffix → (module in this package, reader function).
_READERS = {
    ".pdf": ("pdf", "read_pdf"),
    ".docx": ("word", "read_docx"),
    ".html": ("webpage", "read_html"),
    ".htm": ("webpage", "read_html"),
    ".md": ("markdown", "read_markdown"),
    ".markdown": ("markdown", "read_markdown"),
    ".txt": ("plaintext", "read_text"),
}
SUFFIXES = tuple(_READERS)


def reader_for(suffix: str) -> Reader:
    module, function = _READERS[suffix]
    reader: Reader = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return reader


def _clean_block(block: SourceBlock) -> SourceBlock:
    return SourceBlock(block.kind, clean_chars(block.text), block.level, block.page, block.starts_page,
                       tuple(tuple(clean_chars(cell) for cell in row) for row in block.rows))


def read_source(data: bytes, source: str, suffix: str, options: ReadOptions) -> SourceDocument:
    """Read one file with the reader of its suffix, its text's control characters and radicals repaired.

    A parser that fails on a damaged or hostile file may raise anything (pdfminer alone has dozens of
    exception types); that becomes `Unreadable` naming the error, so one bad file never stops a build.
    """
    reader = reader_for(suffix)
    try:
        document = reader(data, source, options)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 — see the docstring
        raise Unreadable(f"无法解析文件（{exc.__class__.__name__}）") from None
    blocks = tuple(_clean_block(b) for b in document.blocks)
    if not any(b.text.strip() or any(c.strip() for row in b.rows for c in row) for b in blocks):
        raise Unreadable("没有可提取的文字" + ("（可能是扫描件）" if suffix == ".pdf" else ""))
    return SourceDocument(document.source, clean_chars(document.title).strip(), blocks, document.pages)
