"""Find and read the corpus documents (.txt / .md) as text, whatever newline or BOM they were saved with."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from qa.errors import UserError

DOCUMENT_SUFFIXES = (".txt", ".md")
#: The corpus's own settings file (see `qa.ingest.profile`); part of what an index is built from.
PROFILE_NAME = "qa.toml"


class CorpusError(UserError):
    """The corpus folder is missing, empty, holds a file that is not text, or has a malformed `qa.toml`."""


@dataclass(frozen=True)
class RawDocument:
    """One corpus file as read: `source` is its path relative to the corpus folder (shown in citations)."""

    source: str
    text: str


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The documents of a corpus folder, sorted so every build sees them in the same order."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"语料目录不存在：{corpus_dir}")
    files = sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith(".")
    )
    if not files:
        raise CorpusError(f"语料目录中没有 .txt 或 .md 文档：{corpus_dir}")
    return files


def read_document(path: Path, corpus_dir: Path) -> RawDocument:
    """Decode as UTF-8 (BOM allowed) and unify newlines; a non-UTF-8 file is an error, not mojibake."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"文档不是 UTF-8 编码：{path}") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(source=path.relative_to(corpus_dir).as_posix(), text=text)


def read_corpus(corpus_dir: Path) -> list[RawDocument]:
    """All documents of the corpus folder."""
    return [read_document(p, corpus_dir) for p in corpus_files(corpus_dir)]


def corpus_fingerprint(corpus_dir: Path) -> str:
    """SHA-256 over every document's name and bytes and the corpus's `qa.toml`: the index is stale exactly
    when this changes."""
    digest = hashlib.sha256()
    profile = corpus_dir / PROFILE_NAME
    for path in [*corpus_files(corpus_dir), *([profile] if profile.is_file() else [])]:
        digest.update(path.relative_to(corpus_dir).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
