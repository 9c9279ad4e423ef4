"""With `--milvus` the answer layer's per-passage data comes from the engine (`qa.index.milvus_rows`) and the replica
keeps only the skeleton (`qa.index.skeleton`): each gives exactly what the in-memory corpus gives."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer import document
from qa.answer.context import AnswerContext, InMemoryCorpus, section_tree
from qa.index import milvus_rows
from qa.index.skeleton import skeleton_of
from qa.pipeline import Assistant
from qa.text import normal_form
from qa.types import PassageKind

from engines import require

require("pymilvus")
require("milvus_lite")


@pytest.fixture(scope="module")
def in_memory(assistant: Assistant) -> InMemoryCorpus:
    index = assistant.index
    return InMemoryCorpus(index.passages, index.documents.values(), index.statement_vectors)


def test_every_scan_over_the_skeleton_finds_what_the_whole_corpus_gives(assistant: Assistant) -> None:
    index = assistant.index
    kept = [p for _, p in skeleton_of(index.passages, index.documents.values()).passages]
    assert len(kept) < len(index.passages)
    assert section_tree(kept) == section_tree(index.passages)
    assert [p for p in kept if p.kind is PassageKind.TABLE_ROW] == list(assistant.context.table_rows)
    for kind in "图表":
        for number in range(1, 30):
            assert document._labelled(tuple(kept), kind, number) == document._labelled(tuple(index.passages), kind,
                                                                                        number)
            assert document._pointing(tuple(kept), kind, number) == document._pointing(tuple(index.passages), kind,
                                                                                        number)
    assert any(document._labelled(tuple(kept), "图", n) for n in range(1, 30))  # the report has numbered figures


def test_rows_from_the_engine_equal_the_in_memory_ones(assistant: Assistant, milvus_assistant: Assistant,
                                                       in_memory: InMemoryCorpus) -> None:
    rows = milvus_assistant.index.rows
    passages = assistant.index.passages
    assert rows.at(list(range(len(passages)))) == passages
    for p in passages:
        assert np.array_equal(rows.vectors_of(p), in_memory.vectors_of(p))
        for step in (-2, -1, 1, 2):
            assert rows.neighbour(p, step) == in_memory.neighbour(p, step)
    for source in assistant.index.documents:
        assert rows.document_text(source) == in_memory.document_text(source)
    assert rows.document_text("没有这个文件.pdf") == ""


@pytest.mark.parametrize("term", ["海淀区", "智能企", "62.44%", "寒武纪", "量子计算博物馆", "100%_", '"引号"', "a\\b",
                                  "人工智能产业发展", "ai", ""])
def test_a_word_anywhere_in_the_corpus_is_found_by_the_engine_as_in_memory(milvus_assistant: Assistant,
                                                                          in_memory: InMemoryCorpus, term: str) -> None:
    text = normal_form(term)
    assert milvus_assistant.index.rows.contains(text) == in_memory.contains(text)


def test_a_long_document_is_stitched_back_from_its_chunks(assistant: Assistant,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Overlapping chunks (small here, so the report spans many) give each document back whole, and every word of
    up to OVERLAP + 1 characters lies whole inside one chunk, where the engine's `like` finds it."""
    monkeypatch.setattr(milvus_rows, "CHUNK_CHARS", 300)
    monkeypatch.setattr(milvus_rows, "OVERLAP", 40)
    documents = list(assistant.index.documents.values())
    chunks = list(milvus_rows.text_chunks(documents))
    for number, d in enumerate(documents):
        text = normal_form(f"{d.title}\n{d.text}")
        own = [c for c in chunks if c["doc"] == number]
        assert len(own) > 10 and milvus_rows.stitched(reversed(own)) == text
        for start in range(0, len(text) - 41, 7):
            assert any(text[start:start + 41] in c["text"] for c in own)


def test_a_replica_keeps_a_bounded_number_of_rows_and_still_answers_alike(
        assistant: Assistant, milvus_assistant: Assistant, dev_questions: list[dict[str, object]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cache of 6 rows and 10 tagged sentences every question refetches what it needs: same answers."""
    monkeypatch.setattr(milvus_rows, "ROWS_KEPT", 6)
    monkeypatch.setattr(milvus_rows, "TAGS_KEPT", 10)
    rows = milvus_assistant.index.rows
    for question in dev_questions[:10]:
        embedded, engine = assistant.ask(question["q"], 5), milvus_assistant.ask(question["q"], 5)
        assert (engine.answer, engine.answered, engine.short_answer, engine.citations[0].id) == \
            (embedded.answer, embedded.answered, embedded.short_answer, embedded.citations[0].id)
        assert len(rows._rows) <= 6 and len(milvus_assistant.segmenter._known_tags) <= 10


def test_the_milvus_context_is_built_from_the_skeleton(milvus_assistant: Assistant, assistant: Assistant) -> None:
    context: AnswerContext = milvus_assistant.context
    assert context.sections == assistant.context.sections and context.titles == assistant.context.titles
    assert context.tables == assistant.context.tables
    assert milvus_assistant.index.skeleton.traditional is False
