"""Damage to the files of the index being served is noticed (issue 21): NaN written in place into the memory-mapped
`statements.npy` turns `/healthz` 503 `index_damaged` while questions are still answered, until a rebuild is
swapped in. A `touch` is not damage; damage that keeps size and time is found by the sampled checksum."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from qa.config import Settings
from qa.index.build import build_index
from qa.index.store import STATEMENTS, live_folder
from qa.serving.integrity import ServedFiles
from qa.serving.live import LiveAssistant

from conftest import copy_corpus
from index_fakes import HashEmbedder
from test_serving import live_service


@pytest.fixture()
def own(tmp_path: Path) -> Settings:
    settings = Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    build_index(settings, HashEmbedder(), show_progress=False)
    return settings


def write_nan_in_place(path: Path) -> None:
    """What the attack did: NaN over the first vectors of the live file, same size, through the same inode."""
    vectors = np.load(path, mmap_mode="r+")
    vectors[:4] = np.nan
    vectors.flush()
    del vectors


def health(client: TestClient) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_nan_written_into_live_statements_is_reported_while_answering_goes_on(own: Settings) -> None:
    live, client = live_service(own)
    assert health(client)[0] == 200
    write_nan_in_place(live_folder(own.index_dir) / STATEMENTS)
    live.refresh()
    status, body = health(client)
    assert status == 503 and body["status"] == "index_damaged" and STATEMENTS in body["problem"]
    assert client.post("/api/ask", json={"question": "哪个区的人工智能企业最多？"}).status_code == 200
    build_index(own, HashEmbedder(), show_progress=False)  # `qa index` rebuilds beside the running server
    assert live.refresh() is True
    assert health(client)[0] == 200 and health(client)[1]["status"] == "ok"


def test_touched_file_is_not_damage(own: Settings) -> None:
    live, client = live_service(own)
    os.utime(live_folder(own.index_dir) / STATEMENTS)
    live.refresh()
    assert health(client)[0] == 200


def test_damage_that_keeps_size_and_time_is_found_by_the_sampled_checksum(own: Settings) -> None:
    live: LiveAssistant = live_service(own)[0]
    folder = live_folder(own.index_dir)
    assert folder is not None
    now = [0.0]
    files = ServedFiles(folder, live.assistant.index.manifest.files, sample_interval_s=60.0, clock=lambda: now[0])
    target = folder / STATEMENTS
    before = target.stat()
    write_nan_in_place(target)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the stat looks as it did
    assert files.check() is None  # not yet sampled
    for _ in range(len(files.checksums)):
        now[0] += 60.0
        if files.check():
            break
    assert files.damage is not None and STATEMENTS in files.damage
