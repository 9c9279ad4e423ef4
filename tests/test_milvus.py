"""Retrieval in Milvus (`--milvus`): the same answers as the embedded path, the engine's BM25 and vectors ranking
as bm25s and FAISS do, one collection per build behind an alias, Milvus Lite embedded and as a server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import cli
from qa.config import PROJECT_ROOT, Settings
from qa.index import milvus as milvus_store
from qa.index.build import build_index
from qa.index.loader import open_index, problem_with
from qa.index.store import BM25_DIR, DENSE, live_folder, read_manifest
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve, retriever_for

from conftest import copy_corpus, with_vector_cache
from engines import free_port, milvus_server, require
from index_fakes import HashEmbedder

require("pymilvus")
require("milvus_lite")

QUESTIONS_COMPARED = ("answer", "answered", "short_answer")
EXTRA = "北京市人工智能产业发展补充说明：二〇一九年石景山区的新增场馆与数据更新.md"


def test_answers_through_milvus_equal_the_embedded_ones(assistant: Assistant, milvus_assistant: Assistant,
                                                       dev_questions: list[dict[str, object]]) -> None:
    for question in dev_questions:
        embedded, engine = assistant.ask(question["q"], 5), milvus_assistant.ask(question["q"], 5)
        assert [getattr(engine, f) for f in QUESTIONS_COMPARED] == [getattr(embedded, f) for f in QUESTIONS_COMPARED]
        assert engine.citations[0].id == embedded.citations[0].id


def test_a_quoted_figure_brings_the_same_passage_through_the_engine(assistant: Assistant,
                                                                   milvus_assistant: Assistant) -> None:
    """The engine's BM25 finds the passages writing a figure and picks the best for the question, as bm25s does."""
    for question in ("那442家获得融资的AI企业，成立时间分布图是怎样的", "北京442家获投企业里，海淀区和朝阳区的占比各是多少"):
        tokens = assistant.index.segmenter.index_tokens(question)
        embedded = retriever_for(assistant.index).writing("442", tokens)
        assert embedded is not None and "442" in assistant.index.passages[embedded].text
        assert retriever_for(milvus_assistant.index).writing("442", tokens) == embedded
    assert retriever_for(milvus_assistant.index).writing("9999", tokens) is None  # written nowhere


def test_the_replica_keeps_no_bm25_matrix_and_no_faiss_index(milvus_assistant: Assistant) -> None:
    index = milvus_assistant.index
    folder = live_folder(milvus_assistant.settings.index_dir)
    assert folder is not None and index.dense is None and index.milvus is not None
    assert not (folder / DENSE).exists() and sorted(p.name for p in (folder / BM25_DIR).iterdir()) == ["term_stats.json"]
    assert index.manifest.dense_kind == "milvus:hnsw" and index.manifest.milvus_alias == index.milvus.alias
    # nor the passages, the documents or the sentence vectors: those come from the engine with the hits
    assert not index.passages and not index.documents and not index.statement_vectors.size and index.rows


def _engine_top(index, field: str, data: object, metric: str, n: int = 10) -> list[int]:
    found = index.milvus.client.search(index.milvus.alias, data=[data], anns_field=field, limit=n,
                                       search_params={"metric_type": metric}, output_fields=["pid"])
    return [int(hit["pos"]) for hit in found[0]]


def test_the_engines_bm25_and_vectors_rank_as_bm25s_and_faiss(assistant: Assistant, milvus_assistant: Assistant,
                                                             dev_questions: list[dict[str, object]]) -> None:
    """Same scores at each rank (passages with equal scores may come in another order)."""
    embedded, engine = assistant.index, milvus_assistant.index
    for question in dev_questions[:12]:
        tokens = [t for t in embedded.segmenter.index_tokens(question["q"]) if embedded.lexical.has_term(t)]
        bm25 = embedded.lexical.scores(tokens)
        top = _engine_top(engine, "sparse", milvus_store.term_text(tokens), "BM25")
        assert np.allclose(bm25[top], np.sort(bm25)[::-1][:len(top)], rtol=1e-5)
        vector = embedded.embedder.embed_queries([question["q"]])[0]
        _, cosines = embedded.dense.search(vector, 10)
        top = _engine_top(engine, "dense", vector.tolist(), "IP")
        passage_vectors = embedded.embedder.embed_passages([embedded.passages[pos].index_text for pos in top])
        assert np.allclose(passage_vectors @ vector, cosines, atol=1e-4)


def test_a_token_reaches_the_engine_whole() -> None:
    """Milvus's analyzers cut at punctuation and lower-case: a token goes in as one ASCII word, the same each time."""
    words = [milvus_store.term_word(t) for t in ("62.44%", "AI", "ai", "海淀区", "Momenta 初速度")]
    assert all(w.isascii() and w.isalnum() and w == w.lower() for w in words) and len(set(words)) == 5
    assert milvus_store.term_text(["海淀区", "AI"]) == f"{words[3]} {words[1]}"


@pytest.fixture()
def own_settings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index",
                    milvus=str(tmp_path / "engine.db"))


def _prefix_collections(settings: Settings) -> list[str]:
    client = milvus_store.connect(settings.milvus)
    return sorted(n for n in client.list_collections()
                  if n.startswith(milvus_store.collection_prefix(settings.index_dir)))


def _collections_of(build: str) -> list[str]:
    """A build's collections: its passages and its documents' text."""
    return [build, build + milvus_store.TEXT_SUFFIX]


def test_a_rebuild_moves_the_alias_and_drops_the_old_build(own_settings: Settings) -> None:
    embedder = HashEmbedder()
    first = build_index(own_settings, embedder=embedder, show_progress=False)
    # a Chinese file name longer than 64 bytes: Milvus counts VARCHAR lengths in bytes
    (own_settings.corpus_dir / EXTRA).write_text("# 补充\n\n石景山区建成量子计算博物馆一座。\n", encoding="utf-8")
    second = build_index(own_settings, embedder=embedder, show_progress=False)
    client = milvus_store.connect(own_settings.milvus)
    assert second.milvus_collection != first.milvus_collection
    assert _prefix_collections(own_settings) == _collections_of(second.milvus_collection)
    assert client.describe_alias(second.milvus_alias)["collection_name"] == second.milvus_collection
    found = retrieve(open_index(own_settings, rebuild=False, embedder=embedder), "量子计算博物馆在哪个区？", 3,
                     own_settings.retrieval)
    assert EXTRA in [hit.passage.source for hit in found.hits]  # BM25's first (the test vectors are random)


def test_embedded_and_milvus_builds_are_never_mixed_up(own_settings: Settings) -> None:
    embedder = HashEmbedder()
    build_index(own_settings, embedder=embedder, show_progress=False)
    embedded = replace(own_settings, milvus=None)
    assert "Milvus" in (problem_with(embedded, embedder.id) or "")
    build_index(embedded, embedder=embedder, show_progress=False)
    assert problem_with(own_settings, embedder.id) == "索引尚未写入 Milvus"
    assert problem_with(embedded, embedder.id) is None
    manifest = read_manifest(live_folder(own_settings.index_dir))
    assert manifest.milvus_collection == "" and manifest.dense_kind == "flat"


def test_another_index_folder_keeps_its_own_builds(own_settings: Settings, tmp_path: Path) -> None:
    embedder = HashEmbedder()
    other = replace(own_settings, index_dir=tmp_path / "other-index")
    mine = build_index(own_settings, embedder=embedder, show_progress=False)
    theirs = build_index(other, embedder=embedder, show_progress=False)
    assert _prefix_collections(own_settings) == _collections_of(mine.milvus_collection)
    assert _prefix_collections(other) == _collections_of(theirs.milvus_collection)


@pytest.mark.parametrize("argv, message", [
    (["--milvus", "engine"], "无法识别的 Milvus 地址"),
    (["--milvus", "{tmp}/x.db", "--milvus-index", "BTREE"], "不支持的 Milvus 向量索引类型 BTREE"),
    (["--milvus", "http://127.0.0.1:{port}"], "无法连接 Milvus"),
])
def test_bad_milvus_options_get_one_chinese_line(own_settings: Settings, tmp_path: Path, monkeypatch, capsys,
                                                 argv: list[str], message: str) -> None:
    monkeypatch.setattr(milvus_store, "CONNECT_TIMEOUT_S", 1)
    argv = [a.format(tmp=tmp_path, port=free_port()) for a in argv]
    code = cli.main(["index", "--corpus", str(own_settings.corpus_dir), "--index", str(own_settings.index_dir),
                     "--embedder", "st:/nonexistent-model", *argv])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：") and message in err and "Traceback" not in err


def test_qa_ask_through_a_milvus_server_answers_as_the_embedded_path(settings: Settings, assistant: Assistant,
                                                                    tmp_path: Path) -> None:
    """`milvus-lite server` on a loopback port as the Milvus server; `qa ask --milvus http://…` in its own process."""
    question = "哪个区的人工智能企业最多？"
    with milvus_server(tmp_path / "server-data") as uri:
        own = replace(settings, index_dir=with_vector_cache(settings, tmp_path / "index"), milvus=uri)
        build_index(own, embedder=assistant.index.embedder, show_progress=False)
        env = {**os.environ, "QA_MILVUS": uri}
        done = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--json", "--corpus", str(own.corpus_dir),
                               "--index", str(own.index_dir)], capture_output=True, text=True, env=env,
                              cwd=PROJECT_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    answer, expected = json.loads(done.stdout), assistant.ask(question).to_json()
    assert [answer[f] for f in QUESTIONS_COMPARED] == [expected[f] for f in QUESTIONS_COMPARED]
    assert [c["id"] for c in answer["citations"]] == [c["id"] for c in expected["citations"]]
