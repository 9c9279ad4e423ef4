"""Index integrity under faults: a build killed mid-way, a build that fails, damaged files, concurrent builders.

Builds here use a hash embedder (tests/index_fakes.py) so each takes well under a second; the store logic
under test is the same for every embedder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.index import build
from qa.index.build import build_index
from qa.index.loader import LoadedIndex, open_index, problem_with
from qa.index.store import CURRENT, DENSE, IndexUnavailable, live_folder, read_manifest, verify
from qa.segment.tokenizer import Segmenter, encode_tags

from conftest import copy_corpus
from index_fakes import HashEmbedder

TESTS_DIR = Path(__file__).resolve().parent

#: Runs in a child process: build (always) or open (build only when needed) the index, then print the folder.
CHILD = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from qa.config import Settings
from qa.index.build import build_index
from qa.index.loader import open_index
from qa.index.store import live_folder
from index_fakes import HashEmbedder
corpus, index, delay, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
settings = Settings(corpus_dir=Path(corpus), index_dir=Path(index))
embedder = HashEmbedder(delay)
print("started", flush=True)
if mode == "build":
    build_index(settings, embedder, show_progress=False)
else:
    loaded = open_index(settings, embedder=embedder, show_progress=True)
    assert loaded.passages and loaded.dense.size == len(loaded.passages)
print("done", live_folder(settings.index_dir).name, flush=True)
""".format(tests=str(TESTS_DIR))


@pytest.fixture()
def own(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")


@pytest.fixture()
def fake() -> HashEmbedder:
    return HashEmbedder()


def child(settings: Settings, delay: float, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.corpus_dir), str(settings.index_dir), str(delay), mode],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def builds(settings: Settings) -> list[Path]:
    return sorted(settings.index_dir.glob("build-*"))


def assert_usable(settings: Settings, fake: HashEmbedder) -> LoadedIndex:
    assert problem_with(settings, fake.id) is None
    loaded = open_index(settings, rebuild=False, embedder=fake)
    assert loaded.passages and loaded.dense.size == len(loaded.passages) == loaded.manifest.passages
    return loaded


def test_build_killed_midway_leaves_previous_index_usable(own: Settings, fake: HashEmbedder):
    build_index(own, fake, show_progress=False)
    before = live_folder(own.index_dir)
    for cached in own.index_dir.glob("vectors-*"):  # so that the child has every passage to encode again
        cached.unlink()
    proc = child(own, delay=0.5, mode="build")  # ~0.5 s per batch of 16 passages: several seconds in all
    try:
        deadline = time.monotonic() + 30
        while not list(own.index_dir.glob("tmp-*/bm25")):  # the build is writing its temporary folder
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr and proc.stderr.read()
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert live_folder(own.index_dir) == before and list(own.index_dir.glob("tmp-*"))
    assert_usable(own, fake)
    # the killed builder's lock died with it; the next build sweeps its leftovers
    build_index(own, fake, show_progress=False)
    assert not list(own.index_dir.glob("tmp-*")) and builds(own) == [live_folder(own.index_dir)]
    assert_usable(own, fake)


def test_build_failing_inside_leaves_previous_index_and_no_debris(own: Settings, fake: HashEmbedder, monkeypatch):
    build_index(own, fake, show_progress=False)
    before = live_folder(own.index_dir)

    def broken(*args, **kwargs):
        raise MemoryError("simulated failure while encoding")

    monkeypatch.setattr(build, "encode_in_batches", broken)
    with pytest.raises(MemoryError):
        build_index(own, fake, show_progress=False)
    assert live_folder(own.index_dir) == before and builds(own) == [before]
    assert not list(own.index_dir.glob("tmp-*"))
    assert_usable(own, fake)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated dense.faiss": (DENSE, _truncate),
    "one byte flipped in passages.jsonl": ("passages.jsonl", _flip_byte),
    "bm25 matrix deleted": ("bm25/data.csc.index.npy", lambda p: p.unlink()),
    "documents emptied": ("documents.json", lambda p: p.write_bytes(b"")),
    "sentence tags deleted": ("tags.json", lambda p: p.unlink()),
    "manifest garbled": ("manifest.json", lambda p: p.write_text("{not json", encoding="utf-8")),
    "manifest lists no files": ("manifest.json",
                                lambda p: p.write_text(p.read_text().replace('"files"', '"files_"'))),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_file_is_detected_reported_and_rebuilt(own: Settings, fake: HashEmbedder, damage: str):
    build_index(own, fake, show_progress=False)
    folder = live_folder(own.index_dir)
    name, harm = DAMAGE[damage]
    harm(folder / name)
    problem = problem_with(own, fake.id)
    assert problem is not None and ("损坏" in problem or "缺失" in problem or "没有列出" in problem), problem
    with pytest.raises(IndexUnavailable, match="qa index"):
        open_index(own, rebuild=False, embedder=fake)
    loaded = open_index(own, embedder=fake, show_progress=False)
    assert live_folder(own.index_dir) != folder and not folder.exists()
    verify(live_folder(own.index_dir), read_manifest(live_folder(own.index_dir)))
    assert loaded.dense.size == len(loaded.passages)


@pytest.mark.parametrize("pointer", ["", "build-gone", "../../etc", "\udcff".encode("utf-8", "surrogatepass")])
def test_bad_current_pointer_means_rebuild(own: Settings, fake: HashEmbedder, pointer):
    build_index(own, fake, show_progress=False)
    raw = pointer if isinstance(pointer, bytes) else pointer.encode()
    (own.index_dir / CURRENT).write_bytes(raw)
    assert problem_with(own, fake.id) == "索引尚未建立"
    open_index(own, embedder=fake, show_progress=False)
    assert_usable(own, fake)


def test_opened_index_knows_the_tags_of_every_sentence(own: Settings, fake: HashEmbedder):
    """The POS tags written at build time are what tagging each sentence now gives, and the open index's
    segmenter reads them instead of tagging (`Segmenter.remember_tags`)."""
    build_index(own, fake, show_progress=False)
    loaded = open_index(own, embedder=fake, show_progress=False)
    sentences = [s for p in loaded.passages for s in p.statements]
    fresh = Segmenter(loaded.segmenter.vocabulary)
    assert sentences and all(loaded.segmenter._known_tags[s] == encode_tags(s, fresh.tagged(s)) for s in sentences)


def test_manifest_records_checksums_and_dense_kind(own: Settings, fake: HashEmbedder):
    manifest = build_index(own, fake, show_progress=False)
    assert manifest.dense_kind == "flat"  # a few dozen passages: far below the HNSW threshold
    assert all(len(digest) == 64 for digest in manifest.files.values())
    assert {DENSE, "passages.jsonl", "documents.json"} <= set(manifest.files)
    assert any(name.startswith("bm25/") for name in manifest.files)


def test_two_processes_building_at_once_do_not_corrupt_each_other(own: Settings, fake: HashEmbedder):
    procs = [child(own, delay=0.05, mode="build") for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    assert not list(own.index_dir.glob("tmp-*"))
    assert builds(own) == [live_folder(own.index_dir)]  # the later build won; the earlier one was swept
    assert_usable(own, fake)


def test_two_processes_opening_a_missing_index_build_it_once(own: Settings, fake: HashEmbedder):
    procs = [child(own, delay=0.05, mode="open") for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    folders = {out.split()[-1] for out, _ in outs}
    assert len(folders) == 1  # both opened the same build
    assert sum(err.count("正在建立索引") for _, err in outs) == 1  # the second waited on the lock, then reused it
    assert_usable(own, fake)


def test_readers_never_fail_while_builds_replace_the_index(own: Settings, fake: HashEmbedder):
    build_index(own, fake, show_progress=False)
    errors: list[BaseException] = []
    stop = threading.Event()

    def rebuild_repeatedly() -> None:
        try:
            for _ in range(4):
                build_index(own, fake, show_progress=False)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            stop.set()

    builder = threading.Thread(target=rebuild_repeatedly)
    builder.start()
    opened = 0
    while not stop.is_set():
        loaded = open_index(own, rebuild=False, embedder=fake)
        assert loaded.dense.size == len(loaded.passages)
        opened += 1
    builder.join()
    assert not errors and opened > 0
    assert_usable(own, fake)


def test_hnsw_is_chosen_above_the_threshold_and_recorded(own: Settings, fake: HashEmbedder, monkeypatch):
    from qa.index import dense

    assert dense.choose_kind(dense.ANN_THRESHOLD - 1) == "flat" and dense.choose_kind(dense.ANN_THRESHOLD) == "hnsw"
    monkeypatch.setattr(dense, "ANN_THRESHOLD", 10)  # the report has a few dozen passages
    manifest = build_index(own, fake, show_progress=False)
    assert manifest.dense_kind == "hnsw"
    loaded = assert_usable(own, fake)
    assert loaded.dense.kind == "hnsw" and loaded.manifest.dense_kind == "hnsw"
    vector = fake.embed_passages([loaded.passages[5].index_text])[0]
    ids, scores = loaded.dense.search(vector, 3)
    assert ids[0] == 5 and scores[0] > 0.99
