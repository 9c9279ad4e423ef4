"""Markdown (.md, .markdown) with markdown-it-py (CommonMark plus pipe tables): headings by their `#` level,
paragraphs and list items as plain text without markup, tables as rows — so `# 标题` and `|西湖区| 321 |` never
reach a passage raw.

A line break inside a paragraph is the writer's hard wrap and is rejoined (a space only between Latin words);
a hard break (two trailing spaces or a backslash) stays a line break. Raw HTML blocks are skipped.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qa.ingest.clean import join_wrapped
from qa.ingest.readers.plaintext import decode
from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, SourceKind

_PARSER = MarkdownIt("commonmark").enable("table")


def inline_text(token: Token) -> str:
    """The plain text of an inline token: text, code and image descriptions; soft breaks rejoined."""
    pieces = [""]  # the source lines of the paragraph, split at soft breaks
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):  # an image's content is its description
            pieces[-1] += child.content
        elif child.type == "softbreak":
            pieces.append("")
        elif child.type == "hardbreak":
            pieces[-1] += "\n"
    text = ""
    for piece in pieces:
        text = join_wrapped(text.rstrip(" "), piece.lstrip(" "))
    return text.strip()


def _table(tokens: list[Token], start: int) -> tuple[tuple[tuple[str, ...], ...], int]:
    """The rows of the table opening at `start`, and the index after it."""
    rows: list[tuple[str, ...]] = []
    cells: list[str] = []
    i = start
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(inline_text(token))
        elif token.type == "tr_close":
            rows.append(tuple(cells))
        i += 1
    return tuple(rows), i + 1


def read_markdown(data: bytes, source: str, options: ReadOptions) -> SourceDocument:
    tokens = _PARSER.parse(decode(data))
    blocks: list[SourceBlock] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "table_open":
            rows, i = _table(tokens, i)
            blocks.append(SourceBlock(SourceKind.TABLE, rows=rows))
            continue
        if token.type == "heading_open":
            text = inline_text(tokens[i + 1])
            if text:
                blocks.append(SourceBlock(SourceKind.HEADING, text, level=int(token.tag[1:])))
            i += 3
            continue
        if token.type == "inline":
            if text := inline_text(token):
                blocks.append(SourceBlock(SourceKind.PARAGRAPH, text))
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(SourceBlock(SourceKind.PARAGRAPH, token.content.strip()))
        i += 1
    return SourceDocument(source=source, title="", blocks=tuple(blocks))
