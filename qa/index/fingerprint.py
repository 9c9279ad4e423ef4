"""What an index is derived from, as two hashes the manifest records and every open compares.

- the corpus: every document's bytes, the corpus's `qa.toml` and the passage sizes;
- the code that turns documents into passages and tokens (`qa/ingest`, `qa/segment` with its data, the shared
  text and type modules) and jieba's version — after a change to the cleaning code the old passages must not
  keep being served.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jieba

from qa.config import ChunkingSettings
from qa.ingest.read import corpus_fingerprint

_PACKAGE = Path(__file__).resolve().parent.parent
#: Files and folders whose content decides what an index holds.
CODE_ROOTS: tuple[Path, ...] = (_PACKAGE / "ingest", _PACKAGE / "segment", _PACKAGE / "text.py",
                                _PACKAGE / "types.py", _PACKAGE / "index" / "lexical.py")
_CODE_SUFFIXES = (".py", ".txt", ".toml", ".json")


def _code_files(roots: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        found = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        files.extend(p for p in found if p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts)
    return files


def code_fingerprint(roots: tuple[Path, ...] | None = None) -> str:
    """SHA-256 over the ingest/segment code and data (by name and bytes) and jieba's version."""
    digest = hashlib.sha256(jieba.__version__.encode("utf-8"))
    for path in _code_files(CODE_ROOTS if roots is None else roots):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def corpus_hash(corpus_dir: Path, chunking: ChunkingSettings) -> str:
    """The corpus files, its qa.toml and the passage sizes."""
    parts = f"{corpus_fingerprint(corpus_dir)}|{chunking.target_chars}/{chunking.max_chars}"
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()
