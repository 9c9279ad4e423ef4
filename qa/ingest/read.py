"""Walk the corpus folder safely and read every document in it; what cannot be read is skipped with a reason.

Safety: nothing outside the corpus folder is ever opened — a symbolic link whose target lies outside is
skipped (a link to /etc/passwd must not become citable "report" text), and only regular files are read (a
named pipe would block the build). Each skip carries a one-line Chinese reason that `qa index` prints; the
build goes on with the rest.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from qa.errors import UserError
from qa.ingest.readers import SUFFIXES, read_source
from qa.ingest.source import ReadOptions, SourceDocument, Unreadable

#: The corpus's own settings file (see `qa.ingest.profile`); part of what an index is built from.
PROFILE_NAME = "qa.toml"


class CorpusError(UserError):
    """The corpus folder is missing, holds no readable document, or has a malformed `qa.toml`."""


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not indexed, and why (in Chinese)."""

    source: str
    reason: str

    def message(self) -> str:
        return f"跳过 {self.source}：{self.reason}"


@dataclass(frozen=True)
class Entry:
    """A corpus file found by the walk: a readable candidate (`path`) or one skipped on sight (`skipped`)."""

    source: str
    path: Path | None = None
    skipped: Skipped | None = None


@dataclass(frozen=True)
class Corpus:
    """The readable documents of a corpus folder, in a stable order, and the files skipped."""

    documents: list[SourceDocument]
    skipped: list[Skipped]


def _ignored(name: str) -> bool:
    """Hidden files, editors' lock files (~$报告.docx) and the corpus's own settings are not documents."""
    return name.startswith((".", "~$")) or name == PROFILE_NAME


def _entry(path: Path, root: Path) -> Entry:
    source = path.relative_to(root).as_posix()
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return Entry(source, skipped=Skipped(source, "链接指向语料目录之外，未读取"))
        path = target
    try:
        mode = path.stat().st_mode
    except OSError:
        return Entry(source, skipped=Skipped(source, "链接无效或文件无法访问"))
    if not stat.S_ISREG(mode):
        return Entry(source, skipped=Skipped(source, "不是普通文件"))
    if path.suffix.lower() not in SUFFIXES:
        return Entry(source, skipped=Skipped(source, f"不支持的文件类型（支持 {' '.join(SUFFIXES)}）"))
    return Entry(source, path=path)


def _why(exc: OSError) -> str:
    """A read failure in Chinese ("没有读取权限" rather than "Permission denied")."""
    return "没有读取权限" if isinstance(exc, PermissionError) else (exc.strerror or exc.__class__.__name__)


def _unlisted(exc: OSError, root: Path) -> Entry:
    """The skipped entry of a subfolder `os.walk` could not list."""
    source = Path(str(exc.filename)).relative_to(root).as_posix() + "/"
    return Entry(source, skipped=Skipped(source, f"文件夹无法读取（{_why(exc)}），其中的文件未索引"))


def walk_corpus(corpus_dir: Path) -> Iterator[Entry]:
    """Every file of the corpus folder in sorted order, without following links out of it; a subfolder that
    cannot be listed is one skipped entry ("name/"), a corpus folder that cannot be listed a `CorpusError`."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"语料目录不存在：{corpus_dir}")
    root = corpus_dir.resolve()
    try:
        os.scandir(root).close()
    except OSError as exc:
        raise CorpusError(f"语料目录无法读取（{_why(exc)}）：{corpus_dir}") from None
    unlisted: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=unlisted.append):  # does not descend into linked folders
        yield from (_unlisted(exc, root) for exc in unlisted)
        unlisted.clear()
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not _ignored(name):
                yield _entry(base / name, root)
    yield from (_unlisted(exc, root) for exc in unlisted)  # the last folders walked


def read_entry(entry: Entry, options: ReadOptions) -> SourceDocument | Skipped:
    """The document of a walked file, or why it was skipped."""
    if entry.skipped is not None or entry.path is None:
        return entry.skipped or Skipped(entry.source, "无法读取")
    try:
        data = entry.path.read_bytes()
    except OSError as exc:
        return Skipped(entry.source, f"无法读取（{_why(exc)}）")
    if not data:
        return Skipped(entry.source, "文件为空")
    try:
        return read_source(data, entry.source, entry.path.suffix.lower(), options)
    except Unreadable as exc:
        return Skipped(entry.source, str(exc))


#: Reads walked entries in their order: `read_entries` here, or workers elsewhere (`qa.index.ray_build`).
EntryReader = Callable[[list[Entry], ReadOptions], list["SourceDocument | Skipped"]]


def read_entries(entries: list[Entry], options: ReadOptions) -> list[SourceDocument | Skipped]:
    """Each entry's document or skip reason, read one after another in this process."""
    return [read_entry(entry, options) for entry in entries]


def read_corpus(corpus_dir: Path, options: ReadOptions = ReadOptions(), reader: EntryReader = read_entries) -> Corpus:
    """All readable documents of the corpus folder, read by `reader`; a `CorpusError` when there is none."""
    documents: list[SourceDocument] = []
    skipped: list[Skipped] = []
    for result in reader(list(walk_corpus(corpus_dir)), options):
        (skipped if isinstance(result, Skipped) else documents).append(result)  # type: ignore[arg-type]
    if not documents:
        reasons = "；".join(s.message() for s in skipped[:5])
        raise CorpusError(f"语料目录中没有可读取的文档（支持 {' '.join(SUFFIXES)}）：{corpus_dir}"
                          + (f"。{reasons}" if reasons else ""))
    return Corpus(documents, skipped)


def corpus_fingerprint(corpus_dir: Path) -> str:
    """SHA-256 over every corpus file's name and bytes (skipped ones by their reason) and the corpus's
    `qa.toml`: the index is stale exactly when this changes."""
    digest = hashlib.sha256()
    for entry in walk_corpus(corpus_dir):
        digest.update(entry.source.encode("utf-8") + b"\0")
        if entry.path is not None:
            try:
                with entry.path.open("rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
            except OSError as exc:  # skipped by the build with this reason; its bytes cannot count
                digest.update(f"无法读取（{_why(exc)}）".encode("utf-8"))
        elif entry.skipped is not None:
            digest.update(entry.skipped.reason.encode("utf-8"))
        digest.update(b"\0")
    profile = corpus_dir / PROFILE_NAME
    if profile.is_file():
        digest.update(PROFILE_NAME.encode("utf-8") + b"\0" + profile.read_bytes())
    return digest.hexdigest()
