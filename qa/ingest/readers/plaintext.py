"""Plain text (.txt): decoded whatever it was saved as, then handed on as printed lines with their page starts.

Windows editors save Chinese text as GBK/GB18030 or UTF-16, others as UTF-8 with or without a BOM. A BOM
decides; else strict UTF-8; else charset-normalizer guesses among the encodings Chinese text comes in (a free
guess called short GBK text Korean cp949). NUL bytes without a UTF-16 BOM mean a binary file, not text.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, SourceKind, Unreadable

#: Encodings a Chinese document may come in besides UTF-8 (cp1252 for the odd Western file).
CANDIDATE_ENCODINGS = ["gb18030", "big5", "utf_16", "utf_32", "cp1252"]
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: How much of a file is looked at for NUL bytes.
BINARY_PROBE = 8192


def decode(data: bytes) -> str:
    """The file's text with newlines unified; `Unreadable` when it is binary or in no recognisable encoding."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        try:
            return _unify_newlines(data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
        if b"\x00" in data[:BINARY_PROBE]:
            raise Unreadable("二进制文件，不是文本")
        best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
        if best is None:
            raise Unreadable("无法识别文字编码")
        encoding = best.encoding
    try:
        return _unify_newlines(data.decode(encoding))
    except (UnicodeDecodeError, LookupError):
        raise Unreadable(f"按 {encoding} 解码失败") from None


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str, page_start: str = "form-feed") -> tuple[SourceBlock, ...]:
    """Every non-blank line as a `LINE` block. A form feed always starts a page; with `page_start="indent"`
    (the corpus's qa.toml) so does a line that begins with a space — how some PDF-to-text tools mark pages."""
    blocks: list[SourceBlock] = []
    new_page = False
    for line in text.replace("\f", "\n\f").split("\n"):
        if line.startswith("\f"):
            new_page, line = True, line[1:]
        indented = line.startswith((" ", "\t"))
        stripped = line.replace("\u3000", " ").strip()
        if not stripped:
            continue
        starts_page = new_page or (page_start == "indent" and indented)
        blocks.append(SourceBlock(SourceKind.LINE, stripped, starts_page=starts_page))
        new_page = False
    return tuple(blocks)


def text_document(text: str, source: str, page_start: str = "form-feed") -> SourceDocument:
    """Decoded text as a document: no metadata title, pages only as page-start marks (a text file's page
    numbers are not worth citing: nobody holds the printed pages)."""
    return SourceDocument(source=source, title="", blocks=text_lines(text, page_start))


def read_text(data: bytes, source: str, options: ReadOptions) -> SourceDocument:
    return text_document(decode(data), source, options.page_start)
