"""Passages: verbatim spans of the cleaned text, sized for answers, stable ids, several documents."""

from pathlib import Path

from qa.config import ChunkingSettings
from qa.ingest.passages import build_passages
from qa.ingest.profile import read_profile
from qa.ingest.read import read_corpus
from qa.ingest.source import ReadOptions
from qa.types import PassageKind

from conftest import CORPUS_DIR, copy_corpus

OPTIONS = ReadOptions(read_profile(CORPUS_DIR).page_start)


def report_passages(chunking: ChunkingSettings = ChunkingSettings()):
    return build_passages(read_corpus(CORPUS_DIR, OPTIONS).documents, chunking)


def test_every_passage_is_a_verbatim_span_of_its_document():
    documents, passages = report_passages()
    texts = {d.source: d.text for d in documents}
    assert len(passages) > 40
    for p in passages:
        assert texts[p.source][p.start:p.end] == p.text


def test_passages_are_sentence_aligned_and_sized():
    chunking = ChunkingSettings()
    _, passages = report_passages(chunking)
    text_passages = [p for p in passages if p.kind is PassageKind.TEXT]
    assert all(p.text.rstrip()[-1] in "。！？；：”" or "\n" in p.text or p.text.startswith("一是")
               for p in text_passages)
    assert max(len(p.text) for p in text_passages) <= chunking.max_chars + 60  # + the headings it opens with
    assert sum(len(p.text) for p in text_passages) / len(text_passages) < 160


def test_ids_are_stable_across_builds():
    first = [p.id for p in report_passages()[1]]
    second = [p.id for p in report_passages()[1]]
    assert first == second and len(set(first)) == len(first)


def test_table_rows_carry_title_and_columns_for_retrieval():
    _, passages = report_passages()
    row = next(p for p in passages if p.kind is PassageKind.TABLE_ROW and "商汤科技" in p.text)
    assert row.text == "4 商汤科技 2014-8 D 轮 2018.9 融资 10 亿美元"
    assert "成立时间：2014-8" in row.index_text and "表 1" in row.index_text
    assert row.section[-1] == "表 1 单次融资超过10亿人民币的北京人工智能企业名单（截止2019.3）"


def test_section_paths_reach_every_text_passage():
    _, passages = report_passages()
    heading_first = [p for p in passages if p.text.startswith("三、对策建议")]
    assert heading_first and heading_first[0].section == ("三、对策建议", "1、尽快出台推动人工智能产业快速发展的落地方案")
    assert heading_first[0].headings == ["三、对策建议", "1、尽快出台推动人工智能产业快速发展的落地方案"]
    assert heading_first[0].body.startswith("为推动人工智能产业快速发展")
    body = [p for p in passages if p.kind is PassageKind.TEXT][3:]
    assert all(p.section for p in body)


def test_several_documents_each_named_in_their_passages(tmp_path: Path):
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / "notes.md").write_text("# 说明\n\n一、概况\n\n上海市人工智能企业数量较多。\n", encoding="utf-8")
    (corpus / "bom.txt").write_bytes("\ufeff深圳的硬件产业链完整。\r\n".encode("utf-8"))
    documents, passages = build_passages(read_corpus(corpus).documents, ChunkingSettings())
    assert {d.source for d in documents} == {"beijing_ai_industry_report_2019.txt", "notes.md", "bom.txt"}
    shanghai = next(p for p in passages if "上海市" in p.text)
    assert shanghai.source == "notes.md" and shanghai.section == ("一、概况",)
    assert any(p.source == "bom.txt" and p.text == "深圳的硬件产业链完整。" for p in passages)
